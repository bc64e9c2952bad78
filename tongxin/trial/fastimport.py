"""The set-based case import for large Parquet files (`manage.py import_cases`).

The per-row path (`services.check_file_to_table`) reads every row into Python; this one lets
DuckDB read the file and checks every row with set-based SQL, with the per-row path's own
rules and messages:

- the header is matched by `transfer.checker.read_header` (Chinese/English names);
- each cell column except the case numbers is cleaned by the per-row cleaner
  (`transfer.formats.cells.clean`, after the reader's `_cell`) once per DISTINCT value, and
  joined back (dates, methods, procedures, judges, departments: few distinct values);
- the case numbers are trimmed and parsed in SQL with `caseno.pattern_source()`, the very
  pattern the Python parser compiles;
- courts and judges are joined to tables loaded once from the database; the case types and
  the statutory limits come from `caseno`'s table and function;
- the reasons of a rejected row are built in Python for the rejected rows only: its cell
  faults by `Sheet.row` on its raw cells, its other faults from the facts the SQL computed,
  by `imports.problem_reasons` (the per-row path's one table of reasons).

Accepted rows are written to a Parquet file in a temporary directory and upserted from it
(`CaseStore.upsert`, one partition at a time, atomic manifest swap). Equivalence with the
per-row path: tests/trial/test_fastimport.py.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tongxin.trial import caseno
from tongxin.trial.reader import _cell
from tongxin.trial.store import CaseStore, memory_connection

FAST_MIN_ROWS = 100_000  # the command's choice: smaller Parquet files take the per-row path
_SQL_TEXT = ("case_number", "origin_case_number")  # parsed in SQL (one value per row)
_AMOUNTS = ("enforcement_claimed", "enforcement_recovered")


def parquet_rows_count(path) -> int:
    return pq.ParquetFile(path).metadata.num_rows


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _text_sql(column: str) -> str:
    """`cells._text` of a text cell in SQL: stripped, a leading ' before = + - @ dropped,
    '' as NULL."""
    ends = _lit("^" + caseno.SPACES + "|" + caseno.SPACES + "$")
    # The guards are cheap regular expressions; trim() and translate() with many characters
    # are not, and few values need them.
    stripped = (
        f"CASE WHEN regexp_matches({column}, {ends}) THEN "
        f"trim({column}, {_lit(caseno.SPACE_CHARS)}) ELSE {column} END"
    )
    return (
        f"nullif(CASE WHEN substr({stripped}, 1, 1) = '''' AND substr({stripped}, 2, 1) IN "
        f"('=', '+', '-', '@') THEN substr({stripped}, 2) ELSE {stripped} END, '')"
    )


def _macros(con) -> None:
    pattern = _lit(caseno.pattern_source())
    # translate() deletes the characters of its second argument beyond the third's length.
    odd = _lit("[" + caseno.SPACE_CHARS + caseno.WIDE_FROM + "]")
    squeeze = (
        f"CASE WHEN regexp_matches(s, {odd}) THEN translate(s, "
        f"{_lit(caseno.WIDE_FROM + caseno.SPACE_CHARS)}, {_lit(caseno.WIDE_TO)}) ELSE s END"
    )
    names = "[" + ", ".join(_lit(g) for g in caseno.GROUPS) + "]"
    con.execute(f"CREATE MACRO squeeze(s) AS {squeeze}")
    con.execute(f"CREATE MACRO parts(s) AS regexp_extract(squeeze(s), {pattern}, {names})")
    con.execute(
        f"CREATE MACRO parses(s) AS s IS NOT NULL AND regexp_matches(squeeze(s), {pattern}) "
        "AND TRY_CAST(parts(s).serial AS BIGINT) <> 0"
    )
    con.execute(
        "CREATE MACRO canon(s) AS CASE WHEN parses(s) THEN '(' || parts(s).year || ')' || "
        "parts(s).court || parts(s).special || parts(s).type || "
        "CAST(TRY_CAST(parts(s).serial AS BIGINT) AS VARCHAR) || '号' || parts(s).suffix END"
    )


def _reference_tables(con) -> None:
    from tongxin.orgs.models import Court
    from tongxin.people.models import Person

    courts = list(Court.objects.values_list("code", "pk"))
    con.register(
        "_courts_src",
        pa.table(
            {"code": [c for c, _ in courts], "court_id": [p for _, p in courts]},
            schema=pa.schema([("code", pa.string()), ("court_id", pa.int64())]),
        ),
    )
    con.execute("CREATE TEMP TABLE courts AS SELECT * FROM _courts_src")
    judges = list(
        Person.objects.exclude(staff_number="")
        .filter(court__isnull=False)
        .values_list("court_id", "staff_number", "pk")
    )
    con.register(
        "_judges_src",
        pa.table(
            {
                "court_id": [j[0] for j in judges],
                "staff": [j[1] for j in judges],
                "judge_id": [j[2] for j in judges],
            },
            schema=pa.schema(
                [("court_id", pa.int64()), ("staff", pa.string()), ("judge_id", pa.int64())]
            ),
        ),
    )
    con.execute(
        "CREATE TEMP TABLE judges AS SELECT court_id, staff, max(judge_id) AS judge_id "
        "FROM _judges_src GROUP BY 1, 2"
    )
    kinds = caseno.case_types()
    rows = [
        (code, kind.category, kind.stage, procedure, caseno.statutory_limit(code, procedure))
        for code, kind in kinds.items()
        for procedure in (caseno.ORDINARY, caseno.SIMPLE, caseno.SMALL_CLAIMS)
    ]
    con.register(
        "_types_src",
        pa.table(
            {name: [r[i] for r in rows] for i, name in enumerate(
                ("code", "category", "stage", "procedure", "limit_days"))},
            schema=pa.schema([("code", pa.string()), ("category", pa.string()),
                              ("stage", pa.string()), ("procedure", pa.string()),
                              ("limit_days", pa.int32())]),
        ),
    )  # fmt: skip
    con.execute("CREATE TEMP TABLE case_types AS SELECT * FROM _types_src")


def _value_map(con, name: str, field, words, column: str, index: int, where="") -> str:
    """A table `_map<index>` (v: the raw value, c: the clean value in the store's type, bad:
    the cell is unreadable, bad_days) from the column's distinct values, cleaned in Python."""
    from tongxin.transfer.formats.cells import CellError, clean
    from tongxin.trial.imports import _days

    where = f" WHERE NOT coalesce({where}, false)" if where else ""
    distinct = con.sql(f"SELECT DISTINCT {column} AS v FROM raw r{where}").to_arrow_table()
    raw_type = distinct.schema.field("v").type
    values = distinct.column("v").to_pylist()
    cleaned, bad, bad_days = [], [], []
    for value in values:
        try:
            text = clean(field, _cell(value) if type(value) is str else value, words)
            bad.append(False)
        except CellError:
            text = None
            bad.append(True)
        days_bad = False
        if name in ("time_limit_days", "excluded_days"):
            try:
                _days(text)
            except ValueError:
                days_bad = True
            text = int(float(text)) if text not in (None, "") and not days_bad else None
        elif name in ("filed_on", "closed_on"):
            text = datetime.date.fromisoformat(text) if text else None
        elif name in ("enforcement_claimed", "enforcement_recovered"):
            text = float(text) if text not in (None, "") else None
        cleaned.append(text)
        bad_days.append(days_bad)
    kind = {
        "time_limit_days": pa.int32(),
        "excluded_days": pa.int32(),
        "filed_on": pa.date32(),
        "closed_on": pa.date32(),
        "enforcement_claimed": pa.float64(),
        "enforcement_recovered": pa.float64(),
    }.get(name, pa.string())
    table = pa.table(
        {
            "v": pa.array(values, raw_type),
            "c": pa.array(cleaned, kind),
            "bad": pa.array(bad, pa.bool_()),
            "bad_days": pa.array(bad_days, pa.bool_()),
        }
    )
    con.register(f"_map{index}_src", table)
    con.execute(f"CREATE TEMP TABLE _map{index} AS SELECT * FROM _map{index}_src")
    con.unregister(f"_map{index}_src")
    return f"_map{index}"


def _columns(con, names, sheet) -> tuple[dict, list, list]:
    """The clean value of each field as SQL, the fault flags, the joins of the value maps."""
    from tongxin.trial.imports import KIND

    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE raw)").fetchall())
    exprs, faults, joins = {}, [], []
    for position, (name, index) in enumerate(sheet.index.items()):
        field = KIND.field(name)
        column = "r." + _ident(names[index])
        if name in _SQL_TEXT and types.get(names[index]) == "VARCHAR":
            text = _text_sql(column)
            exprs[name] = text
            faults.append(f"coalesce(length({text}) > {field.max_length}, false)")
            continue
        simple = ""
        if name in _AMOUNTS and types.get(names[index]) == "VARCHAR":
            # Most amounts are plain (12 or 12.5): their value in SQL; the rest in Python.
            simple = f"regexp_matches({column}, '^[0-9]{{1,8}}(\\.[0-9]{{1,2}})?$')"
        table = _value_map(con, name, field, sheet._words.get(name), column, position, simple)
        joins.append(f"LEFT JOIN {table} ON {column} IS NOT DISTINCT FROM {table}.v")
        exprs[name] = f"{table}.c"
        faults.append(f"coalesce({table}.bad, false)")
        if simple:
            exprs[name] = f"CASE WHEN {simple} THEN CAST({column} AS DOUBLE) ELSE {table}.c END"
        if name in ("time_limit_days", "excluded_days"):
            exprs[name + "_bad"] = f"{table}.bad_days"
    return exprs, faults, joins


def check_parquet(path, *, con, batch_id: int = 0, today: datetime.date | None = None):
    """Check a Parquet case file in DuckDB: (ImportResult with its rejects, the path of a
    Parquet file of the accepted rows in the store's columns, or None; filing years)."""
    import pyarrow as pa_module

    from tongxin.core.exceptions import ApplicationError
    from tongxin.transfer.checker import read_header
    from tongxin.trial.imports import KIND, invalid_case_number, problem_reasons
    from tongxin.trial.services import ImportResult

    try:
        names = list(pq.ParquetFile(path).schema_arrow.names)
    except (pa_module.ArrowException, OSError, ValueError):
        from django.utils.translation import gettext as _

        raise ApplicationError(
            _("The file could not be read as %(what)s.") % {"what": "Parquet"}
        ) from None
    sheet = read_header(KIND, (1, tuple(names)))
    result = ImportResult(header=tuple(names))
    today = today or datetime.date.today()
    _macros(con)
    _reference_tables(con)
    con.execute(
        "CREATE TEMP VIEW raw AS SELECT * EXCLUDE (file_row_number), file_row_number + 2 AS "
        f"_row FROM read_parquet({_lit(str(path))}, file_row_number = true)"
    )
    exprs, faults, joins = _columns(con, names, sheet)

    def value(name):
        return exprs.get(name, "NULL")

    con.execute(
        "CREATE TEMP TABLE checked AS SELECT r._row, "
        f"{value('case_number')} AS num, {value('filed_on')} AS filed_on, "
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
    # Materialised: DuckDB inlines a view's expressions wherever a column is used.
    con.execute(
        "CREATE TEMP TABLE parsed AS SELECT *, parts(num) AS p, parts(origin) AS op FROM checked"
    )
    con.execute("DROP TABLE checked")
    con.execute(
        "CREATE TEMP VIEW facts AS SELECT *, "
        " coalesce(ok AND NOT faulty AND NOT unknown_court AND NOT unknown_judge AND NOT "
        "  closed_before AND NOT future AND NOT no_method AND NOT no_closed AND NOT tl_bad "
        "  AND NOT ex_bad AND NOT bad_origin, false) AS clean FROM ("
        " SELECT c.*, k.court_id, j.judge_id,"
        "  ok AND k.court_id IS NULL AS unknown_court,"
        "  ok AND k.court_id IS NOT NULL AND j.judge_id IS NULL AS unknown_judge,"
        "  coalesce(closed_on < filed_on, false) AS closed_before,"
        f"  coalesce(filed_on > DATE '{today.isoformat()}', false) AS future,"
        "  closed_on IS NOT NULL AND method IS NULL AS no_method,"
        "  method IS NOT NULL AND closed_on IS NULL AS no_closed,"
        "  coalesce(origin IS NOT NULL AND origin_key IS NULL, false) AS bad_origin"
        " FROM (SELECT *,"
        "   CASE WHEN ok THEN '(' || p.year || ')' || p.court || p.special || p.type || "
        "   CAST(TRY_CAST(p.serial AS BIGINT) AS VARCHAR) || '号' || p.suffix END AS key,"
        "   CASE WHEN op.year <> '' AND TRY_CAST(op.serial AS BIGINT) <> 0 THEN '(' || op.year"
        "   || ')' || op.court || op.special || op.type || CAST(TRY_CAST(op.serial AS BIGINT)"
        "   AS VARCHAR) || '号' || op.suffix END AS origin_key"
        "  FROM (SELECT *, coalesce(p.year <> '' AND TRY_CAST(p.serial AS BIGINT) <> 0, false)"
        "   AS ok FROM parsed)) c"
        " LEFT JOIN courts k ON c.ok AND k.code = c.p.court"
        " LEFT JOIN judges j ON j.court_id = k.court_id AND j.staff = c.judge)"
    )
    con.execute(
        "CREATE TEMP TABLE decided AS SELECT *, clean AND dup_of IS NULL AS accepted FROM ("
        " SELECT *, CASE WHEN ok AND NOT faulty AND first_clean < _row THEN first_clean END"
        "  AS dup_of FROM (SELECT *, min(_row) FILTER (WHERE clean) OVER (PARTITION BY key)"
        "  AS first_clean FROM facts))"
    )
    _rejects(con, names, sheet, result, KIND, invalid_case_number, problem_reasons)
    result.accepted = con.execute("SELECT count(*) FROM decided WHERE accepted").fetchone()[0]
    if not result.accepted:
        return result, None, []
    target = Path(tempfile.mkdtemp(prefix="tongxin-cases-")) / "accepted.parquet"
    con.execute(
        "COPY (SELECT key AS case_number, CAST(p.year AS SMALLINT) AS year, CASE WHEN "
        "p.court = '最高法' THEN '最高法' ELSE substr(p.court, 1, 1) END AS province, "
        "p.court AS court, court_id, p.type AS type_code, t.category, t.stage, filed_on, "
        "closed_on, method AS closing_method, judge, judge_id, department, "
        "coalesce(d.procedure, 'ordinary') AS procedure, CAST(coalesce(tl, t.limit_days) AS "
        "INTEGER) AS time_limit_days, CAST(coalesce(ex, 0) AS INTEGER) AS excluded_days, "
        "origin_key AS origin_case_number, CAST(claimed AS DOUBLE) AS enforcement_claimed, "
        "CAST(recovered AS DOUBLE) AS enforcement_recovered, "
        f"CAST({int(batch_id)} AS BIGINT) AS batch_id FROM decided d JOIN case_types t ON "
        "t.code = p.type AND t.procedure = coalesce(d.procedure, 'ordinary') WHERE accepted"
        f") TO {_lit(str(target))} (FORMAT parquet)"
    )
    years = [
        int(y) for (y,) in con.execute(
            "SELECT DISTINCT CAST(p.year AS INTEGER) FROM decided WHERE accepted ORDER BY 1"
        ).fetchall()
    ]  # fmt: skip
    return result, target, years


def _rejects(con, names, sheet, result, kind, invalid_case_number, problem_reasons) -> None:
    raw_columns = ", ".join("r." + _ident(name) for name in names)
    rows = con.execute(
        f"SELECT d._row, d.faulty, d.ok, d.p.court, d.unknown_court, d.unknown_judge, "
        "d.closed_before, d.future, d.no_method, d.no_closed, d.tl_bad, d.ex_bad, "
        f"d.bad_origin, d.dup_of, {raw_columns} FROM decided d JOIN raw r ON r._row = d._row "
        "WHERE NOT d.accepted ORDER BY d._row"
    ).fetchall()
    for number, faulty, ok, court, unknown_court, unknown_judge, *rest in rows:
        closed_before, future, no_method, no_closed, tl_bad, ex_bad, bad_origin, dup_of = rest[:8]
        cells = tuple(_cell(v) if type(v) is str else v for v in rest[8:])
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
                f"{sheet.columns.get(name) or kind.field(name).zh}: {reason}"
                for name, reason in problems
            ]
        result.rejected.append((number, cells, "; ".join(reasons)))


def import_parquet(path, *, store=None, batch_id: int = 0, today=None, memory_limit="4GB"):
    """Check a large Parquet case file set-based and upsert its accepted rows (the command):
    the ImportResult with its counts."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="tongxin-import-") as spill:
        con = memory_connection(spill_to=spill, memory_limit=memory_limit)
        try:
            result, accepted, years = check_parquet(path, con=con, batch_id=batch_id, today=today)
        finally:
            con.close()
    if accepted is None:
        result.counts = {"inserted": 0, "updated": 0, "unchanged": 0, "years": []}
        return result
    try:
        counts = (store or CaseStore()).upsert(accepted)
    finally:
        shutil.rmtree(accepted.parent, ignore_errors=True)
    counts["years"] = years
    result.counts = counts
    return result
