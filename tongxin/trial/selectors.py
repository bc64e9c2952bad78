"""Reads of the trial app: stored indicator values, the cases behind them (from the store),
long-pending cases, a dispute's chain, and the evaluation app's view of judges."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from tongxin.trial import caseno
from tongxin.trial.compute import COURT, DEPARTMENT, JUDGE, compute, facts_sql
from tongxin.trial.indicators import BEHIND, BY_CODE, INDICATORS, Period, period
from tongxin.trial.store import CaseStore

CASE_COLUMNS = (
    "case_number",
    "court",
    "type_code",
    "filed_on",
    "closed_on",
    "closing_method",
    "judge",
    "department",
    "origin_case_number",
)


@dataclass
class Shown:
    """One indicator's value as a page shows it."""

    code: str
    name: str
    group: str
    unit: str
    numerator: float | None
    denominator: float | None
    value: float | None
    range: tuple | None
    within: bool | None

    @property
    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "range": list(self.range) if self.range else None,
            "within_range": self.within,
        }


def shown(values: dict, level: str, *, judge: bool = False) -> list[Shown]:
    """Indicators in their defined order from {code: (numerator, denominator, value)}."""
    out = []
    for item in INDICATORS:
        if judge and not item.judges:
            continue
        numerator, denominator, value = values.get(item.code, (None, None, None))
        out.append(
            Shown(
                code=item.code,
                name=item.name,
                group=item.group,
                unit=item.unit,
                numerator=numerator,
                denominator=denominator,
                value=value,
                range=item.range_for(level),
                within=item.within(value, level),
            )
        )
    return out


def stored_values(
    *, court_id: int, period_key: str, level: str = COURT, department: str = "",
    judge_id: int | None = None, case_type: str = "",
) -> dict | None:  # fmt: skip
    """{code: (numerator, denominator, value)} from the database; None when not computed."""
    from tongxin.trial.models import IndicatorValue

    rows = IndicatorValue.objects.filter(
        court_id=court_id, period=period_key, level=level, case_type=case_type
    )
    if level == DEPARTMENT:
        rows = rows.filter(department=department)
    if level == JUDGE:
        rows = rows.filter(judge_id=judge_id)
    found = {
        code: (numerator, denominator, value)
        for code, numerator, denominator, value in rows.values_list(
            "code", "numerator", "denominator", "value"
        )
    }
    return found or None


def values_for(
    *, court_id: int, period_key: str, level: str = COURT, department: str = "",
    judge_id: int | None = None, case_type: str = "", store: CaseStore | None = None,
) -> dict:  # fmt: skip
    """Stored values, else computed now from the store (a case type by judge, or a period
    nobody has computed yet)."""
    found = stored_values(
        court_id=court_id, period_key=period_key, level=level, department=department,
        judge_id=judge_id, case_type=case_type,
    )  # fmt: skip
    if found is not None:
        return found
    results = compute(
        period(period_key),
        store=store,
        levels=(level,),
        court_ids=[court_id],
        judge_ids=[judge_id] if level == JUDGE and judge_id else None,
        case_type=case_type or None,
    )
    for result in results:
        if result.case_type:
            continue
        if level == DEPARTMENT and result.department != department:
            continue
        return result.values
    return {}


def trend(*, court_id: int, codes, year: int, level: str = COURT, judge_id=None) -> dict:
    """{code: [(period, value)...]} over a year's months (stored values only)."""
    from tongxin.trial.models import IndicatorValue

    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    rows = IndicatorValue.objects.filter(
        court_id=court_id, level=level, case_type="", period__in=months, code__in=list(codes)
    )
    if level == JUDGE:
        rows = rows.filter(judge_id=judge_id)
    out = {code: dict.fromkeys(months) for code in codes}
    for code, key, value in rows.values_list("code", "period", "value"):
        out[code][key] = value
    return {code: list(series.items()) for code, series in out.items()}


def distribution(*, court_id: int, period_key: str, code: str, level: str) -> list[tuple]:
    """[(label, value)] of one indicator over the court's departments or judges (in name
    order, never ranked: domain.md section 9)."""
    from tongxin.trial.models import IndicatorValue

    rows = IndicatorValue.objects.filter(
        court_id=court_id, period=period_key, level=level, case_type="", code=code
    ).select_related("judge")
    if level == DEPARTMENT:
        pairs = [(row.department, row.value) for row in rows]
    else:
        pairs = [(f"{row.judge.name} ({row.judge.staff_number})", row.value) for row in rows]
    return sorted(pairs, key=lambda pair: pair[0])


def cases_behind(
    *, court_code: str, period_key: str, code: str, judge: str | None = None,
    department: str | None = None, case_type: str | None = None, limit: int = 200,
    offset: int = 0, store: CaseStore | None = None,
) -> tuple[int, list[dict]]:  # fmt: skip
    """(total, page of cases) behind an indicator's number."""
    store = store or CaseStore()
    where, params = " AND c.court = $court", {"court": court_code}
    if judge:
        where += " AND c.judge = $judge"
        params["judge"] = judge
    if department:
        where += " AND c.department = $department"
        params["department"] = department
    if case_type:
        where += " AND c.type_code = $case_type"
        params["case_type"] = case_type
    sql, base = facts_sql(period(period_key), where)
    params.update(base)
    predicate = BEHIND[code]
    query = (
        sql + f", hits AS (SELECT * FROM facts WHERE {predicate}) "
        "SELECT (SELECT count(*) FROM hits), h.case_number, h.court, h.type_code, h.filed_on, "
        "h.closed_on, h.closing_method, h.judge, h.department, o.origin_case_number "
        "FROM hits h JOIN cases o USING (case_number) ORDER BY h.filed_on, h.case_number "
        f"LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    con = store.connect()
    try:
        rows = con.execute(query, params).fetchall()
        if not rows:
            return 0, []
    finally:
        con.close()
    return rows[0][0], [dict(zip(CASE_COLUMNS, row[1:], strict=True)) for row in rows]


def long_pending(
    *, court_code: str, as_of: datetime.date, months: int = 12, judge: str | None = None,
    limit: int = 200, store: CaseStore | None = None,
) -> list[dict]:  # fmt: skip
    store = store or CaseStore()
    sql = (
        f"SELECT {', '.join(CASE_COLUMNS)}, date_diff('day', filed_on, $as_of) AS days "
        "FROM cases WHERE court = $court AND filed_on <= $as_of - to_months($months) "
        "AND (closed_on IS NULL OR closed_on > $as_of)"
    )
    params = {"court": court_code, "as_of": as_of, "months": months}
    if judge:
        sql += " AND judge = $judge"
        params["judge"] = judge
    sql += f" ORDER BY filed_on, case_number LIMIT {int(limit)}"
    con = store.connect()
    try:
        rows = con.execute(sql, params).fetchall()
    finally:
        con.close()
    return [dict(zip((*CASE_COLUMNS, "days"), row, strict=True)) for row in rows]


def case_chain(number: str, *, store: CaseStore | None = None) -> list[dict]:
    """The dispute a case belongs to: from its first case down every derived case, in
    filing order ([] when the store does not hold the number)."""
    key = caseno.canonical(number)
    if key is None:
        return []
    store = store or CaseStore()
    sql = f"""
    WITH RECURSIVE up(case_number, origin, depth) AS (
        SELECT case_number, origin_case_number, 0 FROM cases WHERE case_number = $key
        UNION ALL
        SELECT c.case_number, c.origin_case_number, up.depth + 1
        FROM cases c JOIN up ON c.case_number = up.origin WHERE up.depth < 12
    ),
    root AS (SELECT case_number FROM up ORDER BY depth DESC LIMIT 1),
    down(case_number, depth) AS (
        SELECT case_number, 0 FROM root
        UNION ALL
        SELECT c.case_number, down.depth + 1
        FROM cases c JOIN down ON c.origin_case_number = down.case_number
        WHERE down.depth < 12
    )
    SELECT {", ".join("c." + name for name in CASE_COLUMNS)}, c.court_id, c.judge_id,
           c.stage, min(d.depth)
    FROM down d JOIN cases c USING (case_number)
    GROUP BY ALL ORDER BY min(d.depth), c.filed_on, c.case_number
    """
    con = store.connect()
    try:
        rows = con.execute(sql, {"key": key}).fetchall()
    finally:
        con.close()
    names = (*CASE_COLUMNS, "court_id", "judge_id", "stage", "depth")
    return [dict(zip(names, row, strict=True)) for row in rows]


def judge_year_indicators(person_ids, year: int) -> dict[int, dict[str, dict]]:
    """For the evaluation app: per person, per indicator that applies to judges, the year's
    value, the range of their court's level and whether it is within it. People with no
    cases that year are absent."""
    from tongxin.trial.models import IndicatorValue

    rows = (
        IndicatorValue.objects.filter(
            level=JUDGE, case_type="", period=str(year), judge_id__in=list(person_ids)
        )
        .values_list("judge_id", "code", "value", "court__level")
        .order_by()
    )
    out: dict[int, dict[str, dict]] = defaultdict(dict)
    for judge_id, code, value, level in rows:
        item = BY_CODE.get(code)
        if item is None or not item.judges:
            continue
        bounds = item.range_for(level)
        out[judge_id][code] = {
            "value": value,
            "range": bounds,
            "within": item.within(value, level),
        }
    return dict(out)


def default_period() -> str:
    from tongxin.trial.models import IndicatorValue

    latest = (
        IndicatorValue.objects.filter(period__regex=r"^\d{4}$")
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return latest or str(datetime.date.today().year)


def parse_period(text: str | None) -> Period | None:
    try:
        return period(text or "")
    except ValueError:
        return None
