"""Loading a cycle's inputs and writing its results in bulk (services.cycle_compute): one
query for the members, one per source, one for the submitted ratings summed per rater group;
the results by COPY on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import orjson
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection
from django.db.models import Count, DecimalField, Sum

from tongxin.evaluation import grading
from tongxin.evaluation.models import (
    Computation,
    Cycle,
    CycleMember,
    RaterAssignment,
    RaterSheet,
    Result,
)
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


_COPIED = ("person", "category", "unit", "final", "grade", "status", "rank")
_JSON = ("scores", "groups", "vetoes", "facts")

# Migration 0008's advisory lock and setting (tests/evaluation/test_result_integrity.py
# checks they are the same).
REFS_LOCK = 0x6576616C726573
REFS_CHECKED = "tongxin.eval_result_refs"
_MISSING = (
    "SELECT r.person_id FROM evaluation_result r WHERE r.computation_id = %s"
    " AND NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id = r.person_id) LIMIT 1"
)


def _encoder():
    """One encoder for every value of a national cycle's 1.1 M: orjson (several times faster
    than json's C encoder, about 0.5 s less per national compute, bench/README.md), with
    DjangoJSONEncoder's `default` for what JSON lacks (decimals and dates among the facts, as
    Django stores them), keys that are not strings as json writes them; compact, not ASCII.
    A value orjson refuses (an integer beyond 64 bits) goes through json's own encoder, which
    writes it or raises as before. JSON has no NaN or infinity: orjson writes null (json
    wrote NaN, which PostgreSQL refused)."""
    base = DjangoJSONEncoder(ensure_ascii=False, separators=(",", ":"))
    other = base.default

    def default(value):
        return str(value) if type(value) is Decimal else other(value)  # as Django's does

    dumps = orjson.dumps
    options = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS

    def encode(value) -> str:
        try:
            return dumps(value, default, options).decode()
        except TypeError:  # orjson.JSONEncodeError
            return base.encode(value)

    return encode


def results_write(run: Computation, rows: Iterable[tuple]) -> int:
    """The results of `run`, rows in the order of _COPIED + _JSON; returns how many were
    written. PostgreSQL: by COPY (a multi-row INSERT adapts every JSON value through the
    driver's array quoting, several times slower at national scale), the rows' persons
    checked in one query afterwards instead of row by row (migration 0008); elsewhere
    bulk_create (SQLite checks the person's foreign key at commit, the pair by triggers).
    The explanation is not stored: it is rebuilt from the raw scores when shown
    (Result.criteria)."""
    names = (*_COPIED, *_JSON)
    if connection.vendor != "postgresql":
        made = Result.objects.bulk_create(
            [
                Result(
                    computation=run,
                    cycle_id=run.cycle_id,
                    **{
                        "person_id" if n == "person" else n: v
                        for n, v in zip(names, row, strict=True)
                    },
                )
                for row in rows
            ],
            batch_size=2000,
        )
        return len(made)
    quote = connection.ops.quote_name
    # The explanation column of earlier results: empty for the rows written here.
    columns = ", ".join(
        quote(Result._meta.get_field(n).column)
        for n in ("computation", "cycle", *names, "stored_criteria")
    )
    encode = _encoder()
    statement = f"COPY {quote(Result._meta.db_table)} ({columns}) FROM STDIN"
    written = 0
    run_pk, cycle_pk = run.pk, run.cycle_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'checked', true)", [REFS_CHECKED])
        with cursor.cursor.copy(statement) as copy:
            write = copy.write_row
            # The plain columns, then _JSON's (an empty one written without the encoder).
            for *plain, scores, groups, vetoes, facts in rows:
                write(
                    (
                        run_pk,
                        cycle_pk,
                        *plain,
                        encode(scores) if scores else "{}",
                        encode(groups) if groups else "{}",
                        encode(vetoes) if vetoes else "[]",
                        encode(facts) if facts else "{}",
                        "{}",
                    )
                )
                written += 1
        cursor.execute("SELECT set_config(%s, '', true)", [REFS_CHECKED])
        # As the trigger does for every other write: under the lock a guarded delete takes.
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [REFS_LOCK])
        cursor.execute(_MISSING, [run.pk])
        missing = cursor.fetchone()
    if missing:
        raise IntegrityError(
            f'insert on table "evaluation_result" violates foreign key constraint'
            f' "eval_result_person": person {missing[0]} does not exist'
        )
    return written
