"""What a register entry must satisfy: pure functions, every problem at once, no query.

A case number is read by the trial app's parser (`tongxin.trial.caseno`: the national
case-type table, full-width digits and brackets) when that app is installed, else by this
app's own format check (domain.md, case-numbers.md section 2): this is the one place that
reads a case number here.
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext as _

from tongxin.lib.richtext import has_active_content

# (2024)京0105民初12345号: year, court code (最高法, or a province character with 0, 2 or 4
# digits), an optional specialised-trial character (知), a type code of 1-4 characters,
# a number and 号. Full-width brackets are accepted and normalised to half-width.
CASE_NUMBER = re.compile(
    r"^\((?P<year>\d{4})\)"
    r"(?P<court>最高法|[\u4e00-\u9fff](?:\d{2}){0,2})"
    r"(?P<special>知)?"
    r"(?P<type>[\u4e00-\u9fff]{1,4}?)"
    r"(?P<number>\d{1,8})号$"
)

TEXT_FIELDS = ("person_name", "person_unit", "person_post", "relation", "asked", "done")


def normalise_case_number(value: str) -> str:
    """The case number as stored: the trial app's canonical form when it reads, else trimmed
    with half-width brackets."""
    from django.apps import apps

    plain = (value or "").strip().replace("（", "(").replace("）", ")").replace(" ", "")
    if plain and apps.is_installed("tongxin.trial"):
        from tongxin.trial.caseno import canonical

        return canonical(plain) or plain
    return plain


def case_number_problem(value: str, today: datetime.date) -> str | None:
    """Why `value` is not a case number (None when it is one)."""
    from django.apps import apps

    if apps.is_installed("tongxin.trial"):
        from tongxin.trial.caseno import CaseNumberError, parse

        try:
            year = parse(value).year
        except CaseNumberError:
            return _("Not a case number: write it as (2024)京0105民初12345号.")
    else:
        match = CASE_NUMBER.match(normalise_case_number(value))
        if match is None:
            return _("Not a case number: write it as (2024)京0105民初12345号.")
        year = int(match["year"])
    if year < 1980 or year > today.year:
        return _("The year of the case number must lie between 1980 and this year.")
    return None


def entry_problems(values: dict, *, today: datetime.date) -> dict[str, list[str]]:
    """Every problem of an entry's values, by field."""
    from tongxin.discipline.models import Kind

    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    kind = values.get("kind")
    if kind not in Kind.values:
        add("kind", _("Choose which kind of inquiry this was."))
    if not (values.get("person_name") or "").strip():
        add("person_name", _("Say who asked: a record needs a person."))
    if not (values.get("asked") or "").strip():
        add("asked", _("Say what was asked."))
    case_number = normalise_case_number(values.get("case_number") or "")
    if not case_number:
        if kind != Kind.RELATIVE_LAWYER:
            add("case_number", _("Give the case number: a record needs a case."))
    else:
        problem = case_number_problem(case_number, today)
        if problem:
            add("case_number", problem)
    occurred = values.get("occurred_on")
    if not isinstance(occurred, datetime.date):
        add("occurred_on", _("Give the date."))
    elif occurred > today:
        add("occurred_on", _("The date cannot lie in the future."))
    elif occurred.year < 2015:
        add("occurred_on", _("The three provisions apply from 2015."))
    for field in TEXT_FIELDS:
        if has_active_content(values.get(field) or ""):
            add(field, _("Scripts and active content are not allowed here."))
    return problems
