"""The cases the links can touch, kept beside the case store for its current content.

The rolled-up computation (rollup.py) joins only these cases to the appeals and the dispute
chains: the derived cases (with an origin case number) and the cases they name as origin.
Finding the origins means reading every case number of the store once, the largest part of
a run after the aggregates themselves; the set does not depend on the period, so it is
written once per content of the store as a Parquet file:

    <store>/links/held-<key>.parquet     key: a hash of the list of the store's files

and every later run (the other periods of `compute_indicators --all-of-year`, the pages'
on-demand computations) reads it. Any write to the store changes its list of files, so the key:
a stale file is never read, and the next run writes the new one and removes the others. The
file is derived data: deleting the directory is always safe.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from pathlib import Path

from tongxin.trial.facts import LINKED_SQL, MAX_CHAIN

log = logging.getLogger(__name__)

COLUMNS = (
    "case_number, court, court_id, department, judge, judge_id, type_code, category, stage, "
    "closing_method, filed_on, closed_on, time_limit_days, excluded_days, "
    "enforcement_claimed, enforcement_recovered, origin_case_number"
)
# Every derived case, and every other case whose number some derived case names as origin,
# numbered (`held_row`), with what of the links does not depend on the period: whether the
# case hangs from an origin the store holds (`hangs`: it starts no dispute), the row of that
# origin (`origin_row`), and the row of the first case of the dispute it belongs to
# (`root_row`, followed at most MAX_CHAIN steps as facts.LINKS_SQL follows it; NULL for a
# case that starts one, or in a loop of origins). A run then joins by row numbers, not case
# numbers, and counts the disputes' sizes without following the chains again. (Case numbers
# are unique in the store: its upsert replaces by case number.)
#
# The numbering and the chains are worked out over case numbers alone (`keys`, `links`);
# the cases' other columns are joined once, at the end, from a second read of the store, so
# that no wide copy of the held cases is kept in memory while the chains are followed (at
# 45 M cases that copy and its joins made the first run after an import peak at 11.6 GB).
HELD_SQL = f"""WITH RECURSIVE
derived AS MATERIALIZED (
    SELECT case_number, origin_case_number FROM cases WHERE origin_case_number IS NOT NULL
),
keys AS MATERIALIZED (
    SELECT *, row_number() OVER () - 1 AS held_row FROM (
        SELECT case_number, origin_case_number FROM derived UNION ALL
        SELECT case_number, NULL FROM cases
        WHERE origin_case_number IS NULL
          AND case_number IN (SELECT origin_case_number FROM derived)
    )
),
present AS MATERIALIZED (
    SELECT case_number, origin_case_number FROM derived
    WHERE origin_case_number IN (SELECT case_number FROM keys)
),
chain(case_number, root, depth) AS (
    SELECT p.case_number, p.origin_case_number, 1 FROM present p
    WHERE p.origin_case_number NOT IN (SELECT case_number FROM present)
    UNION ALL
    SELECT p.case_number, chain.root, chain.depth + 1
    FROM present p JOIN chain ON p.origin_case_number = chain.case_number
    WHERE chain.depth < {MAX_CHAIN}
),
links AS (
    SELECT k.case_number, k.held_row, pr.case_number IS NOT NULL AS hangs,
           o.held_row AS origin_row, r.held_row AS root_row
    FROM keys k
    LEFT JOIN present pr ON pr.case_number = k.case_number
    LEFT JOIN keys o ON o.case_number = k.origin_case_number
    LEFT JOIN chain ch ON ch.case_number = k.case_number
    LEFT JOIN keys r ON r.case_number = ch.root
)
SELECT {", ".join("c." + name.strip() for name in COLUMNS.split(","))},
       l.held_row, l.hangs, l.origin_row, l.root_row
FROM cases c JOIN links l ON l.case_number = c.case_number"""
# The links of facts.LINKS_SQL read from the held cases (`held`), joined by row number:
# the appeals against each held case and the size of the dispute it starts by the period's
# end; and the linked facts (facts.LINKED_SQL) with `hangs` for the join to `present`.
HELD_LINKS_SQL = """sizes AS (
    SELECT root_row AS held_row, count(*) AS derived FROM held
    WHERE root_row IS NOT NULL AND filed_on <= $end GROUP BY 1
),
appeals AS (
    SELECT origin_row AS held_row,
           count(*) FILTER (WHERE filed_on BETWEEN $start AND $end) AS appeals_in,
           count(*) FILTER (WHERE closed_on BETWEEN $start AND $end
                            AND closing_method IN ('reversed', 'remanded')) AS reversed_in
    FROM held WHERE stage = 'second_instance' AND origin_row IS NOT NULL
    GROUP BY 1
)"""
HELD_JOINS_SQL = """LEFT JOIN appeals ap ON ap.held_row = c.held_row
    LEFT JOIN sizes sz ON sz.held_row = c.held_row"""
assert "pr.case_number IS NULL AND" in LINKED_SQL
HELD_LINKED_SQL = LINKED_SQL.replace("pr.case_number IS NULL AND", "NOT c.hangs AND")
VERSION = "3"  # of the file's columns: part of its key, so an older file is never read


def _key(con) -> str | None:
    """A hash of the files the connection's `cases` view reads (the manifest it was opened
    with: an import publishing meanwhile cannot give old content a new key); None for an
    empty store."""
    found = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'cases'").fetchone()
    if not found or "read_parquet" not in found[0]:
        return None
    return hashlib.sha256((VERSION + found[0]).encode("utf-8")).hexdigest()[:20]


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def held(store, con) -> str:
    """A relation (SQL text for a FROM clause) of the held cases for the content of the store
    `con` reads, writing its file first if that content has none yet."""
    key = _key(con)
    if key is None:
        return f"({HELD_SQL})"
    folder = store.root / "links"
    target = folder / f"held-{key}.parquet"
    if target.exists():
        return f"read_parquet('{_quote(target)}')"
    try:
        _write(con, folder, target)
    except Exception:  # noqa: BLE001  (OSError, or DuckDB's IOException): computed, not kept
        log.warning("could not keep the held cases in %s", folder, exc_info=True)
        con.execute(f"CREATE TEMP TABLE _held AS {HELD_SQL}")
        return "_held"
    return f"read_parquet('{_quote(target)}')"


def _write(con, folder: Path, target: Path) -> None:
    """The held cases streamed into their file (rows in no particular order: they are
    joined by their numbers)."""
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f".held-{secrets.token_hex(4)}.parquet"
    order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    try:
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"COPY ({HELD_SQL}) TO '{_quote(staged)}' (FORMAT parquet)")
        os.replace(staged, target)
    finally:
        con.execute(f"SET preserve_insertion_order = {'true' if order else 'false'}")
        staged.unlink(missing_ok=True)
    for other in folder.glob("held-*.parquet"):
        if other != target:
            other.unlink(missing_ok=True)
