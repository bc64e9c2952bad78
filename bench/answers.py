"""The answers app at a scale: the task list page and "my work" counts, as multiples of a
hand-written SQL count of the same rows measured in the same run.

    .venv/bin/python bench/answers.py --scale province --db sqlite --tasks-per-court 60
    .venv/bin/python bench/answers.py --scale province --db postgres --tag answers

Seeds a fresh database (as bench/run.py does: `tongxin_bench_<scale>[_<tag>]`, dropped at
the end unless --keep), adds `--tasks-per-court` rectification tasks to every court in bulk
(the demo writes a few), then measures, as the demo's party-affairs user (a province):
- the task list page `/answers/tasks/` (first page, its bounded count, the header's inbox
  badge) and the same page filtered to overdue tasks;
- `answers.selectors.waiting_counts` ("my work": tasks due, to verify, extensions,
  opinions to triage) and the member's "my tasks" page;
each against the hand-written `SELECT COUNT(*)` of the live tasks in the user's courts
(one join on the court path prefix). Results: bench/results/<scale>-<db>-answers.{json,md}.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import RESULTS, create_database, database_url, drop_database  # noqa: E402


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "province", "national"], default="province")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tasks-per-court", type=int, default=60)
    parser.add_argument("--tag", default="answers")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def add_tasks(per_court: int, seed: int) -> int:
    import random

    from django.contrib.auth import get_user_model
    from django.db.models import Min
    from django.utils import timezone

    from tongxin.answers.models import Task

    rng = random.Random(seed)
    party = get_user_model().objects.get(username="party")
    today = timezone.localdate()
    firsts = (
        __import__("tongxin.people.models", fromlist=["Person"])
        .Person.objects.values("court_id")
        .annotate(pid=Min("id"))
        .order_by()
    )
    rows = []
    for r in firsts:
        for k in range(per_court):
            deadline = today + datetime.timedelta(days=rng.randint(-40, 60))
            state = rng.choice(["open", "open", "extension", "submitted", "closed", "closed"])
            rows.append(Task(court_id=r["court_id"], responsible_id=r["pid"], assigner=party,
                             title=f"整改任务{k}", description="<p>x</p>", deadline=deadline,
                             first_deadline=deadline, state=state))  # fmt: skip
    Task.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def timed(fn, repeat: int) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    queries = len(captured)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), queries


def main(argv=None) -> int:
    args = parse(argv)
    url, name = database_url(args)
    if not args.reuse:
        create_database(args, url, name)
    os.environ["DATABASE_URL"] = url
    exports_dir = tempfile.TemporaryDirectory(prefix="tongxin-bench-exports-")
    os.environ["EXPORT_ROOT"] = exports_dir.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client

    from bench import measure
    from tongxin.answers import selectors
    from tongxin.answers.models import Task
    from tongxin.core.scoping import scope_for

    try:
        call_command("migrate", verbosity=0)
        seed = None
        if not args.reuse:
            seed = measure.seed_timed(scale=args.scale, seed=args.seed)
            added = add_tasks(args.tasks_per_court, args.seed)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"seeded in {seed.seconds:.1f} s, {added} tasks added", flush=True)
        settings.DEBUG = False
        settings.ALLOWED_HOSTS = ["*"]
        User = get_user_model()
        party = User.objects.get(username="party")
        member = User.objects.get(username="member")
        paths = scope_for(party).court_paths("task.view")
        live = ("open", "extension", "submitted")
        sql = (
            "SELECT COUNT(*) FROM answers_task t JOIN orgs_court c ON c.id = t.court_id "
            "WHERE t.state IN (%s, %s, %s) AND ("
            + " OR ".join(["c.path LIKE %s"] * len(paths))
            + ")"
        )
        params = [*live, *[p + "%" for p in paths]]

        def baseline():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone()[0]

        party_client, member_client = Client(), Client()
        party_client.force_login(party)
        member_client.force_login(member)

        def page(client, url):
            def run():
                cache.clear()  # the header's waiting count is computed each time
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            return run

        def waiting():
            fresh = User.objects.get(pk=party.pk)
            return selectors.waiting_counts(fresh)

        base_ms, base_q = timed(baseline, args.repeat)
        rows = [("hand-written SQL count of live tasks in scope", base_ms, base_q)]
        for label, fn in [
            ("/answers/tasks/ (party, province)", page(party_client, "/answers/tasks/")),
            ("/answers/tasks/?state=overdue", page(party_client, "/answers/tasks/?state=overdue")),
            ("waiting_counts (party)", waiting),
            ("/answers/tasks/mine/ (member)", page(member_client, "/answers/tasks/mine/")),
            ("/answers/tasks/figures/ (party)", page(party_client, "/answers/tasks/figures/")),
        ]:
            ms, q = timed(fn, args.repeat)
            rows.append((label, ms, q))
        total = Task.objects.count()
        in_scope = baseline()
        info = {**measure.machine(), "scale": args.scale, "db": args.db, "repeat": args.repeat,
                "tasks": total, "live_tasks_in_scope": in_scope}  # fmt: skip
        lines = [f"Tasks: {total} in all, {in_scope} live in the party user's scope; "
                 f"median of {args.repeat}.", "",
                 "| what | queries | median ms | × SQL count |", "|---|---:|---:|---:|"]  # fmt: skip
        for label, ms, q in rows:
            lines.append(f"| {label} | {q} | {ms:.1f} | {ms / base_ms:.1f} |")
        report = "\n".join(lines) + "\n"
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / f"{args.scale}-{args.db}-answers"
        stem.with_suffix(".md").write_text(report, encoding="utf-8")
        stem.with_suffix(".json").write_text(json.dumps(
            {"info": info, "rows": [{"what": a, "ms": b, "queries": c} for a, b, c in rows]},
            ensure_ascii=False, indent=2) + "\n", encoding="utf-8")  # fmt: skip
        print(report)
    finally:
        connections.close_all()
        exports_dir.cleanup()
        if not args.keep:
            drop_database(args, url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
