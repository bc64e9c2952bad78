"""Indicator computation over the case store: one SQL statement per period.

`FACTS_SQL` gives each case its flags for the period (received, closed, pending at start and
end, on time, over 12 months, appeals received and judgments reversed or remanded in the
period against it, its dispute chain's size when it is the chain's first case); the
indicators' numerators and denominators (`indicators.INDICATORS`) aggregate those flags
for every court, department and judge at once (GROUPING SETS), optionally per case type.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongxin.trial.indicators import INDICATORS, Indicator, Period
from tongxin.trial.store import CaseStore

MAX_CHAIN = 12  # a chain deeper than this (or a loop of origins) is cut here

FACTS_SQL = """
WITH RECURSIVE present AS (
    -- derived cases whose origin the store holds (the others start a dispute of their own)
    SELECT d.case_number, d.origin_case_number FROM cases d
    WHERE d.origin_case_number IS NOT NULL
      AND d.origin_case_number IN (SELECT case_number FROM cases)
),
chain(case_number, root, depth) AS (
    SELECT p.case_number, p.origin_case_number, 1 FROM present p
    WHERE p.origin_case_number NOT IN (SELECT case_number FROM present)
    UNION ALL
    SELECT p.case_number, chain.root, chain.depth + 1
    FROM present p JOIN chain ON p.origin_case_number = chain.case_number
    WHERE chain.depth < {max_chain}
),
sizes AS (
    SELECT ch.root, count(*) AS derived
    FROM chain ch JOIN cases c USING (case_number)
    WHERE c.filed_on <= $end
    GROUP BY ch.root
),
appeals AS (
    SELECT origin_case_number AS case_number,
           count(*) FILTER (WHERE filed_on BETWEEN $start AND $end) AS appeals_in,
           count(*) FILTER (WHERE closed_on BETWEEN $start AND $end
                            AND closing_method IN ('reversed', 'remanded')) AS reversed_in
    FROM cases WHERE stage = 'second_instance' AND origin_case_number IS NOT NULL
    GROUP BY 1
),
facts AS (
    SELECT c.case_number, c.court, c.court_id, c.department, c.judge, c.judge_id,
           c.type_code, c.closing_method, c.filed_on, c.closed_on,
           c.time_limit_days, c.enforcement_claimed, c.enforcement_recovered,
           c.filed_on BETWEEN $start AND $end AS received,
           coalesce(c.closed_on BETWEEN $start AND $end, false) AS closed_in,
           c.filed_on < $start AND (c.closed_on IS NULL OR c.closed_on >= $start)
               AS pending_start,
           c.filed_on <= $end AND (c.closed_on IS NULL OR c.closed_on > $end) AS pending_end,
           date_diff('day', c.filed_on, c.closed_on) AS duration,
           coalesce(date_diff('day', c.filed_on, c.closed_on) - coalesce(c.excluded_days, 0)
               <= c.time_limit_days, false) AS on_time,
           c.filed_on <= $end AND (c.closed_on IS NULL OR c.closed_on > $end)
               AND c.filed_on <= CAST($end - INTERVAL 12 MONTH AS DATE) AS over_12,
           c.stage = 'first_instance' AS first_instance,
           c.stage = 'second_instance' AS second_instance,
           c.category = 'civil' AND c.stage IN ('first_instance', 'second_instance')
               AS mediable,
           c.type_code IN ('执', '执恢') AS enforcement,
           CASE WHEN c.stage = 'first_instance' THEN coalesce(ap.appeals_in, 0) ELSE 0 END
               AS appeals_in,
           CASE WHEN c.stage = 'first_instance' THEN coalesce(ap.reversed_in, 0) ELSE 0 END
               AS reversed_in,
           1 + coalesce(sz.derived, 0) AS chain_size,
           pr.case_number IS NULL AND c.filed_on BETWEEN $start AND $end AS root_in
    FROM cases c
    LEFT JOIN appeals ap ON ap.case_number = c.case_number
    LEFT JOIN sizes sz ON sz.root = c.case_number
    LEFT JOIN present pr ON pr.case_number = c.case_number
    WHERE c.filed_on <= $end {where}
)
"""

COURT, DEPARTMENT, JUDGE = "court", "department", "judge"


@dataclass
class Result:
    level: str
    court_id: int
    department: str
    judge_id: int | None
    case_type: str
    values: dict  # code -> (numerator, denominator, value)


def _aggregates(indicators) -> tuple[str, list[tuple[Indicator, int, int | None]]]:
    parts, slots = [], []
    for item in indicators:
        parts.append(item.numerator)
        numerator = len(parts) - 1
        denominator = None
        if item.denominator is not None:
            parts.append(item.denominator)
            denominator = len(parts) - 1
        slots.append((item, numerator, denominator))
    return ", ".join(parts), slots


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
) -> list[Result]:
    """Every indicator for the period, per court / department / judge (and case type)."""
    store = store or CaseStore()
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
    keys = {COURT: "court_id", DEPARTMENT: "court_id, department", JUDGE: "court_id, judge_id"}
    sets = [f"({keys[level]})" for level in levels]
    if by_case_type:
        sets += [f"({keys[level]}, type_code)" for level in levels]
    aggregates, slots = _aggregates(indicators)
    grouped = " ".join(sets)
    picked = []
    for column in ("department", "judge_id", "type_code"):
        if column in grouped:
            picked.append(f"{column}, GROUPING({column})")
        else:
            picked.append(f"NULL AS {column}, 1")
    sql = (
        FACTS_SQL.format(max_chain=MAX_CHAIN, where=where)
        + f"SELECT court_id, {', '.join(picked)}, {aggregates} FROM facts "
        f"GROUP BY GROUPING SETS ({', '.join(sets)})"
    )
    con = store.connect(threads=threads)
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    results = []
    for row in rows:
        court_id, department, no_dept, judge_id, no_judge, type_code, no_type = row[:7]
        if court_id is None:
            continue
        cells = row[7:]
        level = COURT if no_dept and no_judge else DEPARTMENT if not no_dept else JUDGE
        if level == DEPARTMENT and department is None:
            continue
        values = {}
        for item, n, d in slots:
            if level == JUDGE and not item.judges:
                continue
            numerator = _number(cells[n])
            denominator = _number(cells[d]) if d is not None else None
            values[item.code] = (numerator, denominator, item.value(numerator, denominator))
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


def _number(value):
    if value is None:
        return None
    return float(value)
