"""Seed a fresh database at a scale, time the main pages, and record the figures.

    .venv/bin/python bench/run.py --scale national --db postgres --repeat 7
    make bench BENCH_ARGS="--scale national --db sqlite"
    .venv/bin/python bench/run.py --scale national --db sqlite --imports   # the people import

SQLite uses a file in the temporary directory; PostgreSQL a database of its own
(`tongxin_bench_<scale>` on BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432),
created at the start and dropped at the end unless --keep is given. Results go to
bench/results/<scale>-<db>.json and .md (with --imports: <scale>-<db>-imports.*, see
bench/imports.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"


def parse(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["small", "province", "national"], default="small")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page and user")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", action="store_true", help="keep the seeded database (and print where it is)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure an already seeded database from an earlier --keep run instead of seeding",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="directory for the results")
    parser.add_argument(
        "--name",
        default="",
        help="database name (default tongxin_bench_<scale>): two runs at once need two names",
    )
    parser.add_argument(
        "--exports",
        action="store_true",
        help="also measure the people export (CSV, .xlsx, plain SQL reference; bench/exports.py)",
    )
    parser.add_argument("--no-pages", action="store_true", help="do not measure the pages")
    parser.add_argument(
        "--tag",
        default="",
        help="appended to the database name (tongxin_bench_<scale>_<tag>), so that runs from "
        "several checkouts on one machine do not share a database",
    )
    parser.add_argument(
        "--imports",
        action="store_true",
        help="measure the people import (preview and commit of --import-rows rows, time and "
        "peak memory, beside a plain bulk insert of the same rows) instead of the pages",
    )
    parser.add_argument("--import-rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.tag and not args.tag.replace("_", "").isalnum():
        parser.error("--tag takes letters, digits and underscores")
    return args


def database_url(args) -> tuple[str, str]:
    """(DATABASE_URL, database name) for this run; the names never clash with real ones."""
    name = getattr(args, "name", "") or (
        f"tongxin_bench_{args.scale}" + (f"_{args.tag}" if getattr(args, "tag", "") else "")
    )
    if args.db == "sqlite":
        path = Path(tempfile.gettempdir()) / f"{name}.sqlite3"
        return f"sqlite:///{path}", str(path)
    base = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES).rstrip("/")
    return f"{base}/{name}", name


def _postgres_admin(url: str):
    import psycopg

    base = url.rsplit("/", 1)[0]
    return psycopg.connect(f"{base}/postgres", autocommit=True)


def create_database(args, url: str, name: str) -> None:
    assert name.startswith("tongxin_bench") or "tongxin_bench" in name, name
    if args.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    with _postgres_admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')


def drop_database(args, url: str, name: str) -> None:
    assert "tongxin_bench" in name, name
    if args.db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(name + suffix).unlink(missing_ok=True)
        return
    with _postgres_admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main(argv=None) -> int:
    args = parse(argv)
    url, name = database_url(args)
    if not args.reuse:
        create_database(args, url, name)
    os.environ["DATABASE_URL"] = url
    # Prepared export files of the run go to a directory of their own, removed at the end.
    exports_dir = tempfile.TemporaryDirectory(prefix="tongxin-bench-exports-")
    os.environ["EXPORT_ROOT"] = exports_dir.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Development settings (plain HTTP, the development key); timing itself runs DEBUG off.
    os.environ.setdefault("DEBUG", "1")
    warnings.filterwarnings("ignore", message="No directory at")  # collected static files
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench import measure

    try:
        seed = None
        started = time.perf_counter()
        call_command("migrate", verbosity=0)  # a reused database gets tables added since
        print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
        if not args.reuse:
            seed = measure.seed_timed(scale=args.scale, seed=args.seed)
            print(f"seed_demo --scale {args.scale}: {seed.seconds:.1f} s {seed.counts}", flush=True)
        if args.imports:
            return _imports(args, seed)
        from bench import lists, records

        pages = (
            []
            if args.no_pages
            else measure.measure_pages(
                repeat=args.repeat,
                pages={**measure.PAGES, **lists.urls(), **records.urls()},
            )
        )
        info = {**measure.machine(), "scale": args.scale, "repeat": args.repeat}
        report = measure.markdown(info=info, seed=seed, pages=pages)
        export_results = []
        if args.exports:
            from bench import exports

            export_results = exports.measure_exports()
            report += "\n#### People export\n\n" + exports.markdown(export_results)
        args.out.mkdir(parents=True, exist_ok=True)
        stem = args.out / (
            f"{args.scale}-{args.db}" + ("-exports" if args.no_pages and args.exports else "")
        )
        data = measure.as_dict(info=info, seed=seed, pages=pages)
        if args.exports:
            data["exports"] = exports.as_dicts(export_results)
        stem.with_suffix(".json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        stem.with_suffix(".md").write_text(report, encoding="utf-8")
        print(report)
        print(f"Results: {stem}.json, {stem}.md")
    finally:
        connections.close_all()
        exports_dir.cleanup()
        if args.keep:
            print(f"Kept the database: DATABASE_URL={url}")
        else:
            drop_database(args, url, name)
    return 0


def _imports(args, seed) -> int:
    from bench import imports, measure

    info = {**measure.machine(), "scale": args.scale}
    with tempfile.TemporaryDirectory() as workdir:
        result = imports.measure_imports(rows=args.import_rows, workdir=Path(workdir))
    report = imports.markdown(result, info)
    if seed is not None:
        report += (
            f"\nSeed (`seed_demo --scale {seed.scale}`): {seed.seconds:.1f} s, "
            f"peak memory {seed.peak_rss_mb:.0f} MB.\n"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{args.scale}-{args.db}-imports"
    data = imports.as_dict(result, info)
    data["seed"] = None if seed is None else measure.asdict(seed)
    stem.with_suffix(".json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    stem.with_suffix(".md").write_text(report, encoding="utf-8")
    print(report)
    print(f"Results: {stem}.json, {stem}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
