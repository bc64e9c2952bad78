"""The import formats (columns.py: what each kind's sheet holds) and the reading of their
cells (cells.py)."""

from tongxin.transfer.formats.cells import (
    CellError,
    Header,
    accepted_values,
    choice_words,
    clean,
    header_names,
    match_headers,
    norm,
    parse_date,
    shown,
)
from tongxin.transfer.formats.columns import (
    BOOL,
    DATE,
    DECIMAL,
    ENUM,
    FORMATS,
    LIST,
    TEMPLATE_NAMES,
    TEXT,
    Field,
    Format,
)

__all__ = [
    "BOOL",
    "DATE",
    "DECIMAL",
    "ENUM",
    "FORMATS",
    "LIST",
    "TEMPLATE_NAMES",
    "TEXT",
    "CellError",
    "Field",
    "Format",
    "Header",
    "accepted_values",
    "choice_words",
    "clean",
    "header_names",
    "match_headers",
    "norm",
    "parse_date",
    "shown",
]
