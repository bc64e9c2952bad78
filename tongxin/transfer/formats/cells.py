"""Reading a sheet's header row and cells: header matching, and the conversion of one cell
into a clean, JSON-ready value (or a CellError whose message names column and value)."""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from tongxin.transfer.formats.columns import BOOL, DATE, DECIMAL, ENUM, LIST, Field

# Header and value matching ---------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000]+")


def norm(text) -> str:
    """Compare headers and words ignoring case, whitespace and required-marks (*)."""
    return _SPACES.sub("", str(text)).replace("*", "").replace("＊", "").casefold()


def _in_languages(text) -> set[str]:
    """A lazy string in every language of the product (catalog translations included)."""
    found = {str(text)}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            found.add(str(text))
    return found


def header_names(item: Field) -> set[str]:
    names = {item.zh, item.en, item.name}
    for alias in item.aliases:
        names |= _in_languages(alias)
    return {norm(name) for name in names}


@dataclass
class Header:
    columns: dict  # field name → (index, header as written)
    missing: list  # required fields whose header is missing
    ignored: list  # headers that match no field
    repeated: list  # headers given twice


def match_headers(fmt, cells) -> Header:
    """Match a header row against the fields of `fmt` (an ImportKind)."""
    lookup = {}
    for item in fmt.fields:
        for name in header_names(item):
            lookup.setdefault(name, item)
    columns, ignored, repeated = {}, [], []
    for index, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        text = str(cell).strip()
        item = lookup.get(norm(text))
        if item is None:
            ignored.append(text)
        elif item.name in columns:
            repeated.append(text)
        else:
            columns[item.name] = (index, text)
    missing = [item for item in fmt.fields if item.required and item.name not in columns]
    return Header(columns=columns, missing=missing, ignored=ignored, repeated=repeated)


def choice_words(item: Field) -> dict[str, str]:
    """Every accepted spelling (normalised) → code."""
    words = {}
    for code, label in item.choices.choices:
        for spelling in (code, *_in_languages(label), *item.words.get(code, ())):
            if spelling:
                words.setdefault(norm(spelling), code)
    for code, spellings in item.words.items():
        for spelling in spellings:
            words.setdefault(norm(spelling), code)
    return words


def accepted_values(item: Field, *, aliases: bool = False) -> str:
    """How error messages list an enumeration: 基层人民法院 (basic)、... (per code its first
    Chinese word); with aliases, as the instructions sheet does, every Chinese word:
    基层人民法院/基层法院 (basic)、..."""
    parts = []
    for code, _label in item.choices.choices:
        words = item.words.get(code) or ("",)
        word = "/".join(words) if aliases else words[0]
        parts.append(f"{word} ({code})" if code else word)
    return "、".join(parts)


# Cell conversion ------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message names the column and the value."""


def shown(value, limit: int = 40) -> str:
    """A cell value as an error message quotes it (shortened)."""
    if isinstance(value, datetime.datetime) and not (value.hour or value.minute or value.second):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if not value.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    # Our exports prefix = + - @ with an apostrophe so Excel does not run them as formulas.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


_DATE_PATTERNS = (
    re.compile(
        r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
    ),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_FIRST_DAY, _LAST_DAY = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def parse_date(value) -> datetime.date | None:
    """A date from an Excel date cell, a serial number or text like 2024-01-05, 2024/1/5,
    2024年1月5日 or 20240105; None for an empty cell; CellError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    result = None
    if isinstance(value, datetime.datetime):
        result = value.date()
    elif isinstance(value, datetime.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, int) and 19000101 <= value <= 21001231:
            return parse_date(str(value))
        if 1 <= value < 80000:
            from openpyxl.utils.datetime import from_excel

            result = from_excel(value).date()
    else:
        text = _text(value)
        for pattern in _DATE_PATTERNS:
            match = pattern.match(text)
            if match:
                try:
                    result = datetime.date(*(int(part) for part in match.groups()))
                except ValueError:
                    result = None
                break
    if result is None or not _FIRST_DAY <= result <= _LAST_DAY:
        raise CellError("date")
    return result


_TRUE = {norm(w) for w in ("是", "yes", "y", "true", "1", "√", "✓", "有")}
_FALSE = {norm(w) for w in ("否", "no", "n", "false", "0", "×", "无", "不是")}
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")


def clean(item: Field, value, words: dict | None = None):
    """The JSON-ready value of one cell (None when empty); CellError with a reason otherwise."""
    if item.type == DATE:
        try:
            parsed = parse_date(value)
        except CellError:
            raise CellError(
                _("%(column)s: “%(value)s” is not a date; write it as 2024-01-05.")
            ) from None
        return parsed.isoformat() if parsed else None
    if isinstance(value, bool) and item.type == BOOL:
        return value
    text = _text(value)
    if not text:
        return None
    if item.type == BOOL:
        key = norm(text)
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise CellError(_("%(column)s: “%(value)s” is not yes or no; write 是 or 否."))
    if item.type == ENUM:
        code = (words or choice_words(item)).get(norm(text))
        if code is None:
            raise CellError(
                _("%(column)s: unknown value “%(value)s”; use one of %(accepted)s.")
                % {"column": "%(column)s", "value": "%(value)s", "accepted": accepted_values(item)}
            )
        return code
    if item.type == DECIMAL:
        try:
            amount = decimal.Decimal(text.replace(",", "").replace("¥", "").replace("元", ""))
        except decimal.InvalidOperation:
            raise CellError(_("%(column)s: “%(value)s” is not a number.")) from None
        if not amount.is_finite() or amount < 0 or amount >= 10**8:
            raise CellError(_("%(column)s: “%(value)s” must be a number between 0 and 99,999,999."))
        return str(amount.quantize(decimal.Decimal("0.01")))
    if len(text) > item.max_length:
        raise CellError(
            _("%(column)s: “%(value)s” is longer than %(max)d characters.")
            % {"column": "%(column)s", "value": "%(value)s", "max": item.max_length}
        )
    if item.type == LIST:
        names = []
        for part in _LIST_SPLIT.split(text):
            if part.strip() and part.strip() not in names:
                names.append(part.strip())
        return names
    return text
