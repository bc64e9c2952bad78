"""Materialised paths: "this node and everything below" is one indexed prefix query.

A path is the chain of ids from the root, each zero-padded to SEGMENT digits and ended by
a dot, e.g. ``0000001.0000005.``. Fixed width keeps paths sortable in tree order.
"""

from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _

from tongxin.core.exceptions import ApplicationError

SEGMENT = 7


def segment(pk: int) -> str:
    return f"{pk:0{SEGMENT}d}."


class TreeNode(models.Model):
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        abstract = True

    def compute_path(self) -> tuple[str, int]:
        parent = self.parent
        if parent is None:
            return segment(self.pk), 0
        return parent.path + segment(self.pk), parent.depth + 1

    def is_descendant_of(self, other) -> bool:
        return self.path.startswith(other.path)


def check_parent(node, parent) -> None:
    """Refuse a parent that is the node itself or lies below it (a cycle)."""
    if parent is None or node.pk is None:
        return
    if parent.pk == node.pk:
        raise ApplicationError(_("“%(node)s” cannot be its own parent.") % {"node": node})
    if node.path and parent.path.startswith(node.path):
        raise ApplicationError(
            _("“%(parent)s” lies below “%(node)s”: it cannot become its parent.")
            % {"parent": parent, "node": node}
        )


def save_with_path(node) -> None:
    """Save a node and keep its own and its descendants' paths right after a move."""
    old_path = node.path
    if node.pk is None:
        node.save()
    new_path, new_depth = node.compute_path()
    if new_path == old_path and node.depth == new_depth:
        node.save()
        return
    node.path, node.depth = new_path, new_depth
    node.save()
    if old_path:
        model = type(node)
        shift = new_depth - old_path.count(".") + 1
        model.objects.filter(path__startswith=old_path).exclude(pk=node.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + shift,
        )
