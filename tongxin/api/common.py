"""Pieces every router shares: the error body, pagination, bounded query-parameter types."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import StringConstraints

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
# Far beyond any real table, small enough for every database's OFFSET and bigint columns.
MAX_OFFSET = 1_000_000_000
MAX_ID = 2**63 - 1

# Free text typed by a user: trimmed, bounded, and without NUL (PostgreSQL refuses it).
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100, pattern=r"^[^\x00]*$")
]
CourtCode = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20, pattern=r"^[^\x00]*$")
]
# An opaque cursor from a page's `next`.
Cursor = Annotated[str, StringConstraints(max_length=2000, pattern=r"^[A-Za-z0-9_-]*$")]
# A path id: an integer that fits a bigint primary key.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    message: str = Field(description="What went wrong, in the request's language.")
    extra: dict[str, Any] = Field(default_factory=dict, description="Details, e.g. field errors.")


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PageQuery(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page.")
    offset: int = Field(
        0,
        ge=0,
        le=MAX_OFFSET,
        description="Rows to skip. For deep pages of long lists follow `next` instead: a skip "
        "makes the server read every skipped row.",
    )
    after: Cursor = Field(
        "",
        description="The `next` value of the previous page: the page after it, read directly "
        "(offset is then ignored).",
    )


class PageOut(Schema):
    count: int = Field(description="Rows in the list, counted up to a bound (see count_capped).")
    count_capped: bool = Field(
        False, description="True when the list has more rows than `count` (the bound)."
    )
    limit: int
    offset: int
    next: str | None = Field(
        None, description="Pass as `after` for the next page; null at the end."
    )


def page(qs: QuerySet, query: PageQuery) -> dict:
    """One page of a queryset (which must already be in a stable order) with the total count."""
    return {
        "count": qs.count(),
        "limit": query.limit,
        "offset": query.offset,
        "items": list(qs[query.offset : query.offset + query.limit]),
    }


ACTIVE_HELP = "1 = active only (default), 0 = inactive only, all = both."


def active_flag(value: str) -> bool | None:
    """The is_active filter for an `active` parameter: True, False or None for all."""
    return {"1": True, "0": False}.get(value)
