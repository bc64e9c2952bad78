"""Full-equivalent references for the indicator run (issue 9): every indicator's numerator
and denominator for every court, department and judge for a period, as the product computes
them (docs/trial-indicators.md), written by hand once in DuckDB SQL (one statement) and once
in Polars, independently of the product's SQL pieces (facts.py, rollup.py).

What they share with the product is the definitions only: appeals joined to their origin case
(first-instance cases only), the dispute chains followed from their first case through origin
case numbers at most `MAX_CHAIN` steps (a loop belongs to no dispute), the chain sizes by the
period's end, mediation, enforcement and over-12-months counts, the groups without a
department dropped at the department level.

`full_duckdb(con, start, end)` and `full_polars(files, start, end)` return
{(level, court_id, department, judge_id): {code: (numerator, denominator)}}, the same shape
as `product_values(results)`; `compare()` lists the differences.
"""

from __future__ import annotations

import datetime
import math

MAX_CHAIN = 12

# The aggregates both references compute, by name.
CELLS = (
    "received", "closed", "pending_start", "pending_end", "handled", "on_time", "with_limit",
    "duration_sum", "duration_median", "over_12", "first_closed", "appeals", "reversed",
    "second_reversed", "second_remanded", "mediated", "mediable_closed", "chain_sum", "roots",
    "enf_closed", "enf_done", "recovered", "claimed",
)  # fmt: skip
# Indicator code -> (numerator cell, denominator cell or None).
CODES = {
    "received": ("received", None),
    "closed": ("closed", None),
    "pending_at_start": ("pending_start", None),
    "pending_at_end": ("pending_end", None),
    "closure_rate": ("closed", "handled"),
    "closure_to_intake": ("closed", "received"),
    "on_time_rate": ("on_time", "with_limit"),
    "mean_duration_days": ("duration_sum", "closed"),
    "median_duration_days": ("duration_median", None),
    "pending_over_12_months": ("over_12", None),
    "pending_over_12_months_ratio": ("over_12", "handled"),
    "appeal_rate": ("appeals", "first_closed"),
    "acceptance_rate": ("appeals", "first_closed"),
    "reversal_remand_rate": ("reversed", "first_closed"),
    "reversal_to_remand_ratio": ("second_reversed", "second_remanded"),
    "mediation_withdrawal_rate": ("mediated", "mediable_closed"),
    "case_to_matter_ratio": ("chain_sum", "roots"),
    "enforcement_completion_rate": ("enf_done", "enf_closed"),
    "enforcement_recovery_rate": ("recovered", "claimed"),
}
MEDIATED = ("mediation", "withdrawal", "appeal_withdrawn")


def _twelve_months_before(day: datetime.date) -> datetime.date:
    """`day - INTERVAL 12 MONTH` as DuckDB gives it (the 29th of February clamps)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


FULL_SQL = """
WITH RECURSIVE
derived AS MATERIALIZED (
    SELECT case_number, origin_case_number, stage, filed_on, closed_on, closing_method
    FROM cases WHERE origin_case_number IS NOT NULL
),
present AS MATERIALIZED (   -- derived cases whose origin the store holds
    SELECT case_number, origin_case_number, filed_on FROM derived
    WHERE origin_case_number IN (SELECT case_number FROM cases)
),
chain(case_number, root, depth, filed_on) AS (
    SELECT case_number, origin_case_number, 1, filed_on FROM present
    WHERE origin_case_number NOT IN (SELECT case_number FROM present)
    UNION ALL
    SELECT p.case_number, chain.root, chain.depth + 1, p.filed_on
    FROM present p JOIN chain ON p.origin_case_number = chain.case_number
    WHERE chain.depth < {max_chain}
),
links AS (   -- one row per case number some link touches
    SELECT case_number, sum(appeals) AS appeals, sum(reversed) AS reversed,
           sum(derived) AS derived, bool_or(hangs) AS hangs
    FROM (
        SELECT origin_case_number AS case_number,
               count(*) FILTER (WHERE filed_on BETWEEN $start AND $end) AS appeals,
               count(*) FILTER (WHERE closed_on BETWEEN $start AND $end
                                AND closing_method IN ('reversed', 'remanded')) AS reversed,
               0 AS derived, false AS hangs
        FROM derived WHERE stage = 'second_instance' GROUP BY 1
        UNION ALL
        SELECT root, 0, 0, count(*), false FROM chain WHERE filed_on <= $end GROUP BY 1
        UNION ALL
        SELECT case_number, 0, 0, 0, true FROM present
    ) GROUP BY 1
),
f AS (
    SELECT c.court_id, c.department, c.judge_id, c.type_code, c.closing_method,
           c.enforcement_claimed, c.enforcement_recovered,
           c.filed_on BETWEEN $start AND $end AS rec,
           coalesce(c.closed_on BETWEEN $start AND $end, false) AS clo,
           c.filed_on < $start AND (c.closed_on IS NULL OR c.closed_on >= $start) AS ps,
           c.closed_on IS NULL OR c.closed_on > $end AS pe,
           c.filed_on <= $twelve AS old,
           date_diff('day', c.filed_on, c.closed_on) AS days,
           coalesce(date_diff('day', c.filed_on, c.closed_on) - coalesce(c.excluded_days, 0)
                    <= c.time_limit_days, false) AS ontime,
           c.time_limit_days IS NOT NULL AS limited,
           c.stage = 'first_instance' AS fi,
           c.stage = 'second_instance' AS si,
           c.category = 'civil' AND c.stage IN ('first_instance', 'second_instance') AS med,
           c.type_code IN ('执', '执恢') AS enf,
           CASE WHEN c.stage = 'first_instance' THEN coalesce(l.appeals, 0) ELSE 0 END AS ap,
           CASE WHEN c.stage = 'first_instance' THEN coalesce(l.reversed, 0) ELSE 0 END AS rv,
           1 + coalesce(l.derived, 0) AS size,
           coalesce(NOT l.hangs, true) AND c.filed_on BETWEEN $start AND $end AS root
    FROM cases c LEFT JOIN links l ON l.case_number = c.case_number
    WHERE c.filed_on <= $end
)
SELECT court_id, department, judge_id, GROUPING(department) AS no_dept,
       GROUPING(judge_id) AS no_judge,
       count(*) FILTER (WHERE rec) AS received,
       count(*) FILTER (WHERE clo) AS closed,
       count(*) FILTER (WHERE ps) AS pending_start,
       count(*) FILTER (WHERE pe) AS pending_end,
       count(*) FILTER (WHERE ps OR rec) AS handled,
       count(*) FILTER (WHERE clo AND ontime) AS on_time,
       count(*) FILTER (WHERE clo AND limited) AS with_limit,
       sum(days) FILTER (WHERE clo) AS duration_sum,
       median(days) FILTER (WHERE clo) AS duration_median,
       count(*) FILTER (WHERE pe AND old) AS over_12,
       count(*) FILTER (WHERE clo AND fi) AS first_closed,
       sum(ap) AS appeals,
       sum(rv) AS reversed,
       count(*) FILTER (WHERE clo AND si AND closing_method = 'reversed') AS second_reversed,
       count(*) FILTER (WHERE clo AND si AND closing_method = 'remanded') AS second_remanded,
       count(*) FILTER (WHERE clo AND med AND closing_method IN {mediated}) AS mediated,
       count(*) FILTER (WHERE clo AND med) AS mediable_closed,
       sum(size) FILTER (WHERE root) AS chain_sum,
       count(*) FILTER (WHERE root) AS roots,
       count(*) FILTER (WHERE clo AND enf) AS enf_closed,
       count(*) FILTER (WHERE clo AND enf AND closing_method = 'enforced') AS enf_done,
       sum(enforcement_recovered) FILTER (WHERE clo AND enf) AS recovered,
       sum(enforcement_claimed) FILTER (WHERE clo AND enf) AS claimed
FROM f
GROUP BY GROUPING SETS ((court_id), (court_id, department), (court_id, judge_id))
"""


def _key(court_id, department, judge_id, no_dept, no_judge):
    if no_dept and no_judge:
        return ("court", court_id, "", None)
    if not no_dept:
        return None if department is None else ("department", court_id, department, None)
    return ("judge", court_id, "", judge_id)


def _values(cells: dict) -> dict:
    return {code: (cells[n], None if d is None else cells[d]) for code, (n, d) in CODES.items()}


def full_duckdb(con, start: datetime.date, end: datetime.date) -> dict:
    """The hand-written statement over the connection's `cases` view."""
    sql = FULL_SQL.replace("{max_chain}", str(MAX_CHAIN)).replace("{mediated}", str(MEDIATED))
    params = {"start": start, "end": end, "twelve": _twelve_months_before(end)}
    out = {}
    for row in con.execute(sql, params).fetchall():
        key = _key(*row[:5])
        if key is not None and key[1] is not None:
            out[key] = _values(dict(zip(CELLS, row[5:], strict=True)))
    return out


def full_polars(files: list[str], start: datetime.date, end: datetime.date) -> dict:
    """The same with Polars: the links joined by case number, the chains by repeated joins."""
    import polars as pl

    cases = pl.scan_parquet(files)
    in_period = pl.col("filed_on").is_between(start, end)
    closed = pl.col("closed_on").is_between(start, end).fill_null(False)
    derived = cases.filter(pl.col("origin_case_number").is_not_null()).select(
        "case_number", "origin_case_number", "stage", "filed_on", "closed_on", "closing_method"
    )
    present = derived.join(
        cases.select("case_number"), left_on="origin_case_number", right_on="case_number",
        how="semi",
    ).select("case_number", "origin_case_number", "filed_on").collect()  # fmt: skip
    present_numbers = present.get_column("case_number").implode()
    level = present.filter(~pl.col("origin_case_number").is_in(present_numbers)).select(
        "case_number", pl.col("origin_case_number").alias("root"), "filed_on"
    )
    chain = [level]
    for _ in range(MAX_CHAIN - 1):
        level = present.join(
            level.select(pl.col("case_number").alias("parent"), "root"),
            left_on="origin_case_number", right_on="parent",
        ).select("case_number", "root", "filed_on")  # fmt: skip
        if level.height == 0:
            break
        chain.append(level)
    sizes = (
        pl.concat(chain).filter(pl.col("filed_on") <= end).group_by("root")
        .agg(pl.len().alias("derived")).rename({"root": "case_number"})
    )  # fmt: skip
    appeals = (
        derived.filter(pl.col("stage") == "second_instance")
        .group_by(pl.col("origin_case_number").alias("case_number"))
        .agg(
            in_period.sum().alias("appeals"),
            (closed & pl.col("closing_method").is_in(["reversed", "remanded"]).fill_null(False))
            .sum().alias("reversed"),
        )
    )  # fmt: skip
    hangs = present.select("case_number", pl.lit(True).alias("hangs"))
    first = pl.col("stage") == "first_instance"
    method = pl.col("closing_method")
    facts = (
        cases.filter(pl.col("filed_on") <= end)
        .join(appeals, on="case_number", how="left")
        .join(sizes.lazy(), on="case_number", how="left")
        .join(hangs.lazy(), on="case_number", how="left")
        .with_columns(
            rec=in_period,
            clo=closed,
            ps=(pl.col("filed_on") < start)
            & (pl.col("closed_on").is_null() | (pl.col("closed_on") >= start)),
            pe=pl.col("closed_on").is_null() | (pl.col("closed_on") > end),
            days=(pl.col("closed_on") - pl.col("filed_on")).dt.total_days(),
            fi=first,
            si=pl.col("stage") == "second_instance",
            med=(pl.col("category") == "civil")
            & pl.col("stage").is_in(["first_instance", "second_instance"]),
            enf=pl.col("type_code").is_in(["执", "执恢"]),
            ap=pl.when(first).then(pl.col("appeals").fill_null(0)).otherwise(0),
            rv=pl.when(first).then(pl.col("reversed").fill_null(0)).otherwise(0),
            size=1 + pl.col("derived").fill_null(0),
            root=pl.col("hangs").is_null() & in_period,
        )
        .with_columns(
            ontime=(
                pl.col("days") - pl.col("excluded_days").fill_null(0) <= pl.col("time_limit_days")
            ).fill_null(False),
            old=pl.col("pe") & (pl.col("filed_on") <= _twelve_months_before(end)),
        )
    )
    clo, enf = pl.col("clo"), pl.col("clo") & pl.col("enf")

    def some(column: str, where):  # a sum over no value is no value, as in SQL
        values = pl.col(column).filter(where)
        return pl.when(values.count() > 0).then(values.sum()).otherwise(None).alias(column)

    aggregates = [
        pl.col("rec").sum().alias("received"),
        clo.sum().alias("closed"),
        pl.col("ps").sum().alias("pending_start"),
        pl.col("pe").sum().alias("pending_end"),
        (pl.col("ps") | pl.col("rec")).sum().alias("handled"),
        (clo & pl.col("ontime")).sum().alias("on_time"),
        (clo & pl.col("time_limit_days").is_not_null()).sum().alias("with_limit"),
        some("days", clo).alias("duration_sum"),
        pl.col("days").filter(clo).median().alias("duration_median"),
        pl.col("old").sum().alias("over_12"),
        (clo & pl.col("fi")).sum().alias("first_closed"),
        pl.col("ap").sum().alias("appeals"),
        pl.col("rv").sum().alias("reversed"),
        (clo & pl.col("si") & (method == "reversed").fill_null(False)).sum()
        .alias("second_reversed"),
        (clo & pl.col("si") & (method == "remanded").fill_null(False)).sum()
        .alias("second_remanded"),
        (clo & pl.col("med") & method.is_in(list(MEDIATED)).fill_null(False)).sum()
        .alias("mediated"),
        (clo & pl.col("med")).sum().alias("mediable_closed"),
        some("size", pl.col("root")).alias("chain_sum"),
        pl.col("root").sum().alias("roots"),
        enf.sum().alias("enf_closed"),
        (enf & (method == "enforced").fill_null(False)).sum().alias("enf_done"),
        some("enforcement_recovered", enf).alias("recovered"),
        some("enforcement_claimed", enf).alias("claimed"),
    ]  # fmt: skip
    levels = (
        ("court", ["court_id"]),
        ("department", ["court_id", "department"]),
        ("judge", ["court_id", "judge_id"]),
    )
    frames = pl.collect_all([facts.group_by(keys).agg(aggregates) for _, keys in levels])
    out = {}
    for (level, _), frame in zip(levels, frames, strict=True):
        for row in frame.iter_rows(named=True):
            if row["court_id"] is None or (level == "department" and row["department"] is None):
                continue
            key = (level, row["court_id"], row.get("department") or "" if level == "department"
                   else "", row.get("judge_id") if level == "judge" else None)  # fmt: skip
            out[key] = _values(row)
    return out


def product_values(results) -> dict:
    """The product's results (compute.Result) in the references' shape."""
    return {
        (r.level, r.court_id, r.department, r.judge_id): {
            code: (n, d) for code, (n, d, _) in r.values.items() if code in CODES
        }
        for r in results
    }


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


def compare(expected: dict, found: dict, limit: int = 10) -> list[str]:
    """The differences between two results, at most `limit` of them."""
    problems = []
    for key in sorted(set(expected) | set(found), key=repr):
        if key not in expected or key not in found:
            problems.append(f"{key}: only in {'the first' if key in expected else 'the second'}")
        else:
            for code, pair in expected[key].items():
                other = found[key].get(code)
                if other is None or not all(map(_same, pair, other)):
                    problems.append(f"{key} {code}: {pair} != {other}")
        if len(problems) >= limit:
            break
    return problems
