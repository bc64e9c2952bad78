"""Trial indicators (issue 9): the product's indicator run for a year against the references,
measured in the same run, over a case store kept between runs.

    .venv/bin/python bench/trial_indicators.py --work /tmp/trial-1m --cases 1000000 --repeat 5

`--work` keeps the prepared data: the first run prepares it with bench/trial.py's own phases
(courts, judges and generated cases in the import format, then the set-based import into a
Parquet store); later runs with the same directory reuse it. Each measurement runs in a
subprocess of its own (its peak RSS is its own), the phases interleaved round by round so
that the shared machine's load falls on all of them alike:

- **product**: `compute.compute(period("2024"))`, every indicator for every court, department
  and judge (what `compute_indicators --period 2024` computes before it stores; the stored run
  adds the case-type breakdown, measured as **product-by-type**), with the file of the cases
  the links can touch already written for this content of the store (links.py: any earlier
  run since the last import wrote it); **product-cold**: the same, the file deleted first
  (the first run after an import writes it);
- **product-direct**: the same through the one-statement path the rolled-up one replaced
  (`direct=True`: every case joined to its links, every aggregate per grouping set);
- **reference-duckdb**, **reference-polars**: bench/trial.py's hand-written references (the
  base counts, mean and median per court, department and judge; no appeals, no chains): the
  **subset** references;
- **reference-full-duckdb**, **reference-full-polars** (bench/trial_references.py): every
  indicator's numerator and denominator as the product computes them (appeals joined to
  their origin, dispute chains, mediation, enforcement, over 12 months), one hand-written
  DuckDB statement and a Polars program: the **full** references.

Before the timed rounds, the **check** (a subprocess) compares the product's numbers with
both full references on the bench data and stops the run if they differ (`--no-check` skips
it).

Wall time and CPU time (all threads of the process) are reported; the ratios are to the best
subset reference and to the best full reference of the same run (best of `--repeat`). Results: bench/results/trial-indicators-<cases>.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

# bench/trial.py: the data preparation and the subset references; trial_references.py: the
# full-equivalent ones.
from bench import trial, trial_references  # noqa: E402

START, END = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


def _product(work: Path, cold: bool = False, **options) -> dict:
    trial._django(work)
    import shutil

    from tongxin.trial.compute import compute
    from tongxin.trial.indicators import period

    if cold:  # the first run after a write to the store: the held cases' file is written
        shutil.rmtree(work / "store" / "links", ignore_errors=True)

    started = time.perf_counter()
    results = compute(period("2024"), **options)
    return {"seconds": time.perf_counter() - started, "rows": len(results)}


def _full(work: Path, engine: str) -> dict:
    trial._django(work)
    from tongxin.trial.store import CaseStore

    store = CaseStore()
    con = store.connect() if engine == "duckdb" else None
    files = store.files()
    started = time.perf_counter()
    if engine == "duckdb":
        values = trial_references.full_duckdb(con, START, END)
    else:
        values = trial_references.full_polars(files, START, END)
    return {"seconds": time.perf_counter() - started, "rows": len(values)}


def _check(work: Path) -> dict:
    """The product's numbers against both full references on the bench data."""
    trial._django(work)
    from tongxin.trial.compute import compute
    from tongxin.trial.indicators import period
    from tongxin.trial.store import CaseStore

    store = CaseStore()
    product = trial_references.product_values(compute(period("2024")))
    found = {"rows": len(product)}
    con = store.connect()
    references = {
        "duckdb": trial_references.full_duckdb(con, START, END),
        "polars": trial_references.full_polars(store.files(), START, END),
    }
    for name, values in references.items():
        problems = trial_references.compare(product, values)
        found[name] = problems or "equal"
        if problems:
            raise SystemExit(f"the product and the full {name} reference differ: {problems}")
    courts = [v for k, v in product.items() if k[0] == "court"]
    found["linked"] = {  # what the links contribute, so that the check is not vacuous
        code: sum(v[code][0] or 0 for v in courts)
        for code in ("appeal_rate", "reversal_remand_rate", "case_to_matter_ratio")
    }
    return found


PHASES = {
    "product-cold": lambda work: _product(work, cold=True),
    "product": lambda work: _product(work),
    "product-by-type": lambda work: _product(work, by_case_type=True),
    "product-direct": lambda work: _product(work, direct=True),
    "reference-duckdb": trial.reference_duckdb,
    "reference-polars": trial.reference_polars,
    "reference-full-duckdb": lambda work: _full(work, "duckdb"),
    "reference-full-polars": lambda work: _full(work, "polars"),
    "check": _check,
}
REFERENCES = ("reference-duckdb", "reference-polars")  # the subset (7 values)
FULL = ("reference-full-duckdb", "reference-full-polars")  # every indicator, as the product


def _run_phase(name: str, work: Path) -> None:
    trial._django(work)  # Django set up and the engines imported before the CPU clock starts
    import polars  # noqa: F401

    import tongxin.trial.compute  # noqa: F401

    cpu = time.process_time()
    result = PHASES[name](work)
    result["cpu_seconds"] = time.process_time() - cpu  # all threads; a little more than timed
    result["peak_mb"] = trial._peak_mb()
    print(json.dumps(result))


def _phase(name: str, work: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--work", str(work)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _prepare(work: Path, cases: int) -> dict:
    """bench/trial.py's prepare and set-based import, unless the store is there already."""
    if (work / "store" / "manifest.json").exists():
        return {"reused": str(work)}
    work.mkdir(parents=True, exist_ok=True)
    info = {}
    for name in ("prepare", "import-parquet-fast"):
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "trial.py"), "--phase", name, "--work",
             str(work), "--cases", str(cases), "--no-csv"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        info[name] = json.loads(out.stdout.strip().splitlines()[-1])
        print(name, info[name], flush=True)
    return info


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="prepared data (kept)")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--phases", default=",".join(p for p in PHASES if p != "check"), help="comma-separated"
    )
    parser.add_argument("--no-check", action="store_true", help="skip the equality check")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        _run_phase(args.phase, args.work)
        return
    report = {"cases": args.cases, "cpus": os.cpu_count(), "load_before": os.getloadavg()}
    report["prepare"] = _prepare(args.work, args.cases)
    if not args.no_check:
        report["check"] = _phase("check", args.work)
        print("check", report["check"], flush=True)
    names = args.phases.split(",")
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for _ in range(args.repeat):
        for name in names:
            runs[name].append(_phase(name, args.work))
            print(name, runs[name][-1], flush=True)
    report["load_after"] = os.getloadavg()
    for name, results in runs.items():
        best = min(results, key=lambda r: r["seconds"])
        report[name] = {
            **best,
            "median_seconds": statistics.median(r["seconds"] for r in results),
            "runs": [round(r["seconds"], 3) for r in results],
            "cpu_runs": [round(r["cpu_seconds"], 3) for r in results],
        }
    for kind, group in (("", REFERENCES), ("_full", FULL)):
        present = [r for r in group if r in report]
        if not present:
            continue
        best = min(report[r]["seconds"] for r in present)
        for name in names:
            if name not in REFERENCES + FULL:
                report[f"{name}_ratio{kind}"] = report[name]["seconds"] / best
                label = "full" if kind else "subset"
                print(f"{name} ÷ best {label} reference: {report[f'{name}_ratio{kind}']:.2f}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"trial-indicators-{args.cases}.json").write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
