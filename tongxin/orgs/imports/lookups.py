"""Lookups the imports of every court-bound kind share: courts by the code a sheet writes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongxin.orgs.models import Court
from tongxin.transfer.checker import Row, in_chunks


def courts_by_code(codes) -> dict:
    """Courts by code; "苏0102/孝陵卫人民法庭" names a people's tribunal (it has no code)."""
    codes = {code for code in codes if code}
    found = {
        court.code: court
        for court in in_chunks(
            lambda chunk: Court.objects.filter(code__in=chunk).select_related("parent"), codes
        )
    }
    tribunals = {tuple(code.split("/", 1)) for code in codes - set(found) if "/" in code}
    if tribunals:
        for court in in_chunks(
            lambda chunk: Court.objects.filter(
                code__isnull=True,
                parent__code__in={parent for parent, _name in tribunals},
                name_zh__in=chunk,
            ).select_related("parent"),
            {name for _parent, name in tribunals},
        ):
            found[f"{court.parent.code}/{court.name_zh}"] = court
    return found


class CourtRows:
    """Checker mixin: rows that name their court by code."""

    def courts_by_code(self, codes) -> dict:
        return courts_by_code(codes)

    def unknown_court(self, row: Row, name: str) -> None:
        self.reject(row, name, _("%(column)s: there is no court with code “%(value)s”."))
