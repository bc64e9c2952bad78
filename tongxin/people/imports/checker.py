"""The people import's checks and its bulk write (see the package docstring)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import IntegrityError
from django.utils.translation import gettext as _

from tongxin.core.audit import snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.orgs.facts import facts_deferred
from tongxin.orgs.imports.lookups import CourtRows
from tongxin.orgs.models import CommitteePost, Department, PartyOrganisation
from tongxin.people.imports.bulk import pairs_in, update_rows
from tongxin.people.imports.columns import (
    DATES,
    MEMBER_KINDS,
    PLAIN,
    Kind,
    Status,
)
from tongxin.people.models import Membership, Person
from tongxin.people.rules import MEMBERS, NOT_MEMBERS, VALUE_FIELDS, cell_problems, person_problems
from tongxin.people.services import person_save
from tongxin.transfer.checker import Checker, Planned, as_date, as_decimal, in_chunks

# Checks and commit ---------------------------------------------------------------------


class PersonChecker(CourtRows, Checker):
    chunked = True  # a row depends on no other row but through its key
    file_key = ("court_code", "staff_number")

    def run(self, rows: list):
        for row in rows:
            self.require(row, "court_code", "staff_number")
        by_key = self.unique(
            rows,
            lambda row: (row.values["court_code"], row.values["staff_number"]),
            "staff_number",
            key_fields=("court_code", "staff_number"),
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
            self._check(item)
            if self.ok(row):
                planned.append(item)
        return self.finish(planned)

    def _load(self, by_key: dict) -> None:
        """Everything the rows refer to, in a few queries per chunk: the people and their
        open memberships, and (once per file, `self.shared`) courts, departments and
        organisations, each looked up by (court, name) pairs."""
        courts = self._memo("courts", {key[0] for key in by_key}, self.courts_by_code)
        self.courts = {code: court for code, court in courts.items() if court is not None}
        court_of = {code: self.courts[code] for code, _number in by_key if code in self.courts}
        # At commit the rows to change are locked until the commit ends (PostgreSQL), so
        # what the audit records as "before" is what the write replaces.
        people = Person.objects.all()
        memberships = Membership.objects.filter(ends_on__isnull=True)
        if self.for_commit:
            people = people.select_for_update()
            # The organisation names the membership in the audit of its end.
            memberships = memberships.select_related("organisation").select_for_update(of=("self",))
        keys = {(court_of[code].pk, number) for code, number in by_key if code in court_of}
        self.people = {
            (p.court_id, p.staff_number): p
            for p in in_chunks(
                lambda chunk: people.filter(pairs_in(Person, "staff_number", chunk)), keys
            )
        }
        self.departments = self._memo(
            "departments",
            {
                (court_of[code].pk, row.values["department"])
                for (code, _number), row in by_key.items()
                if code in court_of and row.values.get("department")
            },
            lambda pairs: {
                (d.court_id, d.name_zh): d
                for d in in_chunks(
                    lambda chunk: Department.objects.filter(pairs_in(Department, "name_zh", chunk)),
                    pairs,
                )
            },
        )
        # A people's tribunal's members may belong to its basic court's organisations.
        organisations = set()
        for (code, _number), row in by_key.items():
            court = court_of.get(code)
            for name in ("organisation", "cell"):
                if court is not None and row.values.get(name):
                    organisations.add((court.pk, row.values[name]))
                    if court.parent_id:
                        organisations.add((court.parent_id, row.values[name]))
        self.orgs = self._memo(
            "organisations",
            organisations,
            lambda pairs: {
                (o.court_id, o.name_zh): o
                for o in in_chunks(
                    lambda chunk: PartyOrganisation.objects.filter(
                        pairs_in(PartyOrganisation, "name_zh", chunk)
                    ).select_related("parent"),
                    pairs,
                )
            },
        )
        self.open_memberships = {
            m.person_id: m
            for m in in_chunks(
                lambda chunk: memberships.filter(person_id__in=chunk),
                {p.pk for p in self.people.values()},
            )
        }

    def _memo(self, name: str, keys: set, look_up) -> dict:
        """The records of `keys` from the file's memo, those not yet in it looked up
        (`look_up(keys) -> {key: record}`); a key found nowhere is remembered as None."""
        memo = self.shared.setdefault(name, {})
        missing = {key for key in keys if key not in memo}
        if missing:
            found = look_up(missing)
            for key in missing:
                memo[key] = found.get(key)
        return {key: memo[key] for key in keys if memo[key] is not None}

    def _check(self, item: Planned) -> None:
        """Reject the row for every fault found: lookups, then the rules of person_save."""
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
        if target is None:
            self.require(row, "name", "gender", "category")
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
            else:
                new["department"] = department
        new = {name: value for name, value in new.items() if value is not None}
        # The person as the import would leave them: a filled cell's value, else the stored
        # one; a cell that could not be read is unknown (the rules needing it are skipped).
        after = {
            name: None if name in row.faults else new.get(name, getattr(target, name, None))
            for name in VALUE_FIELDS
        }
        after["court"] = court
        after["department"] = new.get("department")
        self.reject_problems(
            row,
            person_problems(after, is_new=target is None, today=self.today),
            {"court": "court_code"},
        )
        status = after["political_status"] or (
            None if "political_status" in row.faults else Status.NONE
        )
        self._membership(item, status)
        if not self.ok(row):
            return
        if target is None:
            item.changes = {"court": court, "staff_number": item.key[1], **new}
            item.changes.setdefault("political_status", Status.NONE)
            return
        for name, value in new.items():
            if name == "department":  # compare ids: no query per row for the old department
                old = value if value.pk == target.department_id else None
            else:
                old = getattr(target, name)
            self.note_change(item, name, name, value, old)

    def _membership(self, item: Planned, status: str | None) -> bool:
        """Plan the membership move the organisation (and Party cell) columns ask for
        (`status`: the political status after the import; None if unknown)."""
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
                    _("%(column)s: there is no Party cell “%(value)s” in %(court)s."),
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
        if cell is not None and not self.reject_problems(
            row, cell_problems(cell=cell, organisation=org)
        ):
            return False
        if status is not None and status not in (Status.FULL, Status.PROBATIONARY):
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
        current = self.open_memberships.get(item.target.pk) if item.target is not None else None
        if (
            current is not None
            and current.organisation_id == org.pk
            and (cell is None or current.cell_id == cell.pk)
        ):
            # Same organisation; an empty Party-cell column keeps the current cell.
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

    @facts_deferred()  # each touched organisation's facts recomputed once, at the end
    def apply(self, plan, *, actor) -> None:
        """Write one chunk's planned rows in bulk, inside the batch's transaction: new people
        with `bulk_create`, changed fields by executemany (`_update`, grouped by the fields
        they change), membership moves by closing the open rows and creating the new ones (the
        invariants of `membership_move`: one open membership, a move dated after the current
        one began, checked by `_membership`). Each record created, changed or ended is
        recorded under the batch's audit entry (`self.audit`), with its fields before and
        after. Rows whose change has side effects go through the services: a member who
        leaves the Party (`person_save` ends their membership and posts), and the committee
        posts in an organisation a member leaves (`post_end`)."""
        audit = self.audit
        total = len(plan.rows)
        self._report(0, total)
        items = [item for item in plan.rows if item.action != "unchanged"]
        leaving = {item.row.number for item in items if _leaves_party(item)}
        bulk = [item for item in items if item.row.number not in leaving]
        for item in items:
            if item.row.number in leaving:
                self.current = item
                item.target = person_save(actor=actor, person=item.target, changes=item.changes)
        self._create(audit, [item for item in bulk if item.target is None])
        self._change(audit, [item for item in bulk if item.target is not None and item.changes])
        # New people and changed statuses bypass the services: their facts (a member in no
        # organisation, an organisation's counts) are refreshed here (deferred to the end).
        _refresh_facts(set(), person_ids=[item.target.pk for item in bulk if item.target])
        self._moves(actor, audit, [item for item in items if item.extra.get("move")])
        self.current = None
        self._report(total, total)

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _create(self, audit, items: list) -> None:
        people = [Person(**item.changes) for item in items]
        try:
            Person.objects.bulk_create(people, batch_size=500)
        except IntegrityError as error:  # written meanwhile by someone else
            raise ApplicationError(_("This record conflicts with an existing one.")) from error
        for item, person in zip(items, people, strict=True):
            item.target = person
            court = item.extra["court"]
            audit.add(
                action="people.person.created",
                obj=person,
                court_path=court.path,
                before=None,
                after=snapshot(person),
            )

    def _change(self, audit, items: list) -> None:
        groups: dict = defaultdict(list)
        for item in items:
            person, before, after = item.target, {}, {}
            for name, value in item.changes.items():
                attname = Person._meta.get_field(name).attname
                before[attname] = getattr(person, attname)
                setattr(person, name, value)
                after[attname] = getattr(person, attname)
            groups[tuple(sorted(item.changes))].append(person)
            audit.add(
                action="people.person.changed",
                obj=person,
                court_path=item.extra["court"].path,
                before=before,
                after=after,
            )
        for fields, people in groups.items():
            update_rows(Person, people, fields)

    def _moves(self, actor, audit, items: list) -> None:
        """Close the open memberships of the members who move, end their posts in the
        organisations they leave, open the new memberships."""
        if not items:
            return
        ended, created, organisations = [], [], set()
        for item in items:
            organisation, cell, on = item.extra["move"]
            current = self.open_memberships.get(item.target.pk)
            if current is not None:
                current.ends_on = on
                current.person = item.target  # named in the audit: no query per membership
                ended.append((item, current))
                organisations.add(current.organisation_id)
            created.append(
                (
                    item,
                    Membership(
                        person=item.target, organisation=organisation, cell=cell, starts_on=on
                    ),
                )
            )
            organisations.add(organisation.pk)
        update_rows(Membership, [m for _item, m in ended], ["ends_on"])
        for item, membership in ended:
            audit.add(
                action="people.membership.ended",
                obj=membership,
                court_path=item.extra["court"].path,
                before={"ends_on": None},
                after={"ends_on": membership.ends_on},
            )
        self._end_posts(actor, {m.person_id: (item, m) for item, m in ended})
        try:
            Membership.objects.bulk_create([m for _item, m in created], batch_size=500)
        except IntegrityError as error:
            raise ApplicationError(_("This record conflicts with an existing one.")) from error
        for item, membership in created:
            audit.add(
                action="people.membership.created",
                obj=membership,
                court_path=item.extra["court"].path,
                before=None,
                after=snapshot(membership),
            )
        _refresh_facts(organisations)

    def _end_posts(self, actor, left: dict) -> None:
        """A member who moves is no longer on the committee of the organisation left (as
        membership_move does): their open posts there end through the service."""
        from tongxin.orgs.services import post_end

        if not left:
            return
        posts = in_chunks(
            lambda chunk: CommitteePost.objects.filter(
                person_id__in=chunk, ends_on__isnull=True
            ).select_related("organisation__court"),
            set(left),
        )
        for post in posts:
            item, membership = left[post.person_id]
            if post.organisation_id != membership.organisation_id:
                continue
            self.current = item
            post_end(
                actor=actor,
                post=post,
                ends_on=max(membership.ends_on, post.starts_on + datetime.timedelta(days=1)),
            )


def _leaves_party(item: Planned) -> bool:
    """A member whose new status is not a member's: person_save's side effects apply."""
    return (
        item.target is not None
        and item.target.political_status in MEMBERS
        and item.changes.get("political_status") in NOT_MEMBERS
    )


def _refresh_facts(organisation_ids: set, person_ids=()) -> None:
    """The organisations whose members a bulk move changed: the maintained health facts are
    refreshed once per chunk, as the services do per move (orgs.services.facts_refresh,
    where the orgs app provides it)."""
    from tongxin.orgs import services as org_services

    refresh = getattr(org_services, "facts_refresh", None)
    if refresh is not None and (organisation_ids or person_ids):
        refresh(sorted(organisation_ids), person_ids=list(person_ids))
