"""Courts: matched by court code; a people's tribunal (no code) by its name within its
parent court."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils.translation import gettext as _

from tongxin.orgs.facts import facts_deferred
from tongxin.orgs.imports.lookups import CourtRows
from tongxin.orgs.models import Court
from tongxin.orgs.rules import court_problems
from tongxin.orgs.services import court_save
from tongxin.transfer.checker import Checker, FileRef, Planned, in_chunks
from tongxin.transfer.trees import TreeRows, fresh, ref_pk

TRIBUNAL = Court.Level.TRIBUNAL
SCALARS = ("name_zh", "name_en", "level", "kind", "province")


def _key(values: dict) -> tuple:
    if values.get("code"):
        return ("code", values["code"])
    return ("tribunal", values.get("parent_code"), values.get("name_zh"))


class CourtChecker(TreeRows, CourtRows, Checker):
    def run(self, rows: list):
        for row in rows:
            values = row.values
            if not self.readable(row, "code", "level"):
                continue  # the key or the kind of court is unknown; reported by parse
            if not values.get("code"):
                if values.get("level") != TRIBUNAL:
                    self.reject(
                        row,
                        "code",
                        _("%(column)s is required (only people's tribunals have no code)."),
                        value="",
                    )
                elif not self.readable(row, "parent_code", "name_zh"):
                    self.bad.add(row.number)  # a tribunal's key is unknown; reported by parse
                else:
                    self.require(row, "parent_code", "name_zh")
        by_key = self.unique(rows, lambda row: _key(row.values), "code", key_fields=("code",))
        codes = {key[1] for key in by_key if key[0] == "code"}
        parent_codes = {row.values.get("parent_code") for row in by_key.values()}
        db_courts = self.courts_by_code(codes | parent_codes)
        tribunal_keys = [key for key in by_key if key[0] == "tribunal"]
        tribunals = {}
        if tribunal_keys:
            names = {key[2] for key in tribunal_keys}
            found = in_chunks(
                lambda chunk: Court.objects.filter(
                    code__isnull=True,
                    parent__code__in={key[1] for key in tribunal_keys},
                    name_zh__in=chunk,
                ).select_related("parent"),
                names,
            )
            tribunals = {("tribunal", c.parent.code, c.name_zh): c for c in found}

        planned = {}
        for key, row in by_key.items():
            target = db_courts.get(key[1]) if key[0] == "code" else tribunals.get(key)
            item = Planned(row=row, key=key, target=target)
            item.label = (
                f"{row.values.get('name_zh') or getattr(target, 'name_zh', '')} ({key[1] or ''})"
            )
            if target is None:
                self.require(row, "name_zh", "level")
            if self._resolve_parent(item, by_key, db_courts):
                planned[key] = item
        self.reject_cycles(planned, "parent_code")
        order = self.tree_order(planned)
        for key in order:
            item = planned[key]
            if self.ok(item.row) and not self.parent_rejected(planned, item, "parent_code"):
                self._check(item, planned)
        return self.finish([planned[key] for key in order])

    def _resolve_parent(self, item: Planned, by_key: dict, db_courts: dict) -> bool:
        row, target = item.row, item.target
        parent_code = row.values.get("parent_code")
        if parent_code:
            if ("code", parent_code) in by_key:
                item.extra["parent"] = FileRef(
                    ("code", parent_code),
                    row=by_key[("code", parent_code)],
                    target=db_courts.get(parent_code),
                )
            elif parent_code in db_courts:
                item.extra["parent"] = db_courts[parent_code]
            else:
                self.unknown_court(row, "parent_code")
                return False
        elif target is not None:
            item.extra["parent"] = target.parent if target.parent_id else None
            item.extra["keep_parent"] = True
        elif self.readable(row, "parent_code"):
            if row.values.get("level") != Court.Level.SPC:
                self.require(row, "parent_code")
            item.extra["parent"] = None
        return self.ok(row)

    def _facts(self, ref, planned: dict):
        """The level and province of a parent: a court, or another row's court as the file
        makes it (checked before this row: parents come first)."""
        if isinstance(ref, FileRef):
            return planned[ref.key].extra["facts"]
        return ref

    def _root_taken(self) -> bool:
        if not hasattr(self, "_root"):
            self._root = Court.objects.filter(parent__isnull=True).exists()
        return self._root

    def _check(self, item: Planned, planned: dict) -> None:
        row, target, values = item.row, item.target, item.row.values
        parent = item.extra["parent"]
        moves = target is None or (
            not item.extra.get("keep_parent") and ref_pk(parent, planned) != target.parent_id
        )
        # Scope: the court itself when it exists; a new parent, since it gains a child.
        if target is not None and not self.reaches(target):
            self.reject_reach(row, "code", target)
        if moves and isinstance(parent, Court) and not self.reaches(parent):
            self.reject_reach(row, "parent_code", parent)
        level = values.get("level") or target.level
        code = values.get("code") if target is None else target.code
        parent_facts = self._facts(parent, planned) if parent is not None else None
        province = values.get("province") or (target.province if target is not None else None)
        if parent_facts is not None and parent_facts.province and not province:
            province = parent_facts.province
        becomes_root = parent is None and (target is None or target.parent_id is not None)
        # The same rules as court_save; reach is checked above (import.run and the kind's
        # permission), and no user places a court at the root.
        problems = court_problems(
            level=level,
            code=code,
            province=province,
            parent=parent_facts,
            moved=parent is not None and moves,
            becomes_root=becomes_root,
            root_taken=becomes_root and self._root_taken(),
            parent_in_reach=False if parent is None else None,
        )
        if not self.reject_problems(row, problems, {"parent": "parent_code"}):
            return None
        if not self.ok(row):
            return None
        item.extra["facts"] = SimpleNamespace(level=level, province=province)
        if target is None:
            item.changes = {
                "code": values.get("code"),
                "name_zh": values["name_zh"],
                "name_en": values.get("name_en") or "",
                "level": level,
                "kind": values.get("kind") or Court.Kind.ORDINARY,
                "province": values.get("province"),
            }
            return None
        for name in SCALARS:
            if values.get(name) is not None:
                self.note_change(item, name, name, values[name], getattr(target, name))
        if moves:
            item.changes["parent"] = parent
            item.changed.append(self.header("parent_code"))
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
            if "parent" in changes or item.target is None:
                parent = item.extra["parent"]
                parent = made[parent.key] if isinstance(parent, FileRef) else parent
                changes["parent"] = fresh(parent)
            if item.target is None and not changes["province"]:
                # A new court lies in its parent's province (the SPC's is empty).
                changes["province"] = getattr(changes["parent"], "province", "")
            court = fresh(item.target) if item.target is not None else Court()
            made[item.key] = court_save(actor=actor, court=court, changes=changes)
