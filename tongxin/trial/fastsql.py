"""The SQL pieces of the set-based case import (`fastimport.py`): the case-number pattern and
macros, the reference tables (courts, judges, case types) loaded once from the database, and
each cell column's clean value: text columns in SQL, the others cleaned by the per-row
cleaner (`transfer.formats.cells.clean`, after the reader's `_cell`) once per DISTINCT value
and joined back."""

from __future__ import annotations

import datetime

import pyarrow as pa

from tongxin.trial import caseno
from tongxin.trial.reader import _cell

_SQL_TEXT = ("case_number", "origin_case_number")  # parsed in SQL (one value per row)
_AMOUNTS = ("enforcement_claimed", "enforcement_recovered")


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ident(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _text_sql(column: str) -> str:
    """`cells._text` of a text cell in SQL: stripped, a leading ' before = + - @ dropped,
    '' as NULL."""
    ends = lit("^" + caseno.SPACES + "|" + caseno.SPACES + "$")
    # The guards are cheap regular expressions; trim() and translate() with many characters
    # are not, and few values need them.
    stripped = (
        f"CASE WHEN regexp_matches({column}, {ends}) THEN "
        f"trim({column}, {lit(caseno.SPACE_CHARS)}) ELSE {column} END"
    )
    return (
        f"nullif(CASE WHEN substr({stripped}, 1, 1) = '''' AND substr({stripped}, 2, 1) IN "
        f"('=', '+', '-', '@') THEN substr({stripped}, 2) ELSE {stripped} END, '')"
    )


def simple_pattern() -> str:
    """The case-number pattern with the type as any run of non-digits (groups: year, court,
    rest, serial, suffix): a match whose `rest` is a type code (or 知 and a type code) in the
    national table is what `caseno.pattern_source()` matches, the type found by a join with
    a small table instead of a long alternation (RE2 runs it several times faster). Type codes
    hold no digit, so the non-digit run between the court code and the serial is exactly the
    full pattern's optional 知 and its type code."""
    full = caseno.pattern_source()
    head, tail = full[: full.index("(?P<special>")], full[full.index("(?P<serial>") :]
    for name in ("year", "court", "serial", "suffix"):
        head, tail = head.replace(f"?P<{name}>", ""), tail.replace(f"?P<{name}>", "")
    return head + "([^0-9]+)" + tail


PARTS = ("year", "court", "rest", "serial", "suffix")


def macros(con) -> None:
    # translate() deletes the characters of its second argument beyond the third's length.
    odd = lit("[" + caseno.SPACE_CHARS + caseno.WIDE_FROM + "]")
    squeeze = (
        f"CASE WHEN regexp_matches(s, {odd}) THEN translate(s, "
        f"{lit(caseno.WIDE_FROM + caseno.SPACE_CHARS)}, {lit(caseno.WIDE_TO)}) ELSE s END"
    )
    names = "[" + ", ".join(lit(g) for g in PARTS) + "]"
    con.execute(f"CREATE MACRO squeeze(s) AS {squeeze}")
    con.execute(
        f"CREATE MACRO parts(s) AS regexp_extract(squeeze(s), {lit(simple_pattern())}, {names})"
    )


def reference_tables(con) -> None:
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
    # the text between court code and serial -> (special, type code): "民初", "知民初"
    texts = [(code, "", code) for code in kinds] + [("知" + code, "知", code) for code in kinds]
    con.register(
        "_texts_src",
        pa.table(
            {name: [t[i] for t in texts] for i, name in enumerate(("text", "special", "code"))}
        ),
    )
    con.execute("CREATE TEMP TABLE type_texts AS SELECT * FROM _texts_src")


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


def columns(con, idents, sheet) -> tuple[dict, list, list]:
    """The clean value of each field as SQL, the fault flags, the joins of the value maps
    (`idents`: the columns of the view `raw` in the header's order)."""
    from tongxin.trial.imports import KIND

    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE raw)").fetchall())
    exprs, faults, joins = {}, [], []
    for position, (name, index) in enumerate(sheet.index.items()):
        field = KIND.field(name)
        column = "r." + ident(idents[index])
        if name in _SQL_TEXT and types.get(idents[index]) == "VARCHAR":
            text = _text_sql(column)
            exprs[name] = text
            faults.append(f"coalesce(length({text}) > {field.max_length}, false)")
            continue
        simple = ""
        if name in _AMOUNTS and types.get(idents[index]) == "VARCHAR":
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
