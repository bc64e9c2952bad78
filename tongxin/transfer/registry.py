"""The import kinds: each domain app declares its own, the import app runs them all.

A kind is declared by the app that owns its data, in that app's `imports.py` (a module or a
package), which the import app imports when Django starts (`autodiscover`, called from
`TransferConfig.ready`):

    from tongxin.transfer.registry import ImportKind, register

    register(ImportKind(
        name="people",                       # the URL slug and ImportBatch.kind
        label=gettext_lazy("People"),
        description=gettext_lazy("Staff ..., matched by court code and staff number."),
        fields=PERSON_FIELDS,                 # tongxin.transfer.formats.Field, in sheet order
        permission=Perm.PERSON_CHANGE,        # needed besides import.run, where rows land
        template_name="人员导入模板.xlsx",      # the template download's file name
        checker=PersonChecker,                # a row kind: see below
    ))

The import app keeps only what every kind shares: the upload, the reading of the sheet
(headers, cells), the preview with its rejects, the claim, the commit in the background with
its progress and lease, the rejects download and the cancel. It knows no domain model.

A kind is one of two shapes:

**Row kind** (`checker=`): a `tongxin.transfer.checker.Checker` subclass. `run(rows)` checks
the clean rows against the database and returns a `Plan` (each accepted row: create, change
or unchanged; every rejected one with its reasons); its commit hook `apply(plan, actor=)`
writes the rows, through the app's services (each change audited by them) or in bulk (the
changes audited under the batch's one entry, `checker.audit`). The accepted rows are
spooled to the batch's chunks, checked again at commit, and written in one transaction. A
checker whose rows depend on each other only through their key (`chunked = True`, see
`Checker`) is run a chunk at a time, so its memory does not grow with the file.

**Bulk kind** (`bulk=`): an object with two methods, for data without a per-row service
(the case import writes millions of rows to a columnar store):

    check(rows: list[Row], *, actor) -> dict[int, list[tuple[str, str]]]
        One chunk of clean rows (`BULK_CHUNK` at most, so lookups are one query per chunk);
        returns, per rejected row number, its problems as (field name, reason). Rows not
        named are accepted.
    commit(rows: Iterator[dict], *, actor, batch_id: int, total: int,
           progress: Callable[[int], None]) -> None
        Writes every accepted row (their clean values, in file order) itself, calling
        `progress(done)` as it goes. Raising ApplicationError fails the batch with that
        reason. It runs inside the batch's database transaction: database writes are all or
        nothing with the batch; a store outside the database must make its own writes
        atomic (e.g. write a staging part named after `batch_id`, publish it at the end).

The file of a bulk kind is read as a stream (never held whole), its accepted rows are spooled
to the database in chunks (`ImportChunk`), not kept in the batch, and every accepted row
counts as one to create.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

# Data rows per file. A kind checked whole (trees: courts, organisations) holds the file's rows
# in memory, about 2 KB each: 100,000 rows stay within a few hundred megabytes. A chunked or
# bulk kind holds one chunk; its bound is the file's (IMPORT_MAX_BYTES, the unpacked bounds):
# 500,000 rows is more than the country's staff (~370,000) in one file. docs/import-formats.md
MAX_ROWS = 100_000
MAX_ROWS_CHUNKED = 500_000
BULK_CHUNK = 2_000  # rows per bulk check and per spooled chunk

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


class BulkImport(Protocol):
    """The interface of a bulk kind (see the module docstring)."""

    def check(self, rows: list, *, actor) -> dict[int, list[tuple[str, str]]]: ...

    def commit(
        self,
        rows: Iterator[dict],
        *,
        actor,
        batch_id: int,
        total: int,
        progress: Callable[[int], None],
    ) -> None: ...


@dataclass(frozen=True, eq=False)
class ImportKind:
    name: str
    label: object  # a lazy string
    description: object  # a lazy string
    fields: tuple  # tongxin.transfer.formats.Field, in the template's order
    permission: str  # the write permission the rows need besides IMPORT_RUN
    template_name: str  # the file name of the template download
    checker: type | None = None  # row kind: a Checker subclass (run → Plan, apply)
    bulk: BulkImport | None = None  # bulk kind: check chunks, commit an iterator of rows
    max_rows: int | None = None  # data rows per file; None: MAX_ROWS or MAX_ROWS_CHUNKED
    order: int = 100  # position on the import page
    # reads a file as (row number, cells) with the header as row 1; None: .xlsx only
    # (tongxin.lib.excel.iter_rows). The case import also reads CSV and Parquet.
    reader: Callable | None = None

    def __post_init__(self):
        if not _NAME.match(self.name):
            raise ImproperlyConfigured(f"import kind name {self.name!r}: a-z, 0-9, - and _")
        if (self.checker is None) == (self.bulk is None):
            raise ImproperlyConfigured(f"import kind {self.name!r}: give a checker or a bulk")
        names = [item.name for item in self.fields]
        if not names or len(names) != len(set(names)):
            raise ImproperlyConfigured(f"import kind {self.name!r}: fields empty or repeated")

    @property
    def is_bulk(self) -> bool:
        return self.bulk is not None

    @property
    def is_chunked(self) -> bool:
        """Checked and committed a chunk at a time (a bulk kind, or a chunked checker)."""
        return self.is_bulk or bool(getattr(self.checker, "chunked", False))

    @property
    def row_limit(self) -> int:
        if self.max_rows:
            return self.max_rows
        return MAX_ROWS_CHUNKED if self.is_chunked else MAX_ROWS

    def field(self, name: str):
        return next(item for item in self.fields if item.name == name)

    def __str__(self) -> str:
        return str(self.label)


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    """Declare an import kind (once per name)."""
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ImproperlyConfigured(f"import kind {kind.name!r} is registered twice")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove a kind (tests register kinds of their own)."""
    _KINDS.pop(name, None)


def get(name) -> ImportKind | None:
    return _KINDS.get(name) if isinstance(name, str) else None


def kinds() -> list[ImportKind]:
    """Every registered kind, in page order."""
    return sorted(_KINDS.values(), key=lambda kind: (kind.order, kind.name))


def choices() -> list[tuple[str, object]]:
    return [(kind.name, kind.label) for kind in kinds()]


def autodiscover() -> None:
    """Import every installed app's `imports` module, which registers its kinds."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("imports")
