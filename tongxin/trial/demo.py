"""Demo cases (seed_demo): `small` and `province` go through the real import (a GBK CSV file
checked and written like any upload); `national` writes Parquet partitions directly (45
million cases would take the row-by-row checks hours). Then the indicators of the year, its
quarters and months are computed."""

from __future__ import annotations

import io
import tempfile
import time
from collections import defaultdict

import pyarrow as pa

from tongxin.core.extensions import demo_seeder
from tongxin.trial import generator
from tongxin.trial.indicators import period, periods_of_year
from tongxin.trial.store import COLUMNS, SCHEMA, CaseStore

CASES = {"small": 3_000, "province": 60_000, "national": 45_000_000}


def _through_the_import(cases: list[dict], store: CaseStore) -> tuple[int, int]:
    from tongxin.trial.services import check_file_to_table, store_table

    with tempfile.TemporaryFile() as handle:
        text = io.TextIOWrapper(handle, encoding="gbk", newline="")
        import csv

        writer = csv.writer(text)
        writer.writerow(generator.HEADERS)
        writer.writerows(generator.import_rows(cases))
        text.flush()
        text.detach()
        result, table = check_file_to_table(handle, batch_id=0)
    store_table(table, store=store)
    return result.accepted, len(result.rejected)


def _national(gen: generator.Generator, *, year: int, cases: int, store: CaseStore, log) -> int:
    """Province by province, straight into the store (no import checks)."""
    by_province = defaultdict(list)
    for court in gen.courts.values():
        by_province[court.code[0] if court.code != "最高法" else "最高法"].append(court)
    share = cases / max(1, sum(len(c) for c in by_province.values()))

    def tables():
        for province, courts in sorted(by_province.items()):
            sub = generator.Generator(
                courts, {c.code: gen.judges[c.code] for c in courts}, seed=sum(map(ord, province))
            )
            columns = {name: [] for name in COLUMNS}
            for case in sub.generate(year=year, cases=int(share * len(courts))):
                for name in COLUMNS:
                    columns[name].append(case[name])
            table = pa.Table.from_pydict(columns, schema=SCHEMA)
            for y in sorted(set(columns["year"])):
                yield table.filter(pa.compute.equal(table["year"], y))
            log(f"  trial: {province} {table.num_rows} cases")

    return store.write_partitions(tables())


@demo_seeder(order=30)
def seed(*, scale: str, seed: int, today, log=print) -> None:
    from tongxin.trial.services import save_indicators

    started = time.perf_counter()
    store = CaseStore()
    year = today.year - 1
    gen = generator.from_database()
    gen.rng.seed(seed)
    if not gen.courts:
        log("  trial: no court with judges; no demo cases")
        return
    if scale == "national":
        count = _national(gen, year=year, cases=CASES[scale], store=store, log=log)
        keys = [str(year)]
    else:
        cases = list(gen.generate(year=year, cases=CASES.get(scale, CASES["small"])))
        count, rejected = _through_the_import(cases, store)
        if rejected:
            log(f"  trial: {rejected} generated cases were rejected by the import")
        keys = periods_of_year(year)
    for key in keys:
        save_indicators(period(key))
    log(
        f"  trial: {count} cases, indicators for {len(keys)} periods, "
        f"{time.perf_counter() - started:.1f} s"
    )
