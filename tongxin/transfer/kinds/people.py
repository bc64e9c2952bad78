"""People: matched by court code and staff number; the organisation column moves their
membership (dated by the membership-from column, default today)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongxin.core.permissions import Perm
from tongxin.orgs.models import Department, PartyOrganisation
from tongxin.people.models import Membership, Person
from tongxin.people.services import membership_move, person_save
from tongxin.transfer.kinds.base import Checker, Planned, as_date, as_decimal, in_chunks

Kind = PartyOrganisation.Kind
Status = Person.PoliticalStatus
MEMBER_KINDS = (Kind.BRANCH, Kind.GENERAL_BRANCH, Kind.ORGAN_COMMITTEE)
DATES = ("birth_date", "joined_party_on", "full_member_on")
PLAIN = ("name", "gender", "category", "cadre_level", "is_quota_judge", "political_status")


class PersonChecker(Checker):
    perm = Perm.PERSON_CHANGE

    def run(self, rows: list):
        for row in rows:
            self.require(row, "court_code", "staff_number")
        by_key = self.unique(
            rows,
            lambda row: (row.values["court_code"], row.values["staff_number"]),
            "staff_number",
        )
        self._load(by_key)
        planned = []
        for (code, number), row in by_key.items():
            court = self.courts.get(code)
            if court is None:
                self.unknown_court(row, "court_code")
                continue
            if not self.reaches(court):
                self.reject_reach(row, "court_code", court)
                continue
            item = Planned(row=row, key=(code, number), target=self.people.get((court.pk, number)))
            item.label = f"{row.values.get('name') or getattr(item.target, 'name', '')} ({number})"
            item.extra["court"] = court
            if self._check(item):
                planned.append(item)
        return self.finish(planned)

    def _load(self, by_key: dict) -> None:
        """Everything the rows refer to, in a few queries however long the file is."""
        rows = by_key.values()
        self.courts = self.courts_by_code({key[0] for key in by_key})
        court_ids = {c.pk for c in self.courts.values()}
        # A people's tribunal's members may belong to its basic court's organisations.
        org_court_ids = court_ids | {c.parent_id for c in self.courts.values() if c.parent_id}
        self.people = {
            (p.court_id, p.staff_number): p
            for p in in_chunks(
                lambda chunk: Person.objects.filter(court_id__in=court_ids, staff_number__in=chunk),
                {key[1] for key in by_key},
            )
        }
        self.departments = {
            (d.court_id, d.name_zh): d
            for d in in_chunks(
                lambda chunk: Department.objects.filter(court_id__in=court_ids, name_zh__in=chunk),
                {row.values.get("department") for row in rows},
            )
        }
        org_names = {row.values.get(name) for row in rows for name in ("organisation", "cell")}
        self.orgs = {
            (o.court_id, o.name_zh): o
            for o in in_chunks(
                lambda chunk: PartyOrganisation.objects.filter(
                    court_id__in=org_court_ids, name_zh__in=chunk
                ).select_related("court", "parent"),
                org_names,
            )
        }
        self.current = {
            m.person_id: m
            for m in in_chunks(
                lambda chunk: Membership.objects.filter(person_id__in=chunk, ends_on__isnull=True),
                {p.pk for p in self.people.values()},
            )
        }

    def _check(self, item: Planned) -> bool:
        row, target, values, court = item.row, item.target, item.row.values, item.extra["court"]
        if target is not None and values.get("name") and values["name"] != target.name:
            self.reject(
                row,
                "name",
                _(
                    "%(column)s: staff number %(number)s of %(court)s already belongs to "
                    "“%(existing)s”, not “%(value)s”; rename people in the application."
                ),
                number=target.staff_number,
                court=court.name_zh,
                existing=target.name,
            )
            return False
        if target is None and not self.require(row, "name", "gender", "category"):
            return False
        new = {name: values.get(name) for name in PLAIN}
        new.update({name: as_date(values.get(name)) for name in DATES})
        new["dues_base"] = as_decimal(values.get("dues_base"))
        new["is_retired"] = values.get("is_retired")
        if values.get("department"):
            department = self.departments.get((court.pk, values["department"]))
            if department is None or not department.is_active:
                self.reject(
                    row,
                    "department",
                    _("%(column)s: there is no active department “%(value)s” in %(court)s."),
                    court=court.name_zh,
                )
                return False
            new["department"] = department
        new = {name: value for name, value in new.items() if value is not None}

        def now(name):  # the value after the import
            return new.get(name, getattr(target, name, None))

        if now("birth_date") and now("birth_date") > self.today:
            return self._date_error(
                row, "birth_date", _("%(column)s: “%(value)s” lies in the future.")
            )
        status = now("political_status") or Status.NONE
        if status in (Status.NONE, Status.APPLICANT) and now("full_member_on"):
            return self._date_error(
                row,
                "full_member_on",
                _("%(column)s: only Party members have a date of full membership."),
            )
        if (
            now("joined_party_on")
            and now("full_member_on")
            and now("full_member_on") < now("joined_party_on")
        ):
            return self._date_error(
                row,
                "full_member_on",
                _("%(column)s: “%(value)s” is before the date of joining the Party."),
            )
        if (
            now("birth_date")
            and now("joined_party_on")
            and now("joined_party_on") <= now("birth_date")
        ):
            return self._date_error(
                row, "joined_party_on", _("%(column)s: “%(value)s” is not after the date of birth.")
            )
        if not self._membership(item, status):
            return False
        if target is None:
            item.changes = {"court": court, "staff_number": item.key[1], **new}
            item.changes.setdefault("political_status", Status.NONE)
            return True
        for name, value in new.items():
            if name == "department":  # compare ids: no query per row for the old department
                old = value if value.pk == target.department_id else None
            else:
                old = getattr(target, name)
            self.note_change(item, name, name, value, old)
        return True

    def _date_error(self, row, name: str, message: str) -> bool:
        self.reject(row, name, message, value=row.values.get(name) or "")
        return False

    def _membership(self, item: Planned, status: str) -> bool:
        """Plan the membership move the organisation (and party group) columns ask for."""
        row, values, court = item.row, item.row.values, item.extra["court"]
        org_name, cell_name = values.get("organisation"), values.get("cell")
        if not org_name and not cell_name:
            return True
        courts = [court.pk] + ([court.parent_id] if court.parent_id else [])
        org = cell = None
        if cell_name:
            cell = next(
                (self.orgs.get((i, cell_name)) for i in courts if (i, cell_name) in self.orgs), None
            )
            if cell is None or cell.kind != Kind.CELL:
                self.reject(
                    row,
                    "cell",
                    _("%(column)s: there is no party group “%(value)s” in %(court)s."),
                    court=court.name_zh,
                )
                return False
        if org_name:
            org = next(
                (self.orgs.get((i, org_name)) for i in courts if (i, org_name) in self.orgs), None
            )
            if org is None or org.kind == Kind.CELL:
                self.reject(
                    row,
                    "organisation",
                    _("%(column)s: there is no organisation “%(value)s” in %(court)s."),
                    court=court.name_zh,
                )
                return False
        else:
            org = cell.parent
        if org.kind not in MEMBER_KINDS:
            self.reject(
                row,
                "organisation",
                _(
                    "%(column)s: “%(value)s” is a %(kind)s; members belong to a branch, a general branch or an organ committee."
                ),
                value=org.name_zh,
                kind=Kind(org.kind).label,
            )
            return False
        if not org.is_active:
            self.reject(
                row,
                "organisation",
                _("%(column)s: “%(value)s” is no longer active."),
                value=org.name_zh,
            )
            return False
        if cell is not None and cell.parent_id != org.pk:
            self.reject(
                row,
                "cell",
                _("%(column)s: the party group “%(value)s” does not belong to “%(organisation)s”."),
                organisation=org.name_zh,
            )
            return False
        if status not in (Status.FULL, Status.PROBATIONARY):
            self.reject(
                row,
                "organisation",
                _(
                    "%(column)s: only full and probationary Party members belong to an organisation (political status: %(status)s)."
                ),
                value=org.name_zh,
                status=Status(status).label,
            )
            return False
        current = self.current.get(item.target.pk) if item.target is not None else None
        if (
            current is not None
            and current.organisation_id == org.pk
            and (cell is None or current.cell_id == cell.pk)
        ):
            # Same organisation; an empty party-group cell keeps the current party group.
            return True
        on = as_date(values.get("membership_from")) or self.today
        if current is not None and on <= current.starts_on:
            self.reject(
                row,
                "membership_from",
                _(
                    "%(column)s: the move must be dated after the current membership started (%(date)s)."
                ),
                value=values.get("membership_from") or on.isoformat(),
                date=current.starts_on.isoformat(),
            )
            return False
        item.extra["move"] = (org, cell, on)
        item.changed.append(self.header("organisation"))
        return True

    # Commit ----------------------------------------------------------------------------

    def apply(self, plan, *, actor) -> None:
        for item in self.each(plan):
            if item.action == "unchanged":
                continue
            person = item.target
            if item.changes or person is None:
                person = person_save(actor=actor, person=person or Person(), changes=item.changes)
            move = item.extra.get("move")
            if move:
                organisation, cell, on = move
                membership_move(
                    actor=actor, person=person, organisation=organisation, cell=cell, on=on
                )
