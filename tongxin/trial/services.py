"""Writes of the trial app: cases into the store (from the import lifecycle or the command)
and computed indicator values into the database."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field

import pyarrow as pa
from django.db import transaction

from tongxin.trial import caseno
from tongxin.trial.compute import compute
from tongxin.trial.indicators import Period
from tongxin.trial.store import COLUMNS, SCHEMA, CaseStore

BLOCK = 50_000  # rows per Arrow block while collecting a file's accepted rows


def _date(text):
    return datetime.date.fromisoformat(text) if text else None


def _int(value):
    if value in (None, ""):
        return None
    return int(float(value))


def _float(value):
    return float(value) if value not in (None, "") else None


def case_record(values: dict, *, batch_id: int) -> dict:
    """A store row from an accepted row's clean values (court and judge resolved)."""
    number = caseno.parse(values["case_number"])
    kind = number.case_type
    procedure = values.get("procedure") or caseno.ORDINARY
    limit = _int(values.get("time_limit_days"))
    if limit is None:
        limit = caseno.statutory_limit(number.type_code, procedure)
    origin = values.get("origin_case_number")
    return {
        "case_number": number.canonical(),
        "year": number.year,
        "province": number.province,
        "court": number.court,
        "court_id": values["_court_id"],
        "type_code": number.type_code,
        "category": kind.category,
        "stage": kind.stage,
        "filed_on": _date(values["filed_on"]),
        "closed_on": _date(values.get("closed_on")),
        "closing_method": values.get("closing_method") or None,
        "judge": values["judge_staff_number"],
        "judge_id": values["_judge_id"],
        "department": values.get("department") or None,
        "procedure": procedure,
        "time_limit_days": limit,
        "excluded_days": _int(values.get("excluded_days")) or 0,
        "origin_case_number": caseno.canonical(origin) if origin else None,
        "enforcement_claimed": _float(values.get("enforcement_claimed")),
        "enforcement_recovered": _float(values.get("enforcement_recovered")),
        "batch_id": batch_id,
    }


def _table(records: list[dict]) -> pa.Table:
    return pa.Table.from_pydict(
        {name: [r[name] for r in records] for name in COLUMNS}, schema=SCHEMA
    )


def store_rows(
    rows: Iterable[dict], *, batch_id: int, total: int = 0, progress=None, store=None
) -> dict:
    """Write accepted rows to the case store in one atomic upsert. Progress: reading the
    rows is the first 80%, the partition files the rest."""
    store = store or CaseStore()
    blocks, records = [], []
    for done, values in enumerate(rows, start=1):
        records.append(case_record(values, batch_id=batch_id))
        if len(records) >= BLOCK:
            blocks.append(_table(records))
            records = []
        if progress is not None and total and done % 1000 == 0:
            progress(int(done * 0.8))
    if records:
        blocks.append(_table(records))

    def written(part, parts):
        if progress is not None and total:
            progress(int(total * (0.8 + 0.2 * part / parts)))

    table = pa.concat_tables(blocks) if blocks else None
    return store_table(table, store=store, on_partition=written)


# The command's import: the lifecycle's reading and checks, without a batch -----------------


@dataclass
class ImportResult:
    accepted: int = 0
    rejected: list = field(default_factory=list)  # (row number, cells, reasons)
    header: tuple = ()
    counts: dict = field(default_factory=dict)


def check_file(handle, *, chunk: int = 2_000) -> tuple[ImportResult, list[dict]]:
    """Read and check a case file; (result with its rejects, accepted values in file order)."""
    accepted: list = []
    result = _check(handle, chunk=chunk, sink=accepted.extend)
    return result, accepted


def check_file_to_table(handle, *, batch_id: int, chunk: int = 2_000):
    """Read and check a case file, its accepted rows gathered as Arrow blocks in the store's
    schema as it goes (a few hundred bytes a row, not a dict of strings): (result, table or
    None)."""
    blocks, records = [], []

    def sink(values: list) -> None:
        nonlocal records
        records.extend(case_record(v, batch_id=batch_id) for v in values)
        if len(records) >= BLOCK:
            blocks.append(_table(records))
            records = []

    result = _check(handle, chunk=chunk, sink=sink)
    if records:
        blocks.append(_table(records))
    return result, pa.concat_tables(blocks) if blocks else None


def _check(handle, *, chunk: int, sink) -> ImportResult:
    from tongxin.transfer.checker import read_header, too_many_rows
    from tongxin.trial.imports import CASES, KIND

    CASES.reset()
    result = ImportResult()
    limit = KIND.row_limit
    # One row more than the limit is read, so a longer file is refused, never cut short.
    with closing(KIND.reader(handle, max_rows=limit + 1)) as rows:
        first = next(rows, None)
        sheet = read_header(KIND, first)
        result.header = tuple(first[1]) if first else ()
        block: list = []

        def flush():
            good = [row for row, _cells, faults in block if not faults]
            problems = CASES.check(good)
            for row, cells, faults in block:
                reasons = [f["reason"] for f in faults]
                reasons += [
                    f"{sheet.columns.get(name) or KIND.field(name).zh}: {reason}"
                    for name, reason in problems.get(row.number, ())
                ]
                if reasons:
                    result.rejected.append((row.number, cells, "; ".join(reasons)))
                else:
                    accepted.append(row.values)
            result.accepted += len(accepted)
            sink(accepted)
            accepted.clear()
            block.clear()

        accepted: list = []

        for count, (number, cells) in enumerate(rows, start=1):
            if count > limit:
                raise too_many_rows(limit)
            row, faults = sheet.row(number, cells)
            block.append((row, cells, faults))
            if len(block) >= chunk:
                flush()
        if block:
            flush()
    return result


def import_file(path, *, store=None, batch_id: int = 0) -> ImportResult:
    """Check a file and write its accepted rows (the command)."""
    with open(path, "rb") as handle:
        result, table = check_file_to_table(handle, batch_id=batch_id)
    result.counts = store_table(table, store=store)
    return result


def store_table(table, *, store=None, on_partition=None) -> dict:
    """Upsert an Arrow table of store rows; the counts and the filing years touched."""
    if table is None:
        return {"inserted": 0, "updated": 0, "unchanged": 0, "years": []}
    counts = (store or CaseStore()).upsert(table, on_partition=on_partition)
    counts["years"] = sorted({int(y) for y in table.column("year").unique().to_pylist()})
    return counts


# Indicators -----------------------------------------------------------------------------


def save_indicators(period: Period, *, store=None, by_case_type: bool = True) -> int:
    """Compute every indicator for the period and replace its stored values (one transaction)."""
    from tongxin.trial.models import IndicatorValue

    results = compute(period, store=store, by_case_type=by_case_type)
    objects = []
    for result in results:
        if result.level == "judge" and result.case_type:
            continue  # judges by case type are computed on demand
        for code, (numerator, denominator, value) in result.values.items():
            objects.append(
                IndicatorValue(
                    court_id=result.court_id,
                    level=result.level,
                    department=result.department[:100],
                    judge_id=result.judge_id,
                    period=period.key,
                    case_type=result.case_type,
                    code=code,
                    numerator=numerator,
                    denominator=denominator,
                    value=value,
                )
            )
    with transaction.atomic():
        IndicatorValue.objects.filter(period=period.key).delete()
        IndicatorValue.objects.bulk_create(objects, batch_size=5_000)
    return len(objects)
