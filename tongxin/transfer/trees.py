"""Rows that form a tree (courts, Party organisations): a parent given by another row of the
file or by a record, circles refused, parents checked and written before their children."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongxin.transfer.checker import FileRef, Planned


def path_ids(node) -> list[int]:
    """The ids on a materialised path, the node itself first, then upwards."""
    return [int(part) for part in node.path.split(".") if part][::-1]


class TreeRows:
    """A mixin for a `Checker` whose rows carry extra["parent"] (a FileRef, a record or None)."""

    def reject_cycles(self, planned: dict, name: str) -> None:
        """Reject rows whose new chain of parents leads back to themselves.

        planned: key → Planned with extra["parent"] a FileRef, a record or None. A record's
        own ancestors are followed on its path, jumping into the file wherever an accepted
        row gives one of them a new parent; a rejected row's record keeps its parent.
        """
        self._by_id = {p.target.pk: key for key, p in planned.items() if p.target is not None}
        for key, item in planned.items():
            if self.ok(item.row) and self._circles(planned, key):
                self._reject_circle(item, name)

    def _reject_circle(self, item: Planned, name: str) -> None:
        self.reject(
            item.row,
            name,
            _("%(column)s: “%(value)s” makes a circle: a record cannot sit below itself."),
        )

    def _circles(self, planned: dict, key) -> bool:
        """True if the chain of parents of planned[key] comes back to it."""
        by_id = self._by_id
        seen, ref = {key}, planned[key].extra.get("parent")
        for _step in range(10_000):
            if ref is None:
                return False
            if not isinstance(ref, FileRef):
                ref = next(
                    (
                        FileRef(by_id[i])
                        for i in path_ids(ref)
                        if i in by_id and self.ok(planned[by_id[i]].row)
                    ),
                    None,
                )
                continue
            if ref.key == key:
                return True
            if ref.key not in planned or not self.ok(planned[ref.key].row):
                ref = ref.target  # that row is rejected: its record (if any) stays as it is
                continue
            if ref.key in seen:
                return False  # a circle above this row: its parent is rejected in its turn
            seen.add(ref.key)
            ref = planned[ref.key].extra.get("parent")
        return False

    def tree_order(self, planned: dict) -> list:
        """Keys with parents given in the file before their children."""
        depth: dict = {}
        for start in planned:
            chain, key = [], start
            while key is not None and key not in depth and key not in chain:
                chain.append(key)
                ref = planned[key].extra.get("parent")
                key = ref.key if isinstance(ref, FileRef) and ref.key in planned else None
            level = depth.get(key, -1)  # a circle (rejected anyway) counts from the top
            for key in reversed(chain):
                level += 1
                depth[key] = level
        return sorted(planned, key=lambda k: (depth[k], planned[k].row.number))

    def parent_rejected(self, planned: dict, item: Planned, name: str) -> bool:
        """Settle a parent given by another row of the file, once that row has been checked
        (rows are checked parents first); True if the row is rejected for it.

        The parent's row accepted: the row is checked against the parent as the file makes
        it. The parent's row rejected: nothing of it will be written, so if the database
        holds that parent the row is checked against the record as it stands (as if the
        failed row were not in the file); only a parent that the failed row alone would
        have created rejects the row, and the reason says so.
        """
        ref = item.extra.get("parent")
        if not isinstance(ref, FileRef):
            return False
        parent = planned.get(ref.key)
        if parent is not None and self.ok(parent.row):
            return False
        if ref.target is not None:
            item.extra["parent"] = ref.target
            if self._circles(planned, item.key):
                self._reject_circle(item, name)
                return True
            return False
        self.reject(
            item.row,
            name,
            _(
                "%(column)s: “%(value)s” is not recorded yet, and row %(parent_row)d, which "
                "would create it, was rejected."
            ),
            parent_row=ref.row.number,
        )
        return True


def ref_pk(ref, planned: dict):
    """The id a parent reference stands for (None for a record the file creates)."""
    if isinstance(ref, FileRef):
        target = planned[ref.key].target
        return target.pk if target is not None else None
    return getattr(ref, "pk", None)


def fresh(node):
    """Re-read a tree node's path: moves earlier in the same commit may have shifted it."""
    if node is not None and node.pk is not None:
        node.path, node.depth = type(node).objects.values_list("path", "depth").get(pk=node.pk)
    return node
