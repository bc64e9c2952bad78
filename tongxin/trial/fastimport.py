"""The set-based case import for large files (`manage.py import_cases`): Parquet, and CSV in
UTF-8, UTF-8 with BOM, GBK or GB18030 (read once by the per-row path's own CSV reading,
`reader.csv_to_parquet`, into an uncompressed Parquet file, then the same path).

The per-row path (`services.check_file_to_table`) reads every row into Python; this one lets
DuckDB read the file and checks every row with set-based SQL, with the per-row path's own
rules and messages (the SQL pieces: `fastsql.py`), streaming, so that memory stays bounded
whatever the file's size. One statement reads the file, cleans each cell, parses the case
numbers (a simple pattern and a join to the case-type table), joins courts, judges and
statutory limits and computes every rejection fact as a column; then:

- **direct pass** (`_direct`): that statement writes the accepted rows in the store's
  columns straight into one file per partition (filing year, province) under the store's
  root, the rejected rows with their facts apart; a partition whose written files show no
  case number twice (and no rejected row that could be a duplicate sharing one with an
  accepted row) is taken as written by the store (`CaseStore.adopt`: a new partition by a
  rename, a partition it holds by a merge);
- **staged path** (`_redo`, only for the partitions where a number comes twice; their direct
  files are discarded): the same statement, filtered to those partitions, writes their rows
  (accepted or not) with their facts to a staging directory, then one partition at a time
  (duplicates share a case number, so a partition) the duplicates in the file are found (an
  aggregate of the numbers seen twice, the first clean row kept), the accepted rows written
  for `adopt`, the rejected rows' facts kept aside.

All the partitions are published by one atomic manifest swap, or none.

The reasons of a rejected row are built in Python for the rejected rows only: its cell
faults by `Sheet.row` on its raw cells, its other faults from the facts the SQL computed, by
`imports.problem_reasons` (the per-row path's one table of reasons). Equivalence with the
per-row path: tests/trial/test_fastimport.py.
"""

from __future__ import annotations

import datetime
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pyarrow.parquet as pq

from tongxin.trial import fastsql
from tongxin.trial.fastsql import ident, lit
from tongxin.trial.reader import _cell
from tongxin.trial.store import COLUMNS, CaseStore, memory_connection

FAST_MIN_ROWS = 100_000  # the command's choice: smaller files take the per-row path
FAST_MIN_BYTES = 10 << 20  # CSV files (rows are not counted before reading)
_FACTS = ("faulty", "ok", "unknown_court", "unknown_judge", "closed_before", "future",
          "no_method", "no_closed", "tl_bad", "ex_bad", "bad_origin")  # fmt: skip


def parquet_rows_count(path) -> int:
    return pq.ParquetFile(path).metadata.num_rows


class _Source:
    """The file as the view `raw` (_row: the row's number in the file) with its header."""

    def __init__(self, con, path, fmt: str, work: Path):
        self.extra = False
        if fmt == "csv":
            from tongxin.trial.reader import csv_to_parquet

            target = work / "csv.parquet"
            self.names = csv_to_parquet(path, target)
            self.idents = [f"c{i}" for i in range(len(self.names))]
            self.extra = True
            con.execute(f"CREATE TEMP VIEW raw AS SELECT * FROM read_parquet({lit(str(target))})")
            return
        import pyarrow as pa

        try:
            self.names = list(pq.ParquetFile(path).schema_arrow.names)
        except (pa.ArrowException, OSError, ValueError):
            from django.utils.translation import gettext as _

            from tongxin.core.exceptions import ApplicationError

            raise ApplicationError(
                _("The file could not be read as %(what)s.") % {"what": "Parquet"}
            ) from None
        self.idents = self.names
        con.execute(
            "CREATE TEMP VIEW raw AS SELECT * EXCLUDE (file_row_number), file_row_number + 2 AS "
            f"_row FROM read_parquet({lit(str(path))}, file_row_number = true)"
        )

    def cells(self, values: tuple, count=None, extra=None) -> tuple:
        if self.extra:  # a CSV record: its own number of cells
            values = values[: min(count, len(values))] + tuple(extra or ())
        return tuple(_cell(v) if type(v) is str else v for v in values)


def _stage_sql(exprs: dict, faults: list, joins: list, today: datetime.date) -> str:
    """Every row with the store's columns and its rejection facts (the check, pass 1)."""

    def value(name):
        return exprs.get(name, "NULL")

    def key(p, t):
        return (f"'(' || {p}.year || ')' || {p}.court || {t}.special || {t}.code || "
                f"CAST(TRY_CAST({p}.serial AS BIGINT) AS VARCHAR) || '号' || {p}.suffix")  # fmt: skip

    cells = (
        f"SELECT r._row, {value('case_number')} AS num, {value('filed_on')} AS filed_on, "
        f"{value('closed_on')} AS closed_on, {value('closing_method')} AS method, "
        f"{value('judge_staff_number')} AS judge, {value('department')} AS department, "
        f"{value('procedure')} AS procedure, {value('time_limit_days')} AS tl, "
        f"coalesce({exprs.get('time_limit_days_bad', 'false')}, false) AS tl_bad, "
        f"{value('excluded_days')} AS ex, "
        f"coalesce({exprs.get('excluded_days_bad', 'false')}, false) AS ex_bad, "
        f"{value('origin_case_number')} AS origin, {value('enforcement_claimed')} AS claimed, "
        f"{value('enforcement_recovered')} AS recovered, "
        f"({' OR '.join(faults) or 'false'}) AS faulty FROM raw r {' '.join(joins)}"
    )
    parsed = (
        "SELECT c.*, tt.code AS type_code, coalesce(tt.code IS NOT NULL AND "
        "TRY_CAST(c.p.serial AS BIGINT) <> 0, false) AS ok, "
        f"CASE WHEN ot.code IS NOT NULL AND TRY_CAST(c.op.serial AS BIGINT) <> 0 THEN "
        f"{key('c.op', 'ot')} END AS origin_key, {key('c.p', 'tt')} AS k "
        f"FROM (SELECT *, parts(num) AS p, parts(origin) AS op FROM ({cells})) c "
        "LEFT JOIN type_texts tt ON tt.text = c.p.rest LEFT JOIN type_texts ot ON "
        "ot.text = c.op.rest"
    )
    facts = (
        "SELECT c.*, k.court_id, j.judge_id, t.category, t.stage, t.limit_days, "
        " c.ok AND k.court_id IS NULL AS unknown_court,"
        " c.ok AND k.court_id IS NOT NULL AND j.judge_id IS NULL AS unknown_judge,"
        " coalesce(c.closed_on < c.filed_on, false) AS closed_before,"
        f" coalesce(c.filed_on > DATE '{today.isoformat()}', false) AS future,"
        " c.closed_on IS NOT NULL AND c.method IS NULL AS no_method,"
        " c.method IS NOT NULL AND c.closed_on IS NULL AS no_closed,"
        " coalesce(c.origin IS NOT NULL AND c.origin_key IS NULL, false) AS bad_origin"
        f" FROM ({parsed}) c LEFT JOIN courts k ON c.ok AND k.code = c.p.court"
        " LEFT JOIN judges j ON j.court_id = k.court_id AND j.staff = c.judge"
        " LEFT JOIN case_types t ON c.ok AND t.code = c.type_code"
        "  AND t.procedure = coalesce(c.procedure, 'ordinary')"
    )
    clean = " AND ".join(f"NOT {f}" for f in _FACTS if f != "ok")
    return (
        f"SELECT _row, {', '.join(_FACTS)}, coalesce(ok AND {clean}, false) AS clean, "
        "p.court AS court_code, CASE WHEN ok THEN k END AS case_number, "
        "CASE WHEN ok THEN CAST(p.year AS SMALLINT) ELSE 0 END AS year, CASE WHEN NOT ok THEN "
        "'_' WHEN p.court = '最高法' THEN '最高法' ELSE substr(p.court, 1, 1) END AS province, "
        "p.court AS court, court_id, type_code, category, stage, filed_on, closed_on, "
        "method AS closing_method, judge, judge_id, department, coalesce(procedure, "
        "'ordinary') AS procedure, CAST(coalesce(tl, limit_days) AS INTEGER) AS time_limit_days,"
        " CAST(coalesce(ex, 0) AS INTEGER) AS excluded_days, origin_key AS origin_case_number, "
        "CAST(claimed AS DOUBLE) AS enforcement_claimed, CAST(recovered AS DOUBLE) AS "
        f"enforcement_recovered FROM ({facts})"
    )


def _partitions(con, stage: Path, batch_id: int, years: set):
    """Pass 2: yield each staged partition (year, province) with the view `_part` of its
    accepted rows, as `CaseStore.merge` wants; the rejected rows' facts go to `_rejected`."""
    flags = ", ".join(f"{f} BOOLEAN" for f in _FACTS)
    con.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS _rejected (_row BIGINT, {flags}, court_code VARCHAR, "
        "dup_of BIGINT)"
    )
    stored = ", ".join("s." + c for c in COLUMNS if c != "batch_id")
    facts = ", ".join(f"s.{f}" for f in _FACTS)
    for directory in sorted(stage.glob("y=*/p=*")):
        # DuckDB percent-encodes the partition values in directory names
        year, province = int(directory.parent.name[2:]), unquote(directory.name[2:])
        files = lit(str(directory / "*.parquet"))
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _staged AS SELECT * FROM read_parquet("
            f"{files}, hive_partitioning = false)"
        )
        if year == 0:  # the numbers that do not parse: no duplicates, nothing accepted
            con.execute(
                f"INSERT INTO _rejected SELECT _row, {', '.join(_FACTS)}, court_code, NULL "
                "FROM _staged"
            )
            continue
        # Duplicates in the file: the first clean row of a number is the one kept.
        con.execute(
            "CREATE OR REPLACE TEMP TABLE _dups AS SELECT case_number, min(_row) FILTER "
            "(WHERE clean) AS first_clean FROM _staged GROUP BY 1 HAVING count(*) > 1"
        )
        dup_of = "CASE WHEN s.ok AND NOT s.faulty AND d.first_clean < s._row THEN d.first_clean END"
        con.execute(
            f"INSERT INTO _rejected SELECT s._row, {facts}, s.court_code, {dup_of} FROM "
            "_staged s LEFT JOIN _dups d USING (case_number) WHERE NOT s.clean OR "
            "d.first_clean < s._row"
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE _part AS SELECT {stored}, CAST({int(batch_id)} AS "
            "BIGINT) AS batch_id FROM _staged s LEFT JOIN _dups d USING (case_number) WHERE "
            "s.clean AND NOT coalesce(d.first_clean < s._row, false)"
        )
        con.execute("DROP TABLE _staged")
        if con.execute("SELECT count(*) FROM _part").fetchone()[0]:
            years.add(year)
            yield year, province
        con.execute("DROP TABLE _part")


def _direct(con, stage_sql: str, incoming: Path, batch_id: int):
    """The direct pass: one statement checks every row and writes the accepted rows in the
    store's columns straight into partition files under `incoming` (the store's `adopt` takes
    them), the rejected rows into a partition of their own (y=-1) with their facts as one bit
    mask (in batch_id) and their row number (in court_id). A partition is exact only when no
    case number comes twice among its accepted rows and no rejected row that could be a
    duplicate shares one with an accepted row: checked on the written files, one partition at
    a time. Returns the exact partitions (year, province, files) and those to do again
    (`_redo`)."""
    from tongxin.trial.store import _DUCK_TYPES, SCHEMA, WRITE_OPTIONS

    mask = " + ".join(f"CASE WHEN {f} THEN {1 << i} ELSE 0 END" for i, f in enumerate(_FACTS))
    special = {
        "court_id": "CASE WHEN clean THEN court_id ELSE _row END",
        "batch_id": f"CASE WHEN clean THEN {int(batch_id)} ELSE {mask} END",
    }
    cols = ", ".join(
        f"CAST({special.get(f.name, f.name)} AS {_DUCK_TYPES[f.type]}) AS {f.name}" for f in SCHEMA
    )
    con.execute(
        f"COPY (SELECT {cols}, CASE WHEN clean THEN year ELSE -1 END AS y, CASE WHEN clean "
        f"THEN province ELSE '_' END AS p FROM ({stage_sql})) TO {lit(str(incoming))} "
        f"({WRITE_OPTIONS}, PARTITION_BY (y, p))"
    )
    bits = ", ".join(f"(batch_id >> {i}) & 1 = 1 AS {f}" for i, f in enumerate(_FACTS))
    rejected = sorted(incoming.glob("y=-1/p=*/*.parquet"))
    listed = ", ".join(lit(str(path)) for path in rejected)
    con.execute(
        f"CREATE TEMP TABLE _rejected AS SELECT court_id AS _row, {bits}, court AS court_code, "
        "CAST(NULL AS BIGINT) AS dup_of FROM "
        + (f"read_parquet([{listed}])" if rejected else "(SELECT 0 AS court_id, 0 AS batch_id, "
           "'' AS court) WHERE false")
    )  # fmt: skip
    # the rejected rows that would be duplicates of an accepted row of the same number
    con.execute("CREATE TEMP TABLE _maybe (year SMALLINT, province VARCHAR, case_number VARCHAR)")
    if rejected:
        con.execute(
            "INSERT INTO _maybe SELECT DISTINCT year, province, case_number FROM "
            f"read_parquet([{listed}]) WHERE (batch_id & 3) = 2"  # ok and not faulty
        )
    con.execute(  # where the rejected rows' numbers fall (for `_redo`)
        "CREATE TEMP TABLE _rejected_at AS SELECT court_id AS _row, year, province FROM "
        + (f"read_parquet([{listed}])" if rejected else "(SELECT 0 AS court_id, "
           "CAST(0 AS SMALLINT) AS year, '' AS province) WHERE false")
    )  # fmt: skip
    staged, redo = [], []
    for directory in sorted(incoming.glob("y=*/p=*")):
        year, province = int(directory.parent.name[2:]), unquote(directory.name[2:])
        if year == -1:
            continue
        paths = sorted(directory.glob("*.parquet"))
        listed = ", ".join(lit(str(path)) for path in paths)
        # distinct hashes are distinct numbers; equal ones are taken as duplicates (exact path)
        twice, shared = con.execute(
            f"SELECT count(*) - count(DISTINCT hash(case_number)), count(*) FILTER (WHERE "
            "case_number IN (SELECT case_number FROM _maybe m WHERE m.year = ? AND "
            f"m.province = ?)) FROM read_parquet([{listed}])",
            [year, province],
        ).fetchone()
        if twice or shared:
            redo.append((year, province))
        else:
            staged.append((year, province, paths))
    return staged, redo


def _redo(con, stage_sql: str, stage: Path, incoming: Path, batch_id: int, redo: list):
    """The partitions (year, province) where the direct pass found a number twice, through
    the staged path: their rows (every row whose parsed number falls in one of them, accepted
    or not) checked again and staged with their facts, then the duplicates resolved per
    partition by `_partitions`; each partition's accepted rows written as a file under
    `incoming` for `CaseStore.adopt`, their rejected rows' facts (with their duplicates) in
    place of the direct pass's."""
    from tongxin.trial.store import _write

    which = " OR ".join(f"(year = {int(y)} AND province = {lit(p)})" for y, p in redo)
    con.execute(
        f"DELETE FROM _rejected WHERE _row IN (SELECT _row FROM _rejected_at WHERE {which})"
    )
    con.execute(
        f"COPY (SELECT *, year AS y, province AS p FROM ({stage_sql}) WHERE {which}) TO "
        f"{lit(str(stage))} (FORMAT parquet, PARTITION_BY (y, p), COMPRESSION uncompressed)"
    )
    staged = []
    for year, province in _partitions(con, stage, batch_id, set()):
        target = incoming / f"redo-{len(staged)}.parquet"
        _write(con, "SELECT * FROM _part", target)
        staged.append((year, province, [target]))
    return staged


def _rejects(con, source: _Source, sheet, result) -> None:
    from tongxin.trial.imports import KIND, invalid_case_number, problem_reasons

    if not con.execute("SELECT count(*) FROM _rejected").fetchone()[0]:
        return
    raw_columns = ", ".join("r." + ident(name) for name in source.idents)
    if source.extra:
        raw_columns += ", r._n, r._extra"
    rows = con.execute(
        f"SELECT d._row, {', '.join('d.' + f for f in _FACTS)}, d.court_code, d.dup_of, "
        f"{raw_columns} FROM _rejected d JOIN raw r ON r._row = d._row ORDER BY d._row"
    ).fetchall()
    width = len(source.idents)
    for number, faulty, ok, unknown_court, unknown_judge, *rest in rows:
        closed_before, future, no_method, no_closed, tl_bad, ex_bad, bad_origin = rest[:7]
        court, dup_of = rest[7:9]
        cells = source.cells(tuple(rest[9 : 9 + width]), *rest[9 + width :])
        if faulty:
            _row, cell_faults = sheet.row(number, cells)
            reasons = [f["reason"] for f in cell_faults]
        else:
            if not ok:
                problems = [invalid_case_number()]
            else:
                problems = problem_reasons(
                    unknown_court=court if unknown_court else None,
                    unknown_judge=bool(unknown_judge),
                    closed_before_filed=closed_before,
                    filed_in_future=future,
                    closed_without_method=no_method,
                    method_without_closing=no_closed,
                    bad_days=[n for n, bad in (("time_limit_days", tl_bad),
                                               ("excluded_days", ex_bad)) if bad],
                    bad_origin=bad_origin,
                    duplicate_of=dup_of,
                )  # fmt: skip
            reasons = [
                f"{sheet.columns.get(name) or KIND.field(name).zh}: {reason}"
                for name, reason in problems
            ]
        result.rejected.append((number, cells, "; ".join(reasons)))


def import_file(
    path, *, fmt="parquet", store=None, batch_id: int = 0, today=None, memory_limit="3GB",
    on_partition=None,
):  # fmt: skip
    """Check a large case file set-based and upsert its accepted rows (the command): the
    ImportResult with its rejects and counts. The store changes in one atomic step or not at
    all (an error or an interruption leaves it as it was)."""
    from tongxin.transfer.checker import read_header
    from tongxin.trial.imports import KIND
    from tongxin.trial.services import ImportResult

    today = today or datetime.date.today()
    with tempfile.TemporaryDirectory(prefix="tongxin-import-") as work:
        work = Path(work)
        con = memory_connection(spill_to=work / "spill", memory_limit=memory_limit)
        try:
            con.execute("SET preserve_insertion_order = false")
            source = _Source(con, path, fmt, work)
            sheet = read_header(KIND, (1, tuple(source.names)))
            result = ImportResult(header=tuple(source.names))
            fastsql.macros(con)
            fastsql.reference_tables(con)
            exprs, faults, joins = fastsql.columns(con, source.idents, sheet)
            store = store or CaseStore()
            stage_sql = _stage_sql(exprs, faults, joins, today)
            years: set[int] = set()
            incoming = store.incoming()
            try:
                staged, redo = _direct(con, stage_sql, incoming, batch_id)
                if redo:  # partitions with a number twice: their rows checked again, staged
                    staged += _redo(con, stage_sql, work / "stage", incoming, batch_id, redo)
                years.update(year for year, _p, _f in staged)
                counts = store.adopt(con, staged, on_partition=on_partition)
            finally:
                shutil.rmtree(incoming, ignore_errors=True)
            # each accepted row is inserted, updated or unchanged
            result.accepted = counts["inserted"] + counts["updated"] + counts["unchanged"]
            _rejects(con, source, sheet, result)
        finally:
            con.close()
    counts["years"] = sorted(years)
    result.counts = counts
    return result


def import_parquet(path, **options):
    return import_file(path, fmt="parquet", **options)
