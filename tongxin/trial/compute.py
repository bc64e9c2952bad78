"""Indicator computation over the case store.

`facts.FACTS_SQL` gives each case its flags for the period (received, closed, pending at start
and end, on time, over 12 months, appeals received and judgments reversed or remanded in the
period against it, its dispute chain's size when it is the chain's first case); the
indicators' numerators and denominators (`indicators.INDICATORS`) aggregate those flags
for every court, department and judge at once (GROUPING SETS), optionally per case type.
`rollup.py` computes the same numbers without joining every case to the links (the default).
"""

from __future__ import annotations

from dataclasses import dataclass

from tongxin.lib.collector import collector_paused
from tongxin.trial import links, rollup
from tongxin.trial.facts import FACTS_SQL, MAX_CHAIN
from tongxin.trial.indicators import INDICATORS, Indicator, Period
from tongxin.trial.store import CaseStore

COURT, DEPARTMENT, JUDGE = "court", "department", "judge"


@dataclass
class Result:
    level: str
    court_id: int
    department: str
    judge_id: int | None
    case_type: str
    values: dict  # code -> (numerator, denominator, value)


def _aggregates(indicators) -> tuple[list[str], list[tuple[Indicator, int, int | None]]]:
    """The distinct aggregate expressions of the indicators, and where each one's numerator
    and denominator are among them."""
    parts: list[str] = []
    slots = []

    def slot(expression: str) -> int:
        if expression not in parts:
            parts.append(expression)
        return parts.index(expression)

    for item in indicators:
        denominator = slot(item.denominator) if item.denominator is not None else None
        slots.append((item, slot(item.numerator), denominator))
    return parts, slots


def _filters(period: Period, court_ids, judge_ids, case_type) -> tuple[str, dict]:
    where, params = "", {"start": period.start, "end": period.end}
    if court_ids is not None:
        where += " AND c.court_id IN (SELECT unnest($courts))"
        params["courts"] = list(court_ids)
    if judge_ids is not None:
        where += " AND c.judge_id IN (SELECT unnest($judges))"
        params["judges"] = list(judge_ids)
    if case_type:
        where += " AND c.type_code = $case_type"
        params["case_type"] = case_type
    return where, params


def _grouping(levels, by_case_type: bool) -> tuple[str, str]:
    """(the GROUPING SETS clause, the key columns selected with their GROUPING flags)."""
    keys = {COURT: "court_id", DEPARTMENT: "court_id, department", JUDGE: "court_id, judge_id"}
    sets = [f"({keys[level]})" for level in levels]
    if by_case_type:
        sets += [f"({keys[level]}, type_code)" for level in levels]
    grouped = " ".join(sets)
    picked = ["court_id"]
    for column in ("department", "judge_id", "type_code"):
        if column in grouped:
            picked.append(f"{column}, GROUPING({column})")
        else:
            picked.append(f"NULL AS {column}, 1")
    return f"GROUPING SETS ({', '.join(sets)})", ", ".join(picked)


def compute(
    period: Period,
    *,
    store: CaseStore | None = None,
    by_case_type: bool = False,
    levels=(COURT, DEPARTMENT, JUDGE),
    court_ids=None,
    judge_ids=None,
    case_type: str | None = None,
    indicators=INDICATORS,
    threads: int | None = None,
    direct: bool = False,
) -> list[Result]:
    """Every indicator for the period, per court / department / judge (and case type).

    By default the counts and sums are rolled up from the finest grain (see rollup.py);
    `direct=True` computes them all in one statement over the whole facts relation (the
    reference the rolled-up computation is tested against)."""
    store = store or CaseStore()
    where, params = _filters(period, court_ids, judge_ids, case_type)
    grouping, picked = _grouping(levels, by_case_type)
    parts, slots = _aggregates(indicators)
    con = store.connect(threads=threads)
    with collector_paused():  # tens of thousands of acyclic tuples and dicts
        try:
            rows = _rows(con, store, parts, where, params, grouping, picked, direct)
        finally:
            con.close()
        return _results(rows, slots)


def _rows(con, store, parts, where, params, grouping, picked, direct) -> list:
    if direct or not rollup.rollable(parts):
        sql = (
            FACTS_SQL.format(max_chain=MAX_CHAIN, where=where)
            + f"SELECT {picked}, {', '.join(parts)} FROM facts GROUP BY {grouping}"
        )
        return con.execute(sql, params).fetchall()
    return rollup.rows(con, parts, where, params, grouping, picked, lambda: links.held(store, con))


def _results(rows, slots) -> list[Result]:
    everyone = [(item.code, item.value, n, d) for item, n, d in slots]
    judges = [(item.code, item.value, n, d) for item, n, d in slots if item.judges]
    results = []
    for row in rows:
        court_id, department, no_dept, judge_id, no_judge, type_code, no_type = row[:7]
        if court_id is None:
            continue
        level = COURT if no_dept and no_judge else DEPARTMENT if not no_dept else JUDGE
        if level == DEPARTMENT and department is None:
            continue
        cells = [None if cell is None else float(cell) for cell in row[7:]]
        values = {}
        for code, value, n, d in judges if level == JUDGE else everyone:
            numerator = cells[n]
            denominator = cells[d] if d is not None else None
            values[code] = (numerator, denominator, value(numerator, denominator))
        results.append(
            Result(
                level=level,
                court_id=court_id,
                department=department or "" if level == DEPARTMENT else "",
                judge_id=judge_id if level == JUDGE else None,
                case_type="" if no_type else type_code,
                values=values,
            )
        )
    return results


def facts_sql(period: Period, where: str = "") -> tuple[str, dict]:
    """The facts relation for a period (for the drill-down and long-pending lists)."""
    return (
        FACTS_SQL.format(max_chain=MAX_CHAIN, where=where),
        {"start": period.start, "end": period.end},
    )
