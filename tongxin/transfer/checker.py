"""What every row kind shares: reading the sheet into clean rows, rejects, the plan that a
preview shows and a commit carries out, duplicate keys, reach checks (the parent-chain checks of tree rows: `trees.py`).

A kind's checker (a `Checker` subclass, declared with the kind in its app's imports.py) looks
the rows up in the database in a few queries, checks them with the same rule functions as
the app's services, and lists EVERY fault of a row: the cells that cannot be read (found by
`parse`), the lookups that fail and the rules broken. A row whose cell cannot be read is
still looked up (without that cell) but never written.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.transfer.formats import CellError, choice_words, clean, match_headers, shown

HEADER_CHARS = 50  # a header is quoted (in rejects, on the page) at most this long
MAX_RAW = 1_000  # a rejected row's cells are kept, each at most this long, to be given back
IGNORED_SHOWN = 20  # unknown headers kept in the batch; the rest are only counted
CHUNK = 500  # values per IN (...) lookup: SQLite limits the parameters of one query


class ImportFileError(ApplicationError):
    """The file as a whole cannot be imported (not Excel, no header, missing columns...)."""


@dataclass
class Row:
    number: int  # the Excel row number
    values: dict  # field name → clean JSON value (None when the cell is empty or unreadable)
    faults: frozenset = frozenset()  # fields whose cell could not be read (the row is rejected)
    # field name → the cell as the file wrote it, as text: a rejected row is given back in
    # the file's own format to be fixed and imported again (services.rejects_file_response)
    raw: dict = field(default_factory=dict, compare=False)


@dataclass
class Planned:
    """An accepted row: what the commit will do with it."""

    row: Row
    key: tuple
    action: str = "create"  # create / change / unchanged
    target: object = None  # the existing record, if any
    changes: dict = field(default_factory=dict)  # model field → new value (unresolved refs)
    changed: list = field(default_factory=list)  # the headers of the changed columns
    label: str = ""
    extra: dict = field(default_factory=dict)  # kind-specific (parent ref, membership move...)

    def as_json(self) -> dict:
        return {
            "row": self.row.number,
            "values": self.row.values,
            "action": self.action,
            "changed": self.changed,
            "label": self.label,
        }


@dataclass
class Plan:
    rows: list  # Planned, in commit order
    rejects: list  # dicts: row, column, value, reason

    def count(self, action: str) -> int:
        return sum(1 for planned in self.rows if planned.action == action)

    @property
    def rejected_rows(self) -> int:
        return len({reject["row"] for reject in self.rejects})


@dataclass
class FileRef:
    """A parent given by another row of the same file.

    `row` is that row; `target` the record the database already holds under its key (None
    when only the file's row would create it). If the row is rejected, the parent falls
    back to `target` (see `Checker.parent_rejected`).
    """

    key: tuple
    row: Row | None = field(default=None, compare=False)
    target: object = field(default=None, compare=False)


def short(text: str, limit: int = HEADER_CHARS) -> str:
    """A header as the batch keeps and the page shows it: at most `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Sheet:
    """The header row of a sheet, matched against a kind's fields."""

    kind: object  # the ImportKind
    number: int  # the header's row number
    index: dict  # field name → column index
    columns: dict  # field name → the header as the file wrote it (shortened)
    ignored: list  # unknown headers (the first IGNORED_SHOWN, shortened)
    ignored_more: int  # how many more unknown headers there were

    def __post_init__(self):
        fields = {item.name: item for item in self.kind.fields}
        self._fields = {name: fields[name] for name in self.index}
        self._words = {n: choice_words(f) for n, f in self._fields.items() if f.choices}

    def row(self, number: int, cells) -> tuple[Row, list]:
        """One data row → (Row, rejects of its unreadable cells). Every cell is read; the
        row keeps the readable values and names the unreadable fields in `faults`."""
        values, faults, rejects, texts = {}, set(), [], {}
        for name, index in self.index.items():
            raw = cells[index] if index < len(cells) else None
            texts[name] = "" if raw is None else shown(raw, limit=MAX_RAW)
            try:
                values[name] = clean(self._fields[name], raw, self._words.get(name))
            except CellError as error:
                values[name] = None
                faults.add(name)
                text = self.columns[name]
                rejects.append(
                    {
                        "row": number,
                        "column": text,
                        "value": shown(raw),
                        "reason": str(error) % {"column": text, "value": shown(raw)},
                    }
                )
        row = Row(number=number, values=values, faults=frozenset(faults), raw=texts)
        return row, rejects


def read_header(kind, first) -> Sheet:
    """The sheet's first non-empty row `(number, cells)` (None: an empty sheet) as its header;
    ImportFileError when a required column is missing or a column is given twice."""
    if first is None:
        raise ImportFileError(_("The first sheet of this workbook is empty."))
    header_number, header_cells = first
    header = match_headers(kind, header_cells)
    if header.missing:
        raise ImportFileError(
            _("Required columns are missing from the header row (row %(row)d): %(columns)s.")
            % {
                "row": header_number,
                "columns": "、".join(f"{item.zh} ({item.en})" for item in header.missing),
            }
        )
    if header.repeated:
        repeated = [short(text) for text in header.repeated[:IGNORED_SHOWN]]
        if len(header.repeated) > IGNORED_SHOWN:
            repeated.append("…")
        raise ImportFileError(
            _("These columns appear more than once in the header row: %(columns)s.")
            % {"columns": "、".join(repeated)}
        )
    return Sheet(
        kind=kind,
        number=header_number,
        index={name: index for name, (index, _text) in header.columns.items()},
        columns={name: short(text) for name, (_index, text) in header.columns.items()},
        ignored=[short(text) for text in header.ignored[:IGNORED_SHOWN]],
        ignored_more=max(0, len(header.ignored) - IGNORED_SHOWN),
    )


def too_many_rows(limit: int) -> ImportFileError:
    return ImportFileError(
        _("The sheet has more than %(max)d rows; split it into smaller files.") % {"max": limit}
    )


def no_data() -> ImportFileError:
    return ImportFileError(_("The sheet has a header row but no data rows."))


def parse(kind, raw_rows: list, *, max_rows: int | None = None) -> tuple[Sheet, list, list]:
    """Header and data rows of a sheet → (sheet, rows, rejects of unreadable cells).

    Every row is returned, also those with unreadable cells (their `faults`), so that the
    checker can report a row's other faults with them.
    """
    max_rows = max_rows or kind.row_limit
    sheet = read_header(kind, raw_rows[0] if raw_rows else None)
    data = raw_rows[1:]
    if not data:
        raise no_data()
    if len(data) > max_rows:
        raise too_many_rows(max_rows)
    rows, rejects = [], []
    for number, cells in data:
        row, faults = sheet.row(number, cells)
        rows.append(row)
        rejects.extend(faults)
    return sheet, rows, rejects


def in_chunks(make_queryset, values) -> list:
    """Run make_queryset(chunk) for chunks of values; a few queries however long the file."""
    values = sorted({value for value in values if value not in (None, "")}, key=str)
    found = []
    for start in range(0, len(values), CHUNK):
        found.extend(make_queryset(values[start : start + CHUNK]))
    return found


def as_date(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def as_decimal(value) -> decimal.Decimal | None:
    return decimal.Decimal(value) if value is not None else None


class Checker:
    """Validates clean rows against the database for one user; subclasses per kind implement
    `run(rows) -> Plan` (through `check`) and `apply(plan, actor=)`, the commit hook.

    A kind whose rows depend on no other row of the file but through their key (people: no
    parent rows) sets `chunked = True` and names its key's fields in `file_key`: the import
    then checks and commits the file a chunk at a time (a new checker per chunk, so memory
    does not grow with the file), after one pass over the keys, whose repeats it gives the
    checker as `file_duplicates` (`unique` rejects them with every row of the file). Other
    kinds (trees of courts and organisations) get the whole file at once.

    At commit the import sets `for_commit` (lookups may lock the rows they will change) and
    `audit`, a `tongxin.core.audit.BulkAudit` whose one entry covers the batch, for kinds
    that write in bulk (row kinds writing through services are audited by them).
    """

    chunked = False
    file_key: tuple = ()

    def __init__(self, *, user, columns: dict, kind, today: datetime.date | None = None):
        self.file_duplicates: dict = {}  # key → every row number of the file holding it
        # A memo the import shares between the chunks of one file (and of its commit): what
        # the rows refer to and no import changes (courts, departments...) is looked up once.
        self.shared: dict = {}
        self.for_commit = False
        self.audit = None
        self.user = user
        self.scope = scope_for(user)
        self.columns = columns
        self.kind = kind
        self.today = today or timezone.localdate()
        self.rejects: list[dict] = []
        self.bad: set[int] = set()  # rows rejected by a check
        self.faulty: set[int] = set()  # rows with a cell that could not be read
        self.progress = None  # a callable(done, total) the commit may set
        self._by_id: dict = {}  # record id → key of its row in the file (see reject_cycles)
        self._import_paths = self.scope.court_paths(Perm.IMPORT_RUN)
        self._change_paths = self.scope.court_paths(kind.permission)

    def check(self, rows: list) -> Plan:
        """Check the rows (those with unreadable cells too, for their other faults)."""
        self.faulty = {row.number for row in rows if row.faults}
        return self.run(rows)

    def run(self, rows: list) -> Plan:  # pragma: no cover - every kind has its own
        raise NotImplementedError

    def apply(self, plan: Plan, *, actor) -> None:  # pragma: no cover
        raise NotImplementedError

    # Reporting -------------------------------------------------------------------------

    def header(self, name: str) -> str:
        if name in self.columns:
            return self.columns[name]
        return self.kind.field(name).zh

    def reject(self, row: Row, name: str, message: str, value=None, **params) -> None:
        """Reject a row; `message` may use %(column)s and %(value)s (the cell as written)."""
        value = row.values.get(name) if value is None else value
        if isinstance(value, list):
            value = "、".join(value)
        if isinstance(value, bool):
            value = "是" if value else "否"
        column = self.header(name)
        self.rejects.append(
            {
                "row": row.number,
                "column": column,
                "value": shown(value) if value is not None else "",
                "reason": message
                % {"column": column, "value": shown(value if value is not None else ""), **params},
            }
        )
        self.bad.add(row.number)

    def reject_problems(self, row: Row, problems, columns: dict | None = None) -> bool:
        """Reject the row for each (field, reason) a rule function found; `columns` maps the
        rule's field names to the kind's where they differ. True if there was none."""
        for name, reason in problems:
            name = (columns or {}).get(name, name)
            value = row.values.get(name)
            if value in (None, "", []):
                self.reject(row, name, _("%(column)s: %(reason)s"), value="", reason=reason)
            else:
                self.reject(row, name, _("%(column)s “%(value)s”: %(reason)s"), reason=reason)
        return not problems

    def ok(self, row: Row) -> bool:
        """True if nothing rejects the row (it will be written)."""
        return row.number not in self.bad and row.number not in self.faulty

    def alive(self, row: Row) -> bool:
        """True if no check has rejected the row yet: it is still looked up and checked,
        even with unreadable cells, so that all its faults are listed together."""
        return row.number not in self.bad

    def readable(self, row: Row, *names: str) -> bool:
        """True if none of these cells was unreadable."""
        return not row.faults.intersection(names)

    def require(self, row: Row, *names: str) -> bool:
        """Reject the row for each empty required cell; True if all are filled. A cell that
        could not be read has been reported already."""
        filled = True
        for name in names:
            if name in row.faults:
                filled = False
            elif row.values.get(name) in (None, "", []):
                self.reject(row, name, _("%(column)s is required."), value="")
                filled = False
        return filled

    # Keys and scope --------------------------------------------------------------------

    def unique(self, rows: list, key_of, name: str, key_fields: tuple = ()) -> dict:
        """Rows by key; rows sharing a key are all rejected (which one is right is unknown).
        Rows already rejected, or whose key cells could not be read, have no key."""
        groups = defaultdict(list)
        for row in rows:
            if self.alive(row) and self.readable(row, *key_fields):
                groups[key_of(row)].append(row)
        result = {}
        for key, group in groups.items():
            repeated = self.file_duplicates.get(key)  # rows of other chunks of the file too
            if len(group) == 1 and not repeated:
                result[key] = group[0]
                continue
            numbers = ", ".join(str(n) for n in (repeated or [row.number for row in group]))
            for row in group:
                self.reject(
                    row,
                    name,
                    _(
                        "%(column)s: “%(value)s” appears more than once in this file (rows %(rows)s)."
                    ),
                    rows=numbers,
                )
        return result

    def reaches(self, court) -> bool:
        """True if the user may import into this court for this kind of record."""
        return any(court.path.startswith(p) for p in self._import_paths) and any(
            court.path.startswith(p) for p in self._change_paths
        )

    def reject_reach(self, row: Row, name: str, court) -> None:
        self.reject(
            row,
            name,
            _("%(column)s: court %(court)s is outside your reach; you cannot import into it."),
            value=row.values.get(name) or court.code or court.name_zh,
            court=court.name_zh,
        )

    def finish(self, planned_in_order: list) -> Plan:
        rows = [p for p in planned_in_order if self.ok(p.row)]
        for item in rows:
            if item.target is None:
                item.action = "create"
            elif item.changed:
                item.action = "change"
            else:
                item.action = "unchanged"
        self.rejects.sort(key=lambda r: r["row"])
        return Plan(rows=rows, rejects=self.rejects)

    def each(self, plan: Plan):
        """The plan's rows, remembering which one is being written (to report a failure) and
        telling `self.progress(done, total)`, if set, how far the commit has come."""
        total = len(plan.rows)
        for done, item in enumerate(plan.rows):
            self.current = item
            if self.progress is not None:
                self.progress(done, total)
            yield item
        if self.progress is not None:
            self.progress(total, total)

    def note_change(self, item: Planned, name: str, attr: str, new, old) -> None:
        """Record a change of one field if the new value differs from the stored one."""
        if new != old:
            item.changes[attr] = new
            header = self.header(name)
            if header not in item.changed:
                item.changed.append(header)
