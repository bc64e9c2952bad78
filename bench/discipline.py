"""verify_register over a large register, as a multiple of a plain SELECT of the same rows.

    DEBUG=1 .venv/bin/python -m bench.discipline --entries 1000000 --courts 200
    DEBUG=1 .venv/bin/python -m bench.discipline --db postgres --entries 1000000

A fresh database (SQLite: a file under $TMPDIR; PostgreSQL: `--name` on BENCH_POSTGRES_URL,
dropped at the end unless --keep) is migrated and filled with `--entries` register entries
spread over `--courts` chains, their hashes computed in Python in order (as the demo does)
and inserted with executemany. Then, `--repeat` times in turn:
- `select`: the verify's own SELECT (every column it reads, in chain order) streamed through
  the database cursor with fetchmany, rows discarded: the floor for any check in Python;
- `verify`: `verify_register()` (the same stream, each entry's canonical serialisation and
  SHA-256, links, numbers and times checked).
The table gives the medians and the ratio verify / select. Results in
bench/results/discipline-<db>.{json,md}.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(db: str, name: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "1")
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.gettempdir()) / name}.sqlite3"
        Path(tempfile.gettempdir(), f"{name}.sqlite3").unlink(missing_ok=True)
    else:
        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        import psycopg

        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(entries: int, courts: int) -> float:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from tongxin.core.chain import GENESIS
    from tongxin.core.models import ChainHead
    from tongxin.core.tree import save_with_path
    from tongxin.discipline.chain import FIELDS, chain_name, link_values
    from tongxin.discipline.models import RegisterEntry
    from tongxin.orgs.models import Court

    started = time.perf_counter()
    user = get_user_model().objects.create(username="bench-recorder")
    root = Court(code="测", name_zh="测试高级法院", level="high", province="测")
    save_with_path(root)
    nodes = []
    for i in range(courts):
        court = Court(
            code=f"测{i:04d}", name_zh=f"测试{i}法院", parent=root, province="测", level="basic"
        )
        save_with_path(court)
        nodes.append(court)
    columns = ["seq", "prev_hash", "hash", *FIELDS]
    table = RegisterEntry._meta.db_table
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    per_court = entries // courts
    start = timezone.now() - datetime.timedelta(days=400)
    heads = []
    with transaction.atomic(), connection.cursor() as cursor:
        for court in nodes:
            prev, rows = GENESIS, []
            for seq in range(1, per_court + 1):
                values = {
                    "court_id": court.pk,
                    "court_path": court.path,
                    "kind": "contact",
                    "person_name": "刘某",
                    "person_unit": "某律师事务所",
                    "person_post": "律师",
                    "relation": "原告代理人",
                    "channel": "phone",
                    "occurred_on": (start + datetime.timedelta(seconds=seq * 30)).date(),
                    "case_number": f"(2025){court.code}民初{seq}号",
                    "asked": "询问案件进展情况，请求尽快开庭",
                    "done": "告知依法办理，已如实记录",
                    "affects_case": False,
                    "correction_of_id": None,
                    "recorder_id": user.pk,
                    "recorder_name": "bench-recorder",
                    "recorded_at": start + datetime.timedelta(seconds=seq * 30),
                }
                digest = link_values(chain_name(court.pk), seq, prev, values)
                rows.append([seq, prev, digest, *[values[name] for name in FIELDS]])
                prev = digest
                if len(rows) >= 5_000:
                    cursor.executemany(sql, rows)
                    rows = []
            if rows:
                cursor.executemany(sql, rows)
            heads.append(ChainHead(name=chain_name(court.pk), seq=per_court, hash=prev))
        ChainHead.objects.bulk_create(heads)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def _select() -> int:
    from django.db import connection, transaction

    from tongxin.discipline.chain import FIELDS
    from tongxin.discipline.models import RegisterEntry

    columns = ", ".join(("seq", "prev_hash", "hash", *FIELDS))
    count = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {RegisterEntry._meta.db_table} ORDER BY court_id, seq"
        )
        while rows := cursor.fetchmany(5_000):
            count += len(rows)
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--courts", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--name", default="tongxin_bench_discipline")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    _setup(args.db, args.name)
    fill = _fill(args.entries, args.courts)
    from django.db import connection

    from tongxin.discipline.chain import verify_register

    samples = {"select": [], "verify": []}
    for _ in range(args.repeat):
        started = time.perf_counter()
        rows = _select()
        samples["select"].append(time.perf_counter() - started)
        started = time.perf_counter()
        report = verify_register()
        samples["verify"].append(time.perf_counter() - started)
        assert report.ok and report.links == rows, (report.breaks[:3], report.links, rows)
    select, verify = (statistics.median(samples[k]) for k in ("select", "verify"))
    result = {
        "db": args.db,
        "entries": rows,
        "chains": args.courts,
        "fill_seconds": round(fill, 1),
        "select_median": round(select, 3),
        "verify_median": round(verify, 3),
        "ratio": round(verify / select, 1),
        "samples": samples,
        "date": datetime.date.today().isoformat(),
    }
    out = ROOT / "bench" / "results" / f"discipline-{args.db}"
    out.with_suffix(".json").write_text(json.dumps(result, indent=1))
    table = (
        "| db | entries | chains | SELECT (s) | verify_register (s) | ratio |\n"
        "|---|---|---|---|---|---|\n"
        f"| {args.db} | {rows:,} | {args.courts} | {select:.2f} | {verify:.2f} | "
        f"{verify / select:.1f}× |\n"
    )
    out.with_suffix(".md").write_text(table)
    print(table)
    connection.close()
    if not args.keep:
        if args.db == "sqlite":
            Path(tempfile.gettempdir(), f"{args.name}.sqlite3").unlink(missing_ok=True)
        else:
            import psycopg

            base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{args.name}"')


if __name__ == "__main__":
    main()
