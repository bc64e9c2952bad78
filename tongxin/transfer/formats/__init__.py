"""Columns (columns.py: what a column of a sheet is) and the reading of their cells
(cells.py). The columns of each kind live with the app that declares the kind."""

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
    LIST,
    TEXT,
    Field,
)

__all__ = [
    "BOOL",
    "DATE",
    "DECIMAL",
    "ENUM",
    "LIST",
    "TEXT",
    "CellError",
    "Field",
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
