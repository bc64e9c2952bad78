"""The compliance heat map at scale: query count and time against one hand-written SQL
aggregate over the same tables, measured in the same run (issue 8).

    .venv/bin/python bench/meetings.py --scale province            # seeds tongxin_bench_meetings_province
    .venv/bin/python bench/meetings.py --scale national --keep
    .venv/bin/python bench/meetings.py --scale national --reuse    # measure a kept database

Cases (the year up to today):
- `subtree`: the organisations of the demo province's high court (苏) and everything below;
- `country`: every active organisation.
For each: `engine` is what the heat map and the API compute for those organisations
(`compliance.load_facts` + `compliance.judge`: every rule, organisation and month, and every
cell's verdict read as the yearly report tallies them); `page`
is GET /meetings/compliance/ for the subtree as the demo `admin` (one page of organisations);
`sql` is one aggregate of held meetings per organisation, kind and month with their quorum
counts (the same tables, joined and grouped by PostgreSQL, rows fetched). The ratio is the
median over `sql`'s median. Queries are counted for `engine` and `page`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SQL = """
SELECT mo.organisation_id, m.kind, date_trunc('month', m.held_on) AS month, count(*) AS held,
       count(*) FILTER (WHERE m.minutes <> '' AND m.signed_off_at IS NOT NULL) AS recorded,
       count(*) FILTER (WHERE a.present * 2 > a.voting) AS quorate
FROM meetings_meetingorganisation mo
JOIN meetings_meeting m ON m.id = mo.meeting_id
JOIN orgs_partyorganisation o ON o.id = mo.organisation_id
LEFT JOIN (
    SELECT meeting_id, organisation_id, count(*) AS voting,
           count(*) FILTER (WHERE status = 'present') AS present
    FROM meetings_attendance WHERE voting GROUP BY meeting_id, organisation_id
) a ON a.meeting_id = mo.meeting_id AND a.organisation_id = mo.organisation_id
JOIN orgs_court c ON c.id = o.court_id
WHERE m.status = 'held' AND m.held_on BETWEEN %s AND %s AND o.is_active
  AND c.path LIKE %s
GROUP BY 1, 2, 3
"""


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=["small", "province", "national"], default="province")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--name", help="database name (default: tongxin_bench_meetings_<scale>)")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--reuse", action="store_true")
    p.add_argument(
        "--all-apps",
        action="store_true",
        help="seed every app's demo data (default: courts, organisations, people, meetings: "
        "what the heat map reads; the trial app alone writes 45 M cases at national scale)",
    )
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return p.parse_args(argv)


def _median(fn, repeat):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


@contextlib.contextmanager
def _only_meeting_seeder(all_apps: bool):
    """seed_demo with the meetings seeder as the only later app (unless `all_apps`)."""
    from tongxin.meetings import demo as meetings_demo
    from tongxin.people.demo import load

    if all_apps:
        yield
        return
    original = load.demo_seeders
    load.demo_seeders = lambda: [meetings_demo.seed]
    try:
        yield
    finally:
        load.demo_seeders = original


def measure(args) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tongxin.meetings import compliance
    from tongxin.orgs.models import Court, PartyOrganisation

    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=330)).replace(day=1)
    high = Court.objects.get(code="苏")
    cases = {
        "subtree": (
            PartyOrganisation.objects.filter(is_active=True, court__path__startswith=high.path),
            high.path,
        ),  # fmt: skip
        "country": (PartyOrganisation.objects.filter(is_active=True), ""),
    }
    out = {}
    for name, (orgs, prefix) in cases.items():

        def engine(orgs=orgs):
            facts = compliance.load_facts(orgs, first, today, today)
            cells = compliance.judge(facts)
            # Every cell's verdict read, as the yearly report's tally does.
            Counter(code for org in facts.orgs for code, _rule in cells.row(org.id))
            return facts, cells

        def sql(prefix=prefix):
            with connection.cursor() as cursor:
                cursor.execute(SQL, [first, today, prefix + "%"])
                return cursor.fetchall()

        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            facts, cells = engine()
        queries = len(ctx.captured_queries)
        rows = len(sql())  # (the counted engine run above was the warm-up)
        t_sql = _median(sql, args.repeat)
        t_engine = _median(engine, args.repeat)
        out[name] = {
            "organisations": len(facts.orgs),
            "cells": len(cells),
            "engine_queries": queries,
            "sql_rows": rows,
            "sql_s": round(t_sql, 4),
            "engine_s": round(t_engine, 4),
            "ratio": round(t_engine / t_sql, 1) if t_sql else None,
        }
        print(name, out[name], flush=True)
    from django.contrib.auth import get_user_model
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # Keep the connection and its query log across requests (as Django's test runner does).
    request_started.disconnect(reset_queries)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    url = "/meetings/compliance/?court=苏"
    client.get(url)
    reset_queries()  # the query log is a bounded deque: start from an empty one
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    page_queries = len(ctx.captured_queries)
    page = _median(lambda: client.get(url), args.repeat)
    out["page"] = {"queries": page_queries, "page_s": round(page, 4),
                   "ratio_to_subtree_sql": round(page / out["subtree"]["sql_s"], 1)}  # fmt: skip
    print("page", out["page"], flush=True)
    return out


def main(argv=None) -> int:
    args = parse(argv)
    name = args.name or f"tongxin_bench_meetings_{args.scale}"
    base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import psycopg

    if not args.reuse:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("migrate", verbosity=0)
    if not args.reuse:
        started = time.perf_counter()
        with _only_meeting_seeder(args.all_apps):
            call_command("seed_demo", scale=args.scale, seed=1)
        print(f"seed: {time.perf_counter() - started:.1f} s", flush=True)
    settings.ALLOWED_HOSTS = ["*"]
    result = {"scale": args.scale, "date": datetime.date.today().isoformat(), **measure(args)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"meetings-{args.scale}.json").write_text(json.dumps(result, indent=2))
    if not args.keep:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
