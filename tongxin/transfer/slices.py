"""The checked rows of an import batch, a slice of the file each (`ImportChunk`): read,
checked by the kind (row checker or bulk), written in file order with their rejects and
the rejected rows' cells."""

from __future__ import annotations

import pickle
import tempfile
from collections import Counter, defaultdict

from tongxin.transfer import registry
from tongxin.transfer.checker import Plan, Row, no_data, too_many_rows
from tongxin.transfer.formats import shown
from tongxin.transfer.models import ImportBatch, ImportChunk

CHUNK_ROWS = 1_000  # rows of the file per chunk of a row kind (checked, spooled, committed)
PARSED_BLOCK = 1_000  # parsed rows per block of the temporary spool


# Chunks: the checked rows of a batch, a slice of the file each ------------------------------


class _Slices:
    """Writes a batch's chunks in file order, one per `size` rows of the file, each with its
    accepted rows and its rejects, and counts them. `guard()` runs before each write (the
    background check's lease)."""

    def __init__(self, batch: ImportBatch, size: int, guard=None):
        self.batch, self.size, self.guard = batch, size, guard
        self.seq = 0
        self.counts: Counter = Counter()  # create / change / unchanged / rejected (rows)
        self._reset()

    def _reset(self) -> None:
        self.rows: list = []
        self.rejects: list = []
        self.raw: dict = {}  # row number (text) → a rejected row's cells as the file wrote them
        self.numbers = 0
        self.first = self.last = 0
        self.rejected = 0

    def add(self, number: int, accepted: dict | None, rejects: list, raw=None) -> None:
        """One row of the file: accepted (its JSON) or rejected (its rejects, and its cells
        as the file wrote them: `raw`)."""
        if not self.numbers:
            self.first = number
        self.last = number
        self.numbers += 1
        if rejects:
            self.rejects.extend(rejects)
            if raw:
                self.raw[str(number)] = raw
            self.rejected += 1
            self.counts["rejected"] += 1
        elif accepted is not None:
            self.rows.append(accepted)
            self.counts[accepted["action"]] += 1
        if self.numbers >= self.size:
            self.flush()

    def add_plan(self, plan: Plan, cell_rejects: list, rows: list) -> None:
        """The `rows` of the file, checked: `plan` and the rejects of their unreadable
        cells."""
        accepted = {item.row.number: item.as_json() for item in plan.rows}
        rejects = defaultdict(list)
        for reject in sorted(cell_rejects + plan.rejects, key=lambda r: r["row"]):
            rejects[reject["row"]].append(reject)
        for row in sorted(rows, key=lambda r: r.number):
            self.add(row.number, accepted.get(row.number), rejects.get(row.number, []), row.raw)

    def flush(self) -> None:
        if not self.numbers:
            return
        if self.guard is not None:
            self.guard()
        ImportChunk.objects.create(
            batch=self.batch,
            seq=self.seq,
            first_row=self.first,
            last_row=self.last,
            writes=_writes(self.rows),
            rejected=self.rejected,
            rows=self.rows,
            rejects=self.rejects,
            raw=self.raw,
        )
        self.seq += 1
        self._reset()

    def store_counts(self, batch: ImportBatch) -> None:
        batch.created_count = self.counts["create"]
        batch.changed_count = self.counts["change"]
        batch.unchanged_count = self.counts["unchanged"]
        batch.rejected_count = self.counts["rejected"]


def _writes(rows: list) -> int:
    return sum(1 for row in rows if row["action"] != "unchanged")


class _Parsed:
    """The data rows of a sheet as read (each `Row` with the rejects of its unreadable cells),
    spooled to a temporary file a block at a time, so that memory holds a block, not the
    file; the rows' keys (`key_fields`) are counted on the way, to find those the file
    repeats (a chunked checker rejects them with every row that holds them)."""

    def __init__(self, key_fields: tuple = ()):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.key_fields = key_fields
        self.block: list = []
        self.count = 0
        self.keys: dict = {}  # key → its first row number, or a list once repeated

    def add(self, row: Row, rejects: list) -> None:
        self.count += 1
        self.block.append((row, rejects))
        if self.key_fields and not row.faults.intersection(self.key_fields):
            key = tuple(row.values.get(name) for name in self.key_fields)
            if all(value not in (None, "", []) for value in key):
                seen = self.keys.get(key)
                if seen is None:
                    self.keys[key] = row.number
                elif isinstance(seen, list):
                    seen.append(row.number)
                else:
                    self.keys[key] = [seen, row.number]
        if len(self.block) >= PARSED_BLOCK:
            pickle.dump(self.block, self.file, pickle.HIGHEST_PROTOCOL)
            self.block = []

    def duplicates(self) -> dict:
        return {key: numbers for key, numbers in self.keys.items() if isinstance(numbers, list)}

    def blocks(self, size: int):
        """The rows in file order, in lists of `size` (row, rejects)."""
        if self.block:
            pickle.dump(self.block, self.file, pickle.HIGHEST_PROTOCOL)
            self.block = []
        self.keys = {}
        self.file.seek(0)
        pending: list = []
        while True:
            try:
                pending.extend(pickle.load(self.file))  # noqa: S301 (our own temporary file)
            except EOFError:
                break
            while len(pending) >= size:
                yield pending[:size]
                pending = pending[size:]
        if pending:
            yield pending

    def close(self) -> None:
        self.file.close()


def _check_into(batch, kind, sheet, rows, *, actor, guard=None, read=None, check=None) -> None:
    """Read the data rows of a sheet (after its header), check them and write the batch's
    chunks and counts (the batch itself is not saved). `read(done)` and `check(done, total)`
    report progress; `guard()` runs before each chunk is written."""
    limit_rows = kind.row_limit
    if kind.is_bulk:
        return _check_bulk(batch, kind, sheet, rows, actor=actor, guard=guard, read=read)
    checker_class = kind.checker
    parsed = _Parsed(checker_class.file_key if checker_class.chunked else ())
    slices = _Slices(batch, CHUNK_ROWS, guard)
    try:
        for count, (number, cells) in enumerate(rows, start=1):
            if count > limit_rows:
                raise too_many_rows(limit_rows)
            parsed.add(*sheet.row(number, cells))
            if read is not None:
                read(count)
        if not parsed.count:
            raise no_data()
        total = parsed.count
        if checker_class.chunked:
            duplicates, shared, done = parsed.duplicates(), {}, 0
            for block in parsed.blocks(CHUNK_ROWS):
                checker = checker_class(user=actor, columns=sheet.columns, kind=kind)
                checker.file_duplicates, checker.shared = duplicates, shared
                _check_block(checker, block, slices)
                done += len(block)
                if check is not None:
                    check(done, total)
        else:
            block = [item for part in parsed.blocks(CHUNK_ROWS) for item in part]
            _check_block(checker_class(user=actor, columns=sheet.columns, kind=kind), block, slices)
            if check is not None:
                check(total, total)
        slices.flush()
    finally:
        parsed.close()
    slices.store_counts(batch)


def _check_block(checker, block: list, slices: _Slices) -> None:
    rows = [row for row, _faults in block]
    plan = checker.check(rows)
    slices.add_plan(plan, [r for _row, faults in block for r in faults], rows)


def _check_bulk(batch, kind, sheet, rows, *, actor, guard=None, read=None) -> None:
    """A bulk kind's rows: checked by the kind (`bulk.check`) a chunk of BULK_CHUNK at a
    time; every accepted row counts as one to create."""
    limit_rows, size = kind.row_limit, registry.BULK_CHUNK
    slices = _Slices(batch, size, guard)
    chunk: list = []
    faults: dict = defaultdict(list)

    def flush() -> None:
        problems = kind.bulk.check([r for r in chunk if not r.faults], actor=actor)
        for row in chunk:
            found = faults.get(row.number, []) + [
                _bulk_problem(kind, sheet, row, name, reason)
                for name, reason in problems.get(row.number, ())
            ]
            accepted = None
            if not found:
                label = " · ".join(str(v) for v in list(row.values.values())[:2] if v)
                accepted = {
                    "row": row.number,
                    "values": row.values,
                    "action": "create",
                    "changed": [],
                    "label": label,
                }
            slices.add(row.number, accepted, found, row.raw)
        chunk.clear()
        faults.clear()

    seen = 0
    for seen, (number, cells) in enumerate(rows, start=1):
        if seen > limit_rows:
            raise too_many_rows(limit_rows)
        row, cell_faults = sheet.row(number, cells)
        chunk.append(row)
        for reject in cell_faults:
            faults[reject["row"]].append(reject)
        if read is not None:
            read(seen)
        if len(chunk) >= size:
            flush()
    if chunk:
        flush()
    if not seen:
        raise no_data()
    slices.flush()
    slices.store_counts(batch)


def _bulk_problem(kind, sheet, row: Row, name: str, reason: str) -> dict:
    column = sheet.columns.get(name) or kind.field(name).zh
    value = row.values.get(name)
    return {
        "row": row.number,
        "column": column,
        "value": shown(value) if value is not None else "",
        "reason": f"{column}: {reason}",
    }


def _rewrite(chunk: ImportChunk, plan: Plan | None, counts: Counter) -> int:
    """One chunk after a re-check: its rows still accepted, its rejects with the new ones
    (in file order); the number of its rows newly rejected."""
    newly = 0
    if plan is not None:
        numbers = {row["row"] for row in chunk.rows}
        accepted = {item.row.number: item.as_json() for item in plan.rows}
        fresh = [r for r in plan.rejects if r["row"] in numbers]
        newly = len({r["row"] for r in fresh})
        refused = {r["row"] for r in fresh}
        for row in chunk.rows:  # their cells, from the clean values the preview kept
            if row["row"] in refused:
                chunk.raw[str(row["row"])] = {
                    name: "" if value is None else str(value)
                    for name, value in row["values"].items()
                }
        chunk.rows = [accepted[row["row"]] for row in chunk.rows if row["row"] in accepted]
        chunk.rejects = sorted(chunk.rejects + fresh, key=lambda r: r["row"])
        chunk.rejected = len({r["row"] for r in chunk.rejects})
        chunk.writes = _writes(chunk.rows)
        chunk.save(update_fields=["rows", "rejects", "rejected", "writes"])
    for row in chunk.rows:
        counts[row["action"]] += 1
    counts["rejected"] += chunk.rejected
    return newly
