"""Loading a cycle's inputs and writing its results in bulk (services.cycle_compute): one
query for the members, one per source, one for the submitted ratings summed per rater group;
the results by COPY on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Count, DecimalField, Sum

from tongxin.evaluation import grading
from tongxin.evaluation.models import Cycle, CycleMember, RaterAssignment, RaterSheet, Result
from tongxin.evaluation.sources import fetch_all

_TOTAL = DecimalField(max_digits=20, decimal_places=2)


def inputs(cycle: Cycle):
    """The engine's people [(category, grading.Person)] and the facts {pid: {source: value}}."""
    members = list(
        CycleMember.objects.filter(cycle=cycle).values_list("person_id", "category", "unit")
    )
    codes = (
        set().union(*(grading.sources_used(d) for d in cycle.frozen.values()))
        if cycle.frozen
        else set()
    )
    ids = [m[0] for m in members]
    query = CycleMember.objects.filter(cycle=cycle).values_list("person_id", flat=True)
    facts = fetch_all(codes, ids, cycle.year, query)
    submitted = RaterSheet.objects.filter(cycle=cycle).values("rater_id")
    # The engine only needs each group's exact sum and count: summed by the database.
    pooled = (
        RaterAssignment.objects.filter(cycle=cycle, rater_id__in=submitted, score__isnull=False)
        .order_by("ratee_id")
        .values_list("ratee_id", "group")
        .annotate(total=Sum("score", output_field=_TOTAL), n=Count("pk"))
    )
    if connection.vendor == "postgresql":
        # The driver gives numeric as Decimal and the count as int: the ORM's converters
        # (a Decimal rebuilt from each Decimal) are skipped for 0.73 M rows. Elsewhere (an
        # SQLite sum is a float) the ORM converts.
        sql, params = pooled.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            pooled = cursor.fetchall()
    ratings: dict[int, dict[str, grading.Pooled]] = {}
    last, mine, pool = None, None, grading.Pooled
    for ratee, group, total, n in pooled:
        if ratee != last:
            last, mine = ratee, {}
            ratings[ratee] = mine
        mine[group] = pool(total, n)
    no_facts: dict = {}
    person = grading.Person
    people = [
        (c, person(p, u, facts.get(p, no_facts), ratings.get(p, no_facts))) for p, c, u in members
    ]
    return people, facts


_COPIED = ("computation", "cycle", "person", "category", "unit", "final", "grade", "status", "rank")
_JSON = ("scores", "groups", "vetoes", "facts")


def _encoder():
    """One C encoder for every value: json's own encode() builds a new encoder per call,
    most of the time of encoding a national cycle's 1.1 M values. DjangoJSONEncoder's
    `default` (decimals and dates among the facts), compact separators; no check for
    cycles (the engine's dicts hold none)."""
    base = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover (CPython has it)
        return base.encode
    other = base.default

    def default(value):
        return str(value) if type(value) is Decimal else other(value)  # as Django's does

    chunks = make(None, default, json.encoder.encode_basestring, None, ":", ",",
                  False, False, True)  # fmt: skip
    join = "".join
    return lambda value: join(chunks(value, 0))


def results_write(rows: Iterable[tuple]) -> int:
    """Rows in the order of _COPIED + _JSON; returns how many were written. PostgreSQL: by
    COPY (a multi-row INSERT adapts every JSON value through the driver's array quoting,
    several times slower at national scale); elsewhere bulk_create. The explanation is not
    stored: it is rebuilt from the raw scores when shown (Result.criteria)."""
    names = (*_COPIED, *_JSON)
    if connection.vendor != "postgresql":
        made = Result.objects.bulk_create(
            [
                Result(
                    **{
                        f"{n}_id" if n in ("computation", "cycle", "person") else n: v
                        for n, v in zip(names, row, strict=True)
                    }
                )
                for row in rows
            ],
            batch_size=2000,
        )
        return len(made)
    quote = connection.ops.quote_name
    # The explanation column of earlier results: empty for the rows written here.
    columns = ", ".join(
        quote(Result._meta.get_field(n).column) for n in (*names, "stored_criteria")
    )
    encode = _encoder()
    plain = len(_COPIED)
    statement = f"COPY {quote(Result._meta.db_table)} ({columns}) FROM STDIN"
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        write = copy.write_row
        for row in rows:
            write([*row[:plain], *[encode(v) if v else _EMPTY[type(v)] for v in row[plain:]], "{}"])
            written += 1
    return written


_EMPTY = {dict: "{}", list: "[]"}
