"""Case numbers (案号): parse, validate, normalise, and the national case-type table.

Format (../shared/docs/case-numbers.md 2.1, 2.5): "(" year ")" court-code ["知"] type-code
serial "号" ["之一"...]. Any of （ ( 〔 [ 【 opens the year and any of ） ) 〕 ] 】 closes it;
full-width digits and spaces are accepted. The type code is matched longest first (执恢
before 执). `canonical()` is the key the store keeps: half-width brackets, no spaces,
e.g. "(2024)京0105民初12345号".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).parent / "data" / "case_types.csv"

PROVINCES = "京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云藏陕甘青宁新兵军"

# Statutory limits in days (domain.md section 9), by case-type code and procedure.
ORDINARY, SIMPLE, SMALL_CLAIMS = "ordinary", "simple", "small_claims"


@dataclass(frozen=True)
class CaseType:
    code: str
    name_zh: str
    name_en: str
    category: str  # civil, criminal, administrative, enforcement, ...
    stage: str  # first_instance, second_instance, retrial_review, retrial, ...


@cache
def case_types() -> dict[str, CaseType]:
    with open(_DATA, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["stage"] != "prefix"]
    return {
        row["code"]: CaseType(
            row["code"], row["name_zh"], row["name_en"], row["category"], row["stage"]
        )
        for row in rows
    }


# Python's \s (str.isspace) spelled out, and ASCII digits only: the same pattern text runs in
# Python's re and in DuckDB's RE2 (the set-based import, tongxin/trial/fastimport.py).
SPACE_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)
SPACES = "[" + SPACE_CHARS + "]"
WIDE_FROM, WIDE_TO = "０１２３４５６７８９（）［］－", "0123456789()[]-"
GROUPS = ("year", "court", "special", "type", "serial", "suffix")  # in pattern order
_WIDE = str.maketrans(WIDE_FROM, WIDE_TO)


@cache
def pattern_source() -> str:
    codes = sorted(case_types(), key=len, reverse=True)
    return (
        r"^[(〔\[【](?P<year>(?:19|20)[0-9]{2})[)〕\]】]"
        rf"(?P<court>最高法|[{PROVINCES}](?:[0-9]{{4}}|[0-9]{{2}})?)"
        r"(?P<special>知)?"
        rf"(?P<type>{'|'.join(map(re.escape, codes))})"
        r"(?P<serial>[0-9]{1,8})号(?P<suffix>之[一二三四五六七八九十]+)?$"
    )


@cache
def _pattern() -> re.Pattern:
    return re.compile(pattern_source())


class CaseNumberError(ValueError):
    pass


@dataclass(frozen=True)
class CaseNumber:
    year: int
    court: str
    special: str
    type_code: str
    serial: int
    suffix: str = ""

    @property
    def province(self) -> str:
        return "最高法" if self.court == "最高法" else self.court[0]

    @property
    def case_type(self) -> CaseType:
        return case_types()[self.type_code]

    def canonical(self) -> str:
        return (
            f"({self.year}){self.court}{self.special}{self.type_code}{self.serial}号{self.suffix}"
        )

    def display(self) -> str:
        return "（" + self.canonical()[1:].replace(")", "）", 1)

    def __str__(self) -> str:
        return self.canonical()


def _squeeze(text: str) -> str:
    return re.sub(SPACES + "+", "", str(text).translate(_WIDE))


def parse(text) -> CaseNumber:
    """The parts of a case number, or CaseNumberError with what is wrong."""
    if text is None or not str(text).strip():
        raise CaseNumberError("empty")
    match = _pattern().match(_squeeze(text))
    if match is None:
        raise CaseNumberError(str(text))
    serial = int(match["serial"])
    if serial == 0:
        raise CaseNumberError(str(text))
    return CaseNumber(
        year=int(match["year"]),
        court=match["court"],
        special=match["special"] or "",
        type_code=match["type"],
        serial=serial,
        suffix=match["suffix"] or "",
    )


def canonical(text) -> str | None:
    """The store's key of a case number, or None when it does not parse."""
    try:
        return parse(text).canonical()
    except CaseNumberError:
        return None


def statutory_limit(type_code: str, procedure: str = ORDINARY) -> int | None:
    """Days from filing (domain.md section 9); None where the table gives no limit."""
    kind = case_types().get(type_code)
    if kind is None:
        return None
    category, stage = kind.category, kind.stage
    if category == "civil":
        if stage == "first_instance":
            return 90 if procedure in (SIMPLE, SMALL_CLAIMS) else 180
        if stage == "second_instance":
            return 90  # against a judgment; rulings (30 days) have their own codes
        if stage in ("retrial", "retrial_review"):
            return 90
    if category == "criminal" and stage in ("first_instance", "second_instance"):
        return 60
    if category == "administrative":
        if stage == "first_instance":
            return 45 if procedure == SIMPLE else 180
        if stage == "second_instance":
            return 90
    if category == "enforcement":
        return 180
    return None
