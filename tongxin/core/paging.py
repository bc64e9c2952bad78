"""Pages of a list by keyset, with a bounded count: the cost of a page does not grow with the
list, whichever page it is.

An offset page (`LIMIT 50 OFFSET 300000`) makes the database produce and throw away every row
before it, and an exact count of a national list reads the whole list. Here a page is "the
first rows after (or before) this row in the list's order": the list's own ORDER BY (plus the
primary key where the order is not unique) is the key, and the links carry the key of the
last (or first) row shown as an opaque cursor. The count stops at `LIST_COUNT_CAP` ("more
than 10,000"). `?last=1` is the last page (the order reversed), so first, previous, next and
last are all one indexed range query.
"""

from __future__ import annotations

import base64
import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, Q, QuerySet


def _encode(values: list) -> str:
    raw = json.dumps([_plain(v) for v in values], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return {"d": value.isoformat()}
    return value


def _decode(text: str, size: int) -> list | None:
    """The key values of a cursor, or None for anything that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        values = json.loads(raw.decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != size:
        return None
    out = []
    for value in values:
        if isinstance(value, dict) and set(value) == {"d"} and isinstance(value["d"], str):
            try:
                parsed = datetime.datetime.fromisoformat(value["d"])
            except ValueError:
                return None
            value = parsed if "T" in value["d"] else parsed.date()
        elif not isinstance(value, str | int | float | bool | type(None)):
            return None
        out.append(value)
    return out


def order_of(queryset: QuerySet) -> list[str]:
    """The queryset's ORDER BY as field paths ("-at", "court__path"), ended by the primary key
    so that the key is unique."""
    fields = [f for f in queryset.query.order_by if isinstance(f, str)]
    if not fields:
        fields = list(queryset.model._meta.ordering or [])
    names = {f.lstrip("-") for f in fields}
    if not names & {"pk", "id"}:
        descending = bool(fields) and fields[-1].startswith("-")
        fields.append("-pk" if descending else "pk")
    return fields


def _value(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, "pk" if part == "pk" else part)
    return obj


def _after(fields: list[str], values: list, forward: bool) -> Q:
    """Rows after the key `values` in the order `fields` (before it when not forward)."""
    q = Q(pk__in=[])
    equal = Q()
    for name, value in zip(fields, values, strict=True):
        path = name.lstrip("-")
        ascending = not name.startswith("-")
        greater = ascending == forward
        if value is None:
            # NULLs sort first ascending on SQLite, last on PostgreSQL; keys here are not null
            # (paths, ids, numbers), so a NULL only compares equal.
            equal &= Q(**{f"{path}__isnull": True})
            continue
        q |= equal & Q(**{f"{path}__{'gt' if greater else 'lt'}": value})
        equal &= Q(**{path: value})
    return q


def _reversed(fields: list[str]) -> list:
    return [
        F(f.lstrip("-")).asc() if f.startswith("-") else F(f.lstrip("-")).desc() for f in fields
    ]


@dataclass
class KeysetPage:
    """One page: iterable like Django's Page, with links instead of page numbers."""

    object_list: list
    has_next: bool
    has_previous: bool
    count: int
    capped: bool
    links: dict = field(default_factory=dict)  # first / previous / next / last → query string
    number: int | None = None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __getitem__(self, index):
        return self.object_list[index]

    @property
    def paginator(self):
        return self  # templates and tests ask page.paginator.count

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def bounded_count(queryset: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """The number of rows up to `cap`, and whether there are more."""
    cap = cap or settings.LIST_COUNT_CAP
    n = queryset.order_by()[: cap + 1].count()
    return min(n, cap), n > cap


def cursor_of(queryset: QuerySet, obj) -> str:
    """The cursor of the page after `obj` in the queryset's order."""
    return _encode([_value(obj, f.lstrip("-")) for f in order_of(queryset)])


def keyset_page(queryset: QuerySet, params, *, per_page: int, query: str = "") -> KeysetPage:
    """The page `params` asks for (`after`, `before` or `last`), `per_page` rows."""
    fields = order_of(queryset)
    ordered = queryset.order_by(*[f if f != "pk" else "pk" for f in fields])
    after = _decode(params.get("after", ""), len(fields)) if params.get("after") else None
    before = _decode(params.get("before", ""), len(fields)) if params.get("before") else None
    last = params.get("last") == "1"
    if after is not None:
        rows = list(ordered.filter(_after(fields, after, True))[: per_page + 1])
        has_next, has_previous = len(rows) > per_page, True
        rows = rows[:per_page]
    elif before is not None or last:
        backwards = ordered.order_by(*_reversed(fields))
        if before is not None:
            backwards = backwards.filter(_after(fields, before, False))
        rows = list(backwards[: per_page + 1])
        has_previous, has_next = len(rows) > per_page, not last
        rows = rows[:per_page][::-1]
    else:
        rows = list(ordered[: per_page + 1])
        has_next, has_previous = len(rows) > per_page, False
        rows = rows[:per_page]
    count, capped = bounded_count(queryset)
    prefix = f"{query}&" if query else ""
    links = {}
    if has_previous and rows:
        links["first"] = query
        links["previous"] = (
            f"{prefix}before={_encode([_value(rows[0], f.lstrip('-')) for f in fields])}"
        )
    if has_next and rows:
        links["next"] = (
            f"{prefix}after={_encode([_value(rows[-1], f.lstrip('-')) for f in fields])}"
        )
        links["last"] = f"{prefix}last=1"
    return KeysetPage(
        object_list=rows,
        has_next=has_next,
        has_previous=has_previous,
        count=count,
        capped=capped,
        links=links,
    )


PAGE_PARAMS = ("page", "after", "before", "last")
