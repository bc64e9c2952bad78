"""Trial-quality benchmark: case import rate and peak memory, and the indicator computation
for every court, department and judge for a year as a ratio to references measured in the
same run (one hand-written DuckDB query, and Polars, over the same Parquet files).

    .venv/bin/python bench/trial.py --cases 1000000
    .venv/bin/python bench/trial.py --cases 45000000 --no-csv      # national (the integrator)

Each phase runs in a subprocess of its own so its peak memory (max RSS) is its own:
prepare (a fresh SQLite database with courts and judges, the generated cases written as
Parquet and as GBK CSV in the import format; not timed), import-parquet and import-csv (the
product's import: `services.check_file_to_table` + `store_table`, the same code as
`manage.py import_cases`, into a fresh store each), indicators (the product's
`compute.compute` for the year, all levels, as `compute_indicators` runs it), and the two
references. Results: bench/results/trial-<cases>.json and .md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CASES_PER_COURT = 13_000  # 45 M cases over ~3,500 courts
JUDGES_PER_COURT = 36  # ~128,000 judges


def _django(work: Path):
    os.environ.setdefault("DEBUG", "1")
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'bench.sqlite3'}"
    os.environ["CASE_STORE_ROOT"] = str(work / "store")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# Phases (each in its own process) ---------------------------------------------------------


def prepare(work: Path, cases: int, csv: bool) -> dict:
    _django(work)
    from django.core.management import call_command

    from tongxin.orgs.models import Court
    from tongxin.people.models import Person
    from tongxin.trial import bulkgen, generator

    call_command("migrate", verbosity=0)
    provinces = "京津冀晋辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云陕甘青宁新"
    basics = max(2, cases // CASES_PER_COURT)
    courts, made = [], 0
    for index in range(max(1, basics // 10)):
        province = provinces[index % len(provinces)]
        inter = f"{province}{index // len(provinces) + 1:02d}"
        courts.append(Court(code=inter, name_zh=inter, level="intermediate", path=f"{inter}/"))
        for b in range(10):
            if made >= basics:
                break
            code = f"{inter}{b + 1:02d}"
            courts.append(Court(code=code, name_zh=code, level="basic", path=f"{inter}/{code}/"))
            made += 1
    Court.objects.bulk_create(courts, batch_size=2000)
    saved = {c.code: c for c in Court.objects.all()}
    people = []
    for court in saved.values():
        for j in range(JUDGES_PER_COURT if court.level == "basic" else JUDGES_PER_COURT // 2):
            people.append(
                Person(
                    court=court,
                    name=f"法官{j}",
                    gender="m",
                    staff_number=f"{court.pk:05d}{j:04d}",
                    category="judge",
                )
            )
    Person.objects.bulk_create(people, batch_size=5000)
    gen = generator.from_database()
    for court in gen.courts.values():  # appeals go to the intermediate court
        if court.level == "basic":
            object.__setattr__(court, "parent", court.code[:3])
    courts, judges = list(gen.courts.values()), gen.judges
    started = time.perf_counter()
    generated = bulkgen.write_parquet(
        work / "cases.parquet", courts, judges, year=2024, cases=cases
    )
    info = {"generated": generated, "courts": len(saved), "judges": len(people)}
    info["generate_seconds"] = time.perf_counter() - started
    if csv:
        started = time.perf_counter()
        bulkgen.write_csv(work / "cases.csv", courts, judges, year=2024, cases=cases)
        info["generate_csv_seconds"] = time.perf_counter() - started
    return info


def import_file(work: Path, name: str) -> dict:
    _django(work)
    import shutil

    from tongxin.trial.services import check_file_to_table, store_table
    from tongxin.trial.store import CaseStore

    shutil.rmtree(work / "store", ignore_errors=True)
    started = time.perf_counter()
    with open(work / name, "rb") as handle:
        result, table = check_file_to_table(handle, batch_id=1)
    checked = time.perf_counter()
    counts = store_table(table)
    written = time.perf_counter()
    rows = result.accepted + len(result.rejected)
    return {
        "rows": rows,
        "rejected": len(result.rejected),
        "check_seconds": checked - started,
        "write_seconds": written - checked,
        "seconds": written - started,
        "rows_per_second": rows / (written - started),
        "inserted": counts["inserted"],
        "stored": CaseStore().count(),
    }


def import_fast(work: Path, name: str, fresh: bool = True) -> dict:
    """The set-based import (`fastimport.import_parquet`, what `import_cases` runs for large
    Parquet files) into a fresh store, or (`fresh=False`) again into the store the last
    import left (every row unchanged: every partition merged, nothing written)."""
    _django(work)
    import shutil

    from tongxin.trial.fastimport import import_file
    from tongxin.trial.store import CaseStore

    if fresh:
        shutil.rmtree(work / "store", ignore_errors=True)
    started = time.perf_counter()
    result = import_file(work / name, fmt=name.rsplit(".", 1)[1], batch_id=1)
    seconds = time.perf_counter() - started
    rows = result.accepted + len(result.rejected)
    return {
        "rows": rows,
        "rejected": len(result.rejected),
        "seconds": seconds,
        "rows_per_second": rows / seconds,
        "inserted": result.counts["inserted"],
        "unchanged": result.counts["unchanged"],
        "stored": CaseStore().count(),
        "load_after": os.getloadavg(),
    }


def read_duckdb(work: Path, name: str) -> dict:
    """Baseline: DuckDB reading every column of the same file into a table of its own."""
    _django(work)
    from tongxin.trial.store import memory_connection

    con = memory_connection()
    started = time.perf_counter()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{work / name}')")
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    return {"seconds": time.perf_counter() - started, "rows": rows}


def read_csv(work: Path, name: str) -> dict:
    """Baseline for CSV: Arrow's CSV reader (what the set-based import reads a regular CSV
    file with) reading every cell of the same file as text, its encoding detected."""
    _django(work)
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    from tongxin.trial.generator import HEADERS
    from tongxin.trial.reader import detect_encoding

    started = time.perf_counter()
    with open(work / name, "rb") as handle:
        encoding = detect_encoding(handle.read(1 << 20))
    table = pa_csv.read_csv(
        work / name,
        read_options=pa_csv.ReadOptions(encoding=encoding),
        convert_options=pa_csv.ConvertOptions(
            column_types={h: pa.string() for h in HEADERS}, strings_can_be_null=False
        ),
    )
    return {"seconds": time.perf_counter() - started, "rows": table.num_rows}


def indicators(work: Path) -> dict:
    _django(work)
    from tongxin.trial.compute import compute
    from tongxin.trial.indicators import period

    started = time.perf_counter()
    results = compute(period("2024"))
    return {"seconds": time.perf_counter() - started, "rows": len(results)}


# The hand-written reference: the same base counts per court, department and judge, in one
# statement without the product's machinery (no dispute chains, no appeals join).
REFERENCE_SQL = """
SELECT court_id, department, judge_id,
  count(*) FILTER (WHERE filed_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31') AS received,
  count(*) FILTER (WHERE closed_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31') AS closed,
  count(*) FILTER (WHERE filed_on < DATE '2024-01-01'
                   AND (closed_on IS NULL OR closed_on >= DATE '2024-01-01')) AS pending_start,
  count(*) FILTER (WHERE closed_on IS NULL OR closed_on > DATE '2024-12-31') AS pending_end,
  count(*) FILTER (WHERE closed_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
                   AND date_diff('day', filed_on, closed_on) - excluded_days <= time_limit_days)
                   AS on_time,
  avg(date_diff('day', filed_on, closed_on))
      FILTER (WHERE closed_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31') AS mean_days,
  median(date_diff('day', filed_on, closed_on))
      FILTER (WHERE closed_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31') AS median_days
FROM cases
GROUP BY GROUPING SETS ((court_id), (court_id, department), (court_id, judge_id))
"""


def reference_duckdb(work: Path) -> dict:
    _django(work)
    from tongxin.trial.store import CaseStore

    con = CaseStore().connect()
    started = time.perf_counter()
    rows = con.execute(REFERENCE_SQL).fetchall()
    return {"seconds": time.perf_counter() - started, "rows": len(rows)}


def reference_polars(work: Path) -> dict:
    _django(work)
    import datetime

    import polars as pl

    from tongxin.trial.store import CaseStore

    files = CaseStore().files()
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    started = time.perf_counter()
    cases = pl.scan_parquet(files).with_columns(
        received=pl.col("filed_on").is_between(start, end),
        closed=pl.col("closed_on").is_between(start, end).fill_null(False),
        pending_start=(pl.col("filed_on") < start)
        & (pl.col("closed_on").is_null() | (pl.col("closed_on") >= start)),
        pending_end=pl.col("closed_on").is_null() | (pl.col("closed_on") > end),
        days=(pl.col("closed_on") - pl.col("filed_on")).dt.total_days(),
    )
    aggs = [
        pl.col("received").sum(),
        pl.col("closed").sum(),
        pl.col("pending_start").sum(),
        pl.col("pending_end").sum(),
        (pl.col("closed") & (pl.col("days") - pl.col("excluded_days") <= pl.col("time_limit_days")))
        .sum()
        .alias("on_time"),  # fmt: skip
        pl.col("days").filter(pl.col("closed")).mean().alias("mean_days"),
        pl.col("days").filter(pl.col("closed")).median().alias("median_days"),
    ]
    frames = pl.collect_all(
        [
            cases.group_by(keys).agg(aggs)
            for keys in (["court_id"], ["court_id", "department"], ["court_id", "judge_id"])
        ]  # fmt: skip
    )
    return {"seconds": time.perf_counter() - started, "rows": sum(f.height for f in frames)}


PHASES = {
    "import-parquet": lambda work, args: import_file(work, "cases.parquet"),
    "import-csv": lambda work, args: import_file(work, "cases.csv"),
    "import-parquet-fast": lambda work, args: import_fast(work, "cases.parquet"),
    "import-parquet-again": lambda work, args: import_fast(work, "cases.parquet", fresh=False),
    "read-parquet-duckdb": lambda work, args: read_duckdb(work, "cases.parquet"),
    "import-csv-fast": lambda work, args: import_fast(work, "cases.csv"),
    "read-csv": lambda work, args: read_csv(work, "cases.csv"),
    "indicators": lambda work, args: indicators(work),
    "reference-duckdb": lambda work, args: reference_duckdb(work),
    "reference-polars": lambda work, args: reference_polars(work),
}


def _phase(args, name: str) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            name,
            "--work",
            str(args.work),
            "--cases",
            str(args.cases),
        ]
        + (["--no-csv"] if args.no_csv else []),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--no-csv", action="store_true", help="skip the GBK CSV import")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each computation")
    parser.add_argument(
        "--skip-per-row", action="store_true", help="skip the per-row imports (slow)"
    )
    parser.add_argument(
        "--import-only", action="store_true", help="skip the indicators and references"
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this directory and keep it (reuse its files)"
    )
    parser.add_argument(
        "--again", action="store_true", help="import the Parquet file again (idempotence)"
    )
    parser.add_argument(
        "--tag", help="results go to trial[-import]-<cases>-<tag>.json (earlier ones kept)"
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        if args.phase == "prepare":
            result = prepare(args.work, args.cases, not args.no_csv)
        else:
            result = PHASES[args.phase](args.work, args)
        result["peak_mb"] = _peak_mb()
        print(json.dumps(result))
        return
    suffix = f"-{args.tag}" if args.tag else ""
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            args.work = args.keep
        else:
            args.work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="trial_")))
        report = {"cases": args.cases, "cpus": os.cpu_count(), "load": os.getloadavg()}
        if args.keep and (args.work / "cases.parquet").exists():
            report["prepare"] = json.loads((args.work / "prepare.json").read_text())
        else:
            report["prepare"] = _phase(args, "prepare")
            (args.work / "prepare.json").write_text(json.dumps(report["prepare"]))
        print("prepared", report["prepare"], flush=True)
        if not args.no_csv and not args.skip_per_row:
            report["import-csv"] = _phase(args, "import-csv")
            print("import-csv", report["import-csv"], flush=True)
        if not args.skip_per_row:
            report["import-parquet"] = _phase(args, "import-parquet")
            print("import-parquet", report["import-parquet"], flush=True)
        fast = ("read-parquet-duckdb", "import-parquet-fast")
        if not args.no_csv:
            fast = ("read-csv", "import-csv-fast", *fast)
        if args.again:  # the same file once more into the store the import left
            fast = (*fast, "import-parquet-again")
        for name in fast:  # import-parquet-fast leaves the store
            runs = [_phase(args, name) for _ in range(args.repeat)]
            report[name] = min(runs, key=lambda r: r["seconds"])
            report[name]["runs"] = [round(r["seconds"], 3) for r in runs]
            print(name, report[name], flush=True)
        store = args.work / "store" / "cases"
        report["store_mb"] = sum(f.stat().st_size for f in store.rglob("*.parquet")) / 2**20
        report["fast_import_ratio_to_read"] = (
            report["import-parquet-fast"]["seconds"] / report["read-parquet-duckdb"]["seconds"]
        )
        if not args.no_csv:
            report["csv_import_ratio_to_read"] = (
                report["import-csv-fast"]["seconds"] / report["read-csv"]["seconds"]
            )
        if args.import_only:
            RESULTS.mkdir(exist_ok=True)
            out = RESULTS / f"trial-import-{args.cases}{suffix}.json"
            out.write_text(json.dumps(report, indent=1))
            return
        for name in ("indicators", "reference-duckdb", "reference-polars"):
            runs = [_phase(args, name) for _ in range(args.repeat)]
            best = min(runs, key=lambda r: r["seconds"])
            best["runs"] = [round(r["seconds"], 3) for r in runs]
            report[name] = best
            print(name, best, flush=True)
        reference = min(
            report["reference-duckdb"]["seconds"], report["reference-polars"]["seconds"]
        )
        report["ratio_to_best_reference"] = report["indicators"]["seconds"] / reference
        print("ratio", round(report["ratio_to_best_reference"], 2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"trial-{args.cases}{suffix}.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
