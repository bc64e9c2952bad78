"""Departments: matched by court code and Chinese name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongxin.orgs.imports.lookups import CourtRows
from tongxin.orgs.models import Department
from tongxin.orgs.rules import new_in_inactive_court
from tongxin.orgs.services import department_save
from tongxin.transfer.checker import Checker, Planned, in_chunks


class DepartmentChecker(CourtRows, Checker):
    def run(self, rows: list):
        for row in rows:
            self.require(row, "court_code", "name_zh")
        by_key = self.unique(
            rows,
            lambda row: (row.values["court_code"], row.values["name_zh"]),
            "name_zh",
            key_fields=("court_code", "name_zh"),
        )
        courts = self.courts_by_code({key[0] for key in by_key})
        existing = {
            (d.court_id, d.name_zh): d
            for d in in_chunks(
                lambda chunk: Department.objects.filter(
                    court__in=list(courts.values()), name_zh__in=chunk
                ),
                {key[1] for key in by_key},
            )
        }
        planned = []
        for (code, name), row in by_key.items():
            court = courts.get(code)
            if court is None:
                self.unknown_court(row, "court_code")
                continue
            if not self.reaches(court):
                self.reject_reach(row, "court_code", court)
                continue
            item = Planned(row=row, key=(code, name), target=existing.get((court.pk, name)))
            item.label = f"{name} ({code})"
            item.extra["court"] = court
            values = row.values
            if item.target is None:
                if not values.get("kind") and self.readable(row, "kind"):
                    self.reject(
                        row, "kind", _("%(column)s is required for a new department."), value=""
                    )
                problems = new_in_inactive_court(court, is_new=True)
                self.reject_problems(row, problems, {"court": "court_code"})
                if not self.ok(row):
                    continue
                item.changes = {
                    "court": court,
                    "name_zh": name,
                    "name_en": values.get("name_en") or "",
                    "kind": values["kind"],
                }
            elif self.ok(row):
                for field in ("name_en", "kind"):
                    if values.get(field) is not None:
                        self.note_change(
                            item, field, field, values[field], getattr(item.target, field)
                        )
            planned.append(item)
        return self.finish(planned)

    def apply(self, plan, *, actor) -> None:
        for item in self.each(plan):
            if item.action != "unchanged":
                department_save(
                    actor=actor, department=item.target or Department(), changes=item.changes
                )
