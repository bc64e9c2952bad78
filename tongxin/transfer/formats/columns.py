"""What a column of an import sheet is (data only): its header names, type and accepted values.

The columns of each kind are declared by the app that owns the data (its `imports.py`).
Each column has a Chinese header (the template's), an English header, and aliases (the
headers the list exports write, in either language), all matched ignoring case and
whitespace. Enumerations accept the code, the English label and Chinese words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT, DATE, ENUM, BOOL, DECIMAL, LIST = "text", "date", "enum", "bool", "decimal", "list"


@dataclass(frozen=True)
class Field:
    name: str
    zh: str  # the template's header
    en: str  # the English header
    type: str = TEXT
    required: bool = False  # the header must be present
    max_length: int = 100
    choices: type | None = None  # a TextChoices class
    words: dict = field(default_factory=dict)  # code → Chinese words accepted
    aliases: tuple = ()  # further headers (the exports' column names, lazily translated)
    example: str = ""
    note: object = ""  # a lazy string for the instructions sheet and the docs
