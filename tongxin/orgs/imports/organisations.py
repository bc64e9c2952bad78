"""Party organisations: matched by court code and Chinese name; the parent is named by its
Chinese name within the same court (a people's tribunal's also within its basic court), or
by another row of the file."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import gettext as _

from tongxin.core.permissions import Perm
from tongxin.orgs.facts import facts_deferred
from tongxin.orgs.imports.lookups import CourtRows
from tongxin.orgs.models import Department, PartyOrganisation
from tongxin.orgs.rules import organisation_problems, parent_courts
from tongxin.orgs.services import organisation_save
from tongxin.transfer.checker import (
    Checker,
    FileRef,
    Planned,
    as_date,
    in_chunks,
)
from tongxin.transfer.trees import TreeRows, fresh, ref_pk

Kind = PartyOrganisation.Kind


class OrganisationChecker(TreeRows, CourtRows, Checker):
    def run(self, rows: list):
        for row in rows:
            self.require(row, "court_code", "name_zh")
        by_code = self.unique(
            rows,
            lambda row: (row.values["court_code"], row.values["name_zh"]),
            "name_zh",
            key_fields=("court_code", "name_zh"),
        )
        courts = self.courts_by_code({key[0] for key in by_code})
        court_ids = {i for court in courts.values() for i in parent_courts(court)}
        names = {key[1] for key in by_code} | {r.values.get("parent") for r in by_code.values()}
        self.db_orgs = {
            (o.court_id, o.name_zh): o
            for o in in_chunks(
                lambda chunk: PartyOrganisation.objects.filter(
                    court_id__in=court_ids, name_zh__in=chunk
                ).select_related("court", "parent"),
                names,
            )
        }
        department_names = {n for r in by_code.values() for n in r.values.get("departments") or ()}
        self.departments = {
            (d.court_id, d.name_zh): d
            for d in in_chunks(
                lambda chunk: Department.objects.filter(
                    court__in=list(courts.values()), name_zh__in=chunk
                ),
                department_names,
            )
        }
        # Rows are keyed by (court id, name) from here on: a tribunal's parent may sit in its basic court.
        planned = {}
        for (code, name), row in by_code.items():
            court = courts.get(code)
            if court is None:
                self.unknown_court(row, "court_code")
                continue
            if not self.reaches(court):
                self.reject_reach(row, "court_code", court)
                continue
            key = (court.pk, name)
            item = Planned(row=row, key=key, target=self.db_orgs.get(key))
            item.label = f"{name} ({code})"
            item.extra["court"] = court
            planned[key] = item
        links = PartyOrganisation.departments.through.objects
        self.covered = {}
        for link in in_chunks(
            lambda chunk: links.filter(partyorganisation_id__in=chunk),
            {item.target.pk for item in planned.values() if item.target is not None},
        ):
            self.covered.setdefault(link.partyorganisation_id, set()).add(link.department_id)
        for item in planned.values():
            self._resolve_parent(item, planned)
            self._resolve_departments(item)
        planned = {key: item for key, item in planned.items() if self.ok(item.row)}
        self.reject_cycles(planned, "parent")
        order = self.tree_order(planned)
        for key in order:
            item = planned[key]
            if self.ok(item.row) and not self.parent_rejected(planned, item, "parent"):
                self._check(item, planned)
        return self.finish([planned[key] for key in order])

    def _visible(self, org) -> bool:
        paths = self.scope.court_paths(Perm.ORG_VIEW)
        own = self.scope.org_paths(Perm.ORG_VIEW)
        return any(org.court.path.startswith(p) for p in paths) or any(
            org.path.startswith(p) for p in own
        )

    def _resolve_parent(self, item: Planned, planned: dict) -> None:
        name, court, target = item.row.values.get("parent"), item.extra["court"], item.target
        if not name:
            item.extra["keep_parent"] = target is not None
            item.extra["parent"] = target.parent if target is not None else None
            return
        # This court first, then (for a people's tribunal) its basic court: the same rule as
        # organisation_save, so a preview never accepts what the commit would refuse.
        for court_id in parent_courts(court):
            if (court_id, name) in planned:
                parent = planned[(court_id, name)]
                item.extra["parent"] = FileRef(
                    (court_id, name), row=parent.row, target=parent.target
                )
                return
            org = self.db_orgs.get((court_id, name))
            if org is not None and self._visible(org):
                item.extra["parent"] = org
                return
        self.reject(
            item.row,
            "parent",
            _(
                "%(column)s: there is no organisation “%(value)s” in %(court)s (or, for a "
                "people's tribunal, in its basic court)."
            ),
            court=court.name_zh,
        )

    def _resolve_departments(self, item: Planned) -> None:
        values, court = item.row.values, item.extra["court"]
        item.extra["departments"] = None
        if not values.get("departments"):
            return
        departments = []
        for name in values["departments"]:
            department = self.departments.get((court.pk, name))
            if department is None:
                self.reject(
                    item.row,
                    "departments",
                    _("%(column)s: there is no department “%(value)s” in %(court)s."),
                    value=name,
                    court=court.name_zh,
                )
                return
            departments.append(department)
        item.extra["departments"] = departments

    def _facts(self, ref, planned: dict):
        """The kind and court of a parent: an organisation, or another row's as the file
        makes it."""
        if isinstance(ref, FileRef):
            parent = planned[ref.key]
            kind = parent.row.values.get("kind") or parent.target.kind
            return SimpleNamespace(kind=kind, court_id=ref.key[0])
        return ref

    def _check(self, item: Planned, planned: dict) -> None:
        row, target, values = item.row, item.target, item.row.values
        court, parent = item.extra["court"], item.extra["parent"]
        kind = values.get("kind") or (target.kind if target else None)
        if kind is None:
            return self.reject(
                row, "kind", _("%(column)s is required for a new organisation."), value=""
            )
        departments = item.extra["departments"]
        # The same rules as organisation_save.
        problems = organisation_problems(
            kind=kind,
            parent=self._facts(parent, planned) if parent is not None else None,
            court=court,
            is_new=target is None,
            department_courts=None if departments is None else [d.court_id for d in departments],
        )
        columns = {"court": "court_code"}
        if not self.reject_problems(row, problems, columns):
            return None
        founded_on = as_date(values.get("founded_on"))
        if target is None:
            item.changes = {
                "court": court,
                "kind": kind,
                "name_zh": values["name_zh"],
                "name_en": values.get("name_en") or "",
                "founded_on": founded_on,
                "parent": parent,
            }
            return None
        for name in ("name_en", "kind"):
            if values.get(name) is not None:
                self.note_change(item, name, name, values[name], getattr(target, name))
        if founded_on is not None:
            self.note_change(item, "founded_on", "founded_on", founded_on, target.founded_on)
        if not item.extra.get("keep_parent") and ref_pk(parent, planned) != target.parent_id:
            item.changes["parent"] = parent
            item.changed.append(self.header("parent"))
        if departments is not None:
            if {d.pk for d in departments} == self.covered.get(target.pk, set()):
                item.extra["departments"] = None
            else:
                item.changed.append(self.header("departments"))
        return None

    # Commit ----------------------------------------------------------------------------

    @facts_deferred()  # each touched organisation's facts recomputed once, at the end
    def apply(self, plan, *, actor) -> None:
        made = {}
        for item in self.each(plan):
            if item.action == "unchanged":
                made[item.key] = item.target
                continue
            changes = dict(item.changes)
            if "parent" in changes:
                parent = changes["parent"]
                changes["parent"] = fresh(
                    made[parent.key] if isinstance(parent, FileRef) else parent
                )
            departments = item.extra.get("departments")
            made[item.key] = organisation_save(
                actor=actor,
                organisation=fresh(item.target) if item.target else PartyOrganisation(),
                changes=changes,
                departments=departments,
            )
