"""The talk-coverage page at a scale, against a hand-written SQL aggregate of the same
figures, measured in the same run.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> \
        .venv/bin/python bench/care.py --seed-scale province --repeat 7

The database must be empty (it is seeded at the scale: `--seed-scale`) or already seeded
(no `--seed-scale`). The page is `/care/coverage/` as the demo user `party` (party-affairs
staff of one high court: the whole province), the trivial reference the bench view; the SQL
reference computes the page's totals (pairs due and held this year over every organisation
in reach) in one statement. Prints a table; the figures go into bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SQL = """
WITH orgs AS (
    SELECT o.id FROM orgs_partyorganisation o JOIN orgs_court c ON c.id = o.court_id
    WHERE c.path LIKE %s AND o.is_active AND o.kind IN ('organ_committee', 'general_branch',
    'branch')
), com AS (
    SELECT organisation_id, person_id FROM orgs_committeepost
    WHERE organisation_id IN (SELECT id FROM orgs) AND starts_on <= %s
    AND (ends_on IS NULL OR ends_on > %s)
), mem AS (
    SELECT organisation_id, person_id FROM people_membership
    WHERE organisation_id IN (SELECT id FROM orgs) AND starts_on <= %s
    AND (ends_on IS NULL OR ends_on > %s)
)
SELECT
    (SELECT count(*) FROM com JOIN mem ON mem.organisation_id = com.organisation_id
        AND mem.person_id <> com.person_id),
    (SELECT count(*) FROM (SELECT DISTINCT t.organisation_id, t.talker_id, t.person_id
        FROM care_talk t
        JOIN com ON com.organisation_id = t.organisation_id AND com.person_id = t.talker_id
        JOIN mem ON mem.organisation_id = t.organisation_id AND mem.person_id = t.person_id
        WHERE t.held_on BETWEEN %s AND %s) pairs)
"""


def _median_ms(fn, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed-scale", choices=["small", "province", "national"])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.urls import TRIVIAL_URL
    from tongxin.care.coverage import (
        coverage_day,
        coverage_organisations,
        coverage_totals,
        year_range,
    )
    from tongxin.care.models import Talk
    from tongxin.core.permissions import Perm
    from tongxin.core.scoping import scope_for

    if args.seed_scale:
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", scale=args.seed_scale, seed=1, verbosity=0)
        print(f"seeded {args.seed_scale} in {time.perf_counter() - started:.1f} s")
    user = get_user_model().objects.get(username="party")
    court_path = scope_for(user).court_paths(Perm.TALK_VIEW)[0]
    today = timezone.localdate()
    on = coverage_day(today.year, today)
    start, end = year_range(today.year)
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False, ALLOWED_HOSTS=["*"]):
        client = Client()
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/care/coverage/")
        assert page.status_code == 200, page.status_code
        queries = len(ctx.captured_queries)
        context_due, context_done = coverage_totals(
            coverage_organisations(user=user), today.year, today
        )

        def sql():
            with connection.cursor() as cursor:
                cursor.execute(SQL, [f"{court_path}%", on, on, on, on, start, end])
                return cursor.fetchone()

        due, done = sql()
        assert (due, done) == (context_due, context_done), (
            (due, done),
            (context_due, context_done),
        )
        trivial = _median_ms(lambda: client.get(TRIVIAL_URL), args.repeat)
        page_ms = _median_ms(lambda: client.get("/care/coverage/"), args.repeat)
        sql_ms = _median_ms(sql, args.repeat)
    print(f"talks in the table: {Talk.objects.count()}; pairs due {due}, held {done}")
    print("| measure | median ms | ratio |")
    print("|---|---:|---:|")
    print(f"| trivial view | {trivial:.1f} | 1.0 |")
    print(f"| hand-written SQL aggregate (totals only) | {sql_ms:.1f} | – |")
    print(
        f"| /care/coverage/ ({queries} queries) | {page_ms:.1f} | "
        f"{page_ms / sql_ms:.1f}× the SQL, {page_ms / trivial:.1f}× the trivial view |"
    )


if __name__ == "__main__":
    main()
