"""The facts relation: each case's flags for a period, as SQL over the case store's `cases`.

Shared by the one-statement computation (`FACTS_SQL`: the drill-down, and the reference in
the tests) and the rolled-up one (`rollup.py`), which builds the same columns from the same
pieces without joining every case to the links.
"""

MAX_CHAIN = 12  # a chain deeper than this (or a loop of origins) is cut here

# The derived cases: which ones hang from an origin the store holds (`present`), each one's
# dispute (`chain`: the first case it derives from, followed at most MAX_CHAIN steps; a loop
# of origins belongs to no dispute), the size of each dispute by the period's end, and the
# appeals against each case. {derived} and {held} name the relations they read: every case
# (the statement over the whole store) or the derived cases and the origins they name (the
# rolled-up computation, which never joins the whole store on case numbers).
LINKS_SQL = """
present AS (
    SELECT d.case_number, d.origin_case_number, d.filed_on FROM {derived} d
    WHERE d.origin_case_number IS NOT NULL
      AND d.origin_case_number IN (SELECT case_number FROM {held})
),
chain(case_number, root, depth, filed_on) AS (
    SELECT p.case_number, p.origin_case_number, 1, p.filed_on FROM present p
    WHERE p.origin_case_number NOT IN (SELECT case_number FROM present)
    UNION ALL
    SELECT p.case_number, chain.root, chain.depth + 1, p.filed_on
    FROM present p JOIN chain ON p.origin_case_number = chain.case_number
    WHERE chain.depth < {max_chain}
),
sizes AS (
    SELECT root, count(*) AS derived FROM chain WHERE filed_on <= $end GROUP BY root
),
appeals AS (
    SELECT origin_case_number AS case_number,
           count(*) FILTER (WHERE filed_on BETWEEN $start AND $end) AS appeals_in,
           count(*) FILTER (WHERE closed_on BETWEEN $start AND $end
                            AND closing_method IN ('reversed', 'remanded')) AS reversed_in
    FROM {derived} WHERE stage = 'second_instance' AND origin_case_number IS NOT NULL
    GROUP BY 1
)"""

# Each case's flags for the period (`c` is the case).
FLAGS_SQL = """c.case_number, c.court, c.court_id, c.department, c.judge, c.judge_id,
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
           c.type_code IN ('执', '执恢') AS enforcement"""

# The facts that come from the links, with `ap`, `sz` and `pr` joined by case number; and
# their values for a case that no link touches (no appeal, a dispute of its own).
LINKED_SQL = """CASE WHEN c.stage = 'first_instance' THEN coalesce(ap.appeals_in, 0) ELSE 0 END
               AS {prefix}appeals_in,
           CASE WHEN c.stage = 'first_instance' THEN coalesce(ap.reversed_in, 0) ELSE 0 END
               AS {prefix}reversed_in,
           1 + coalesce(sz.derived, 0) AS {prefix}chain_size,
           pr.case_number IS NULL AND c.filed_on BETWEEN $start AND $end AS {prefix}root_in"""
UNLINKED_SQL = """0 AS {prefix}appeals_in, 0 AS {prefix}reversed_in, 1 AS {prefix}chain_size,
           c.filed_on BETWEEN $start AND $end AS {prefix}root_in"""
LINKED = ("appeals_in", "reversed_in", "chain_size", "root_in")
JOINS_SQL = """LEFT JOIN appeals ap ON ap.case_number = c.case_number
    LEFT JOIN sizes sz ON sz.root = c.case_number
    LEFT JOIN present pr ON pr.case_number = c.case_number"""

# The whole facts relation in one statement (the drill-down, and the reference the rolled-up
# computation is tested against).
FACTS_SQL = (
    "WITH RECURSIVE "
    + LINKS_SQL.replace("{derived}", "cases").replace("{held}", "cases")
    + """,
facts AS (
    SELECT """
    + FLAGS_SQL
    + """,
           """
    + LINKED_SQL.format(prefix="")
    + """
    FROM cases c
    """
    + JOINS_SQL
    + """
    WHERE c.filed_on <= $end {where}
)
"""
)
