"""The case store: Parquet files partitioned by filing year and province, read with DuckDB.

This is the one module that imports `duckdb`. Layout under CASE_STORE_ROOT:

    cases/year=2024/province=京/part-<token>.parquet   one current file per partition
    manifest.json                                       {"version": n, "files": {...}}

Readers read the files the manifest names (never a directory listing), so a write is atomic:
`upsert` writes each touched partition's new file (old rows minus the replaced case numbers,
plus the new rows) next to the old one, then replaces the manifest with `os.replace` (atomic
on POSIX), then deletes the files it superseded. A write that fails before the manifest swap
removes its new files and leaves the store as it was; a crash leaves only unreferenced files
(`sweep` removes them). Writers take an exclusive file lock. The hive-style directory names
let any engine that reads partitioned Parquet (DuckDB, Spark, Trino, Polars) prune by year and
province; see docs/architecture.md, "The case store beyond one machine".
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import warnings
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

SCHEMA = pa.schema(
    [
        ("case_number", pa.string()),
        ("year", pa.int16()),
        ("province", pa.string()),
        ("court", pa.string()),
        ("court_id", pa.int64()),
        ("type_code", pa.string()),
        ("category", pa.string()),
        ("stage", pa.string()),
        ("filed_on", pa.date32()),
        ("closed_on", pa.date32()),
        ("closing_method", pa.string()),
        ("judge", pa.string()),
        ("judge_id", pa.int64()),
        ("department", pa.string()),
        ("procedure", pa.string()),
        ("time_limit_days", pa.int32()),
        ("excluded_days", pa.int32()),
        ("origin_case_number", pa.string()),
        ("enforcement_claimed", pa.float64()),
        ("enforcement_recovered", pa.float64()),
        ("batch_id", pa.int64()),
    ]
)
COLUMNS = SCHEMA.names


class StoreError(Exception):
    pass


class CaseStore:
    def __init__(self, root: Path | str | None = None):
        self.root = Path(root or settings.CASE_STORE_ROOT)

    # Reading ----------------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def manifest(self) -> dict:
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"version": 0, "files": {}}

    def files(self, *, years: Iterable[int] | None = None) -> list[str]:
        wanted = {f"year={y}" for y in years} if years is not None else None
        return [
            str(self.root / "cases" / part / name)
            for part, name in sorted(self.manifest()["files"].items())
            if wanted is None or part.split("/")[0] in wanted
        ]

    def connect(self, *, years: Iterable[int] | None = None, threads: int | None = None):
        """A DuckDB connection with the view `cases` over the current files."""
        con = duckdb.connect()
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        files = self.files(years=years)
        if files:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(f"CREATE VIEW cases AS SELECT * FROM read_parquet([{listed}])")
        else:
            con.register("_empty", SCHEMA.empty_table())
            con.execute("CREATE VIEW cases AS SELECT * FROM _empty")
        return con

    def query(self, sql: str, params: list | None = None, **connect) -> list[tuple]:
        con = self.connect(**connect)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def query_arrow(self, sql: str, params: list | None = None, **connect) -> pa.Table:
        con = self.connect(**connect)
        try:
            return _arrow(con, sql, params or [])
        finally:
            con.close()

    def count(self) -> int:
        return self.query("SELECT count(*) FROM cases")[0][0]

    def existing(self, numbers: list[str]) -> set[str]:
        """Which of these case numbers the store holds."""
        if not numbers or not self.files():
            return set()
        con = self.connect()
        try:
            con.register("_wanted", pa.table({"n": pa.array(numbers, pa.string())}))
            rows = con.execute(
                "SELECT case_number FROM cases WHERE case_number IN (SELECT n FROM _wanted)"
            ).fetchall()
            return {row[0] for row in rows}
        finally:
            con.close()

    # Writing ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self):
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def upsert(self, table: pa.Table, *, on_partition=None) -> dict:
        """Insert or replace (by case number; the last row of a number wins) the rows of an
        Arrow table with SCHEMA, atomically. Returns {"inserted", "updated", "unchanged"}.
        `on_partition(done, total)` is called after each partition file is written."""
        table = table.select(COLUMNS).cast(SCHEMA)
        con = memory_connection()
        try:
            con.register("_raw", table)
            self._last_of_each(con)
            parts = con.execute("SELECT DISTINCT year, province FROM _new ORDER BY 1, 2").fetchall()

            def partitions():
                for year, province in parts:
                    con.execute(
                        "CREATE OR REPLACE TEMP VIEW _part AS SELECT * FROM _new WHERE "
                        f"year = {int(year)} AND province = '{_quote(province)}'"
                    )
                    yield year, province

            return self.merge(con, partitions(), total=len(parts), on_partition=on_partition)
        finally:
            con.close()

    def merge(self, con, partitions, *, total=None, on_partition=None) -> dict:
        """Insert or replace, atomically, the rows of the partitions `partitions` yields: each
        (year, province) it yields, the view or table `_part` on `con` holds that partition's
        new rows (SCHEMA's columns, one row per case number). The set-based import streams its
        partitions through here one at a time (bounded memory). A partition's new file is the
        old rows minus the replaced case numbers plus the new rows; nothing is visible before
        the manifest swap, and a failure removes the files written."""

        def place(key, old, target, counts, _payload) -> bool:
            return self._merge_part(con, old, key, target, counts)

        items = ((year, province, None) for year, province in partitions)
        return self._replace(items, total, on_partition, place)

    def adopt(self, con, staged, *, on_partition=None) -> dict:
        """Insert or replace, atomically, partitions already written as files in the store's
        columns (the set-based import's direct pass: `staged` lists (year, province, files)
        with one row per case number, the files under this store's root, e.g. `incoming()`).
        A partition the store does not hold yet takes its one file as it is (a rename); the
        others are merged as in `merge`. Nothing is visible before the manifest swap."""

        def place(key, old, target, counts, paths) -> bool:
            if not old and len(paths) == 1:
                counts["inserted"] += pq.ParquetFile(paths[0]).metadata.num_rows
                _take(paths[0], target)
                return True
            listed = ", ".join(f"'{_quote(str(path))}'" for path in paths)
            con.execute(
                "CREATE OR REPLACE TEMP VIEW _part AS SELECT * FROM "
                f"read_parquet([{listed}], hive_partitioning = false)"
            )
            return self._merge_part(con, old, key, target, counts)

        return self._replace(staged, len(staged), on_partition, place)

    def _merge_part(self, con, old, key: str, target: Path, counts: dict) -> bool:
        """The partition's new file from `_part` and its old file (False: nothing changes)."""
        source = self._partition_source(con, old, key, counts)
        if source is None:
            return False
        _write(con, source, target)
        return True

    def _replace(self, items, total, on_partition, place) -> dict:
        """The one swap of `merge` and `adopt`: for each (year, province, payload) item,
        `place(key, old file name, target, counts, payload)` writes the partition's new file
        to `target` (True) or leaves the partition as it is (False); one manifest swap
        publishes them all, and a failure removes every file written."""
        with self._locked():
            manifest = self.manifest()
            written: list[Path] = []
            try:
                counts = {"inserted": 0, "updated": 0, "unchanged": 0}
                files = dict(manifest["files"])
                token = secrets.token_hex(6)
                for done, (year, province, payload) in enumerate(items, start=1):
                    key = f"year={year}/province={province}"
                    target = self.root / "cases" / key / f"part-{token}.parquet"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    written.append(target)  # removed on failure, even half-written
                    if not place(key, files.get(key), target, counts, payload):
                        written.pop()
                        continue
                    files[key] = target.name
                    if on_partition is not None:
                        on_partition(done, total)
                if written:
                    self._publish(manifest, files)
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
        return counts

    def incoming(self) -> Path:
        """A fresh directory (not yet created) under the store's root for files that `adopt`
        will take: on the store's file system, so that taking one is a rename."""
        self.root.mkdir(parents=True, exist_ok=True)
        return self.root / f".incoming-{secrets.token_hex(6)}"

    def _partition_source(self, con, old: str | None, key: str, counts: dict) -> str | None:
        """The rows of the partition's new file as SQL over `_part` (None: nothing changes),
        counting its inserted, updated and unchanged rows."""
        if not old:
            counts["inserted"] += con.execute("SELECT count(*) FROM _part").fetchone()[0]
            return "SELECT * FROM _part"
        old_path = str(self.root / "cases" / key / old)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW _old AS SELECT * FROM read_parquet('{_quote(old_path)}')"
        )
        new_cols = ", ".join(f"n.{c}" for c in COLUMNS if c != "batch_id")
        old_cols = ", ".join(f"o.{c}" for c in COLUMNS if c != "batch_id")
        same, changed, total = con.execute(
            f"SELECT count(*) FILTER (WHERE ({new_cols}) IS NOT DISTINCT FROM ({old_cols})), "
            f"count(*) FILTER (WHERE o.case_number IS NOT NULL AND ({new_cols}) IS DISTINCT FROM "
            f"({old_cols})), count(*) FROM _part n LEFT JOIN _old o USING (case_number)"
        ).fetchone()
        counts["unchanged"] += same
        counts["updated"] += changed
        counts["inserted"] += total - same - changed
        if same == total:
            return None
        # Unchanged rows keep their old version (and batch) so a second run of the same file
        # leaves the store's content as it was.
        return (
            "SELECT * FROM _old WHERE case_number NOT IN (SELECT case_number FROM _part) "
            "UNION ALL SELECT * FROM _part n WHERE NOT EXISTS (SELECT 1 FROM _old o WHERE "
            f"o.case_number = n.case_number AND ({old_cols}) IS NOT DISTINCT FROM ({new_cols})) "
            "UNION ALL SELECT * FROM _old o WHERE EXISTS (SELECT 1 FROM _part n WHERE "
            f"o.case_number = n.case_number AND ({old_cols}) IS NOT DISTINCT FROM ({new_cols}))"
        )

    @staticmethod
    def _last_of_each(con) -> None:
        con.execute(
            "CREATE TEMP TABLE _new AS SELECT * EXCLUDE (_r) FROM ("
            " SELECT *, row_number() OVER (PARTITION BY case_number"
            "  ORDER BY _i DESC) AS _r FROM (SELECT *, row_number() OVER () AS _i"
            "  FROM _raw)) WHERE _r = 1"
        )
        con.execute("ALTER TABLE _new DROP COLUMN _i")

    def _publish(self, manifest: dict, files: dict) -> None:
        staged = self.root / f".manifest-{secrets.token_hex(4)}.json"
        staged.write_text(
            json.dumps({"version": manifest["version"] + 1, "files": files}, ensure_ascii=False),
            encoding="utf-8",
        )
        os.replace(staged, self.manifest_path)
        for key, name in manifest["files"].items():
            if files.get(key) != name:
                (self.root / "cases" / key / name).unlink(missing_ok=True)

    def write_partitions(self, tables: Iterable[pa.Table]) -> int:
        """Write whole partitions directly (the national demo and the bench: no upsert).
        Each table holds one (year, province); it replaces that partition."""
        total = 0
        with self._locked():
            manifest = self.manifest()
            files = dict(manifest["files"])
            token = secrets.token_hex(6)
            for table in tables:
                table = table.select(COLUMNS).cast(SCHEMA)
                year = table.column("year")[0].as_py()
                province = table.column("province")[0].as_py()
                key = f"year={year}/province={province}"
                target = self.root / "cases" / key / f"part-{token}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                pq.write_table(table, target, compression="zstd", row_group_size=256_000)
                files[key] = target.name
                total += table.num_rows
            self._publish(manifest, files)
        return total

    def sweep(self) -> int:
        """Delete files no manifest names (left by a crash between write and publish)."""
        current = {str(Path(p)) for p in self.files()}
        removed = 0
        for path in (self.root / "cases").rglob("*.parquet"):
            if str(path) not in current:
                path.unlink()
                removed += 1
        for path in self.root.glob(".incoming-*"):  # an import's direct pass, interrupted
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        return removed


def memory_connection(*, spill_to: Path | str | None = None, memory_limit: str | None = None):
    """A DuckDB connection of its own (the set-based import's checks and the store's writes),
    spilling to `spill_to` past `memory_limit`."""
    con = duckdb.connect()
    if spill_to is not None:
        con.execute(f"SET temp_directory = '{_quote(str(spill_to))}'")
    if memory_limit:
        con.execute(f"SET memory_limit = '{_quote(memory_limit)}'")
    return con


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _arrow(con, sql: str, params) -> pa.Table:
    # This DuckDB build warns that Arrow output of execute() copies the rows (one partition).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return con.execute(sql, params).to_arrow_table()


_DUCK_TYPES = {
    pa.string(): "VARCHAR",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.date32(): "DATE",
    pa.float64(): "DOUBLE",
}
TYPED = ", ".join(f"CAST({f.name} AS {_DUCK_TYPES[f.type]}) AS {f.name}" for f in SCHEMA)


# The store's files: zstd at level 1, the rows in the order they come. What costs in a write is
# Parquet's encoding, not the codec (1 M rows, CPU seconds: Snappy 3.5-3.7, zstd level 1
# 3.6-3.8, level 3 3.7-4.1; sizes 22, 17, 16 MB); sorting by court and filing date (as the
# store was before 2026-12-01) made the files smaller (the 5 M store: 60 MB against 110 MB in
# Snappy unsorted) but needs the whole partition sorted before a file can be written.
# bench/README.md, "2026-12-01: the direct pass".
WRITE_OPTIONS = "FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 256000"


def _take(path: Path, target: Path) -> None:
    """A partition file written by the import's direct pass becomes the store's (a rename)."""
    os.replace(path, target)


def _write(con, source: str, target: Path) -> None:
    """One partition file, written by DuckDB."""
    con.execute(
        f"COPY (SELECT {TYPED} FROM ({source})) TO '{_quote(str(target))}' ({WRITE_OPTIONS})"
    )


def store() -> CaseStore:
    return CaseStore()
