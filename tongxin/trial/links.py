"""The cases the links can touch, kept beside the case store for its current content.

The rolled-up computation (rollup.py) joins only these cases to the appeals and the dispute
chains: the derived cases (with an origin case number) and the cases they name as origin.
Finding the origins means reading every case number of the store once, the largest part of
a run after the aggregates themselves; the set does not depend on the period, so it is
written once per content of the store as a Parquet file:

    <store>/links/held-<key>.parquet     key: a hash of the manifest's list of files

and every later run (the other periods of `compute_indicators --all-of-year`, the pages'
on-demand computations) reads it. Any write to the store changes the manifest, so the key:
a stale file is never read, and the next run writes the new one and removes the others. The
file is derived data: deleting the directory is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

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


def _key(store) -> str:
    files = json.dumps(store.manifest()["files"], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(files.encode("utf-8")).hexdigest()[:20]


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


def held(store, con) -> str:
    """A relation (SQL text for a FROM clause) of the held cases for the store's current
    content, writing the file first if this content has none yet."""
    if not store.manifest()["files"]:
        return f"({HELD_SQL})"
    folder = store.root / "links"
    target = folder / f"held-{_key(store)}.parquet"
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        staged = folder / f".held-{secrets.token_hex(4)}.parquet"
        try:
            con.execute(f"COPY ({HELD_SQL}) TO '{_quote(staged)}' (FORMAT parquet)")
            os.replace(staged, target)
        finally:
            staged.unlink(missing_ok=True)
        for other in folder.glob("held-*.parquet"):
            if other != target:
                other.unlink(missing_ok=True)
    return f"read_parquet('{_quote(target)}')"
