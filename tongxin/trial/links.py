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

log = logging.getLogger(__name__)

COLUMNS = (
    "case_number, court, court_id, department, judge, judge_id, type_code, category, stage, "
    "closing_method, filed_on, closed_on, time_limit_days, excluded_days, "
    "enforcement_claimed, enforcement_recovered, origin_case_number"
)
# Every derived case, and every other case whose number some derived case names as origin.
HELD_SQL = (
    f"WITH derived AS MATERIALIZED (SELECT {COLUMNS} FROM cases "
    "WHERE origin_case_number IS NOT NULL) "
    f"SELECT {COLUMNS} FROM derived UNION ALL SELECT {COLUMNS} FROM cases "
    "WHERE origin_case_number IS NULL "
    "AND case_number IN (SELECT origin_case_number FROM derived)"
)


def _key(con) -> str | None:
    """A hash of the files the connection's `cases` view reads (the manifest it was opened
    with: an import publishing meanwhile cannot give old content a new key); None for an
    empty store."""
    found = con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'cases'").fetchone()
    if not found or "read_parquet" not in found[0]:
        return None
    return hashlib.sha256(found[0].encode("utf-8")).hexdigest()[:20]


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
    con.execute(f"CREATE TEMP TABLE _held AS {HELD_SQL}")
    try:
        _write(con, folder, target)
    except Exception:  # noqa: BLE001  (OSError, or DuckDB's IOException): computed, not kept
        log.warning("could not keep the held cases in %s", folder, exc_info=True)
    return "_held"


def _write(con, folder: Path, target: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    staged = folder / f".held-{secrets.token_hex(4)}.parquet"
    try:
        con.execute(f"COPY _held TO '{_quote(staged)}' (FORMAT parquet)")
        os.replace(staged, target)
    finally:
        staged.unlink(missing_ok=True)
    for other in folder.glob("held-*.parquet"):
        if other != target:
            other.unlink(missing_ok=True)
