"""What a person's record must satisfy: the rules, once.

Pure functions, no query: `person_problems` takes the person's values as they would be after
the change and returns EVERY problem at once, as (field, reason). `person_save` raises them
together (one ApplicationError whose `extra` maps each field to its reasons, so a form shows
them at their fields); the import reports each one as a reject of its row. So the preview of
an import never accepts a row that its commit would refuse.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.utils.translation import gettext as _

from tongxin.lib.dates import add_months
from tongxin.orgs.rules import new_in_inactive_court
from tongxin.people.models import Person

MIN_STAFF_AGE = 16
NOT_MEMBERS = (Person.PoliticalStatus.NONE, Person.PoliticalStatus.APPLICANT)
MEMBERS = (Person.PoliticalStatus.FULL, Person.PoliticalStatus.PROBATIONARY)

# The values person_problems reads besides `court` and `department` (a missing one counts as
# unknown: the rules that need it are skipped).
VALUE_FIELDS = (
    "birth_date",
    "category",
    "is_quota_judge",
    "political_status",
    "joined_party_on",
    "full_member_on",
    "dues_base",
    "probation_ends_on",
)


def probation_bounds(joined: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The earliest and the latest day a member who joined on `joined` may become a full
    member: a year's probation, extended once by up to a year (both configurable)."""
    from django.conf import settings

    return (
        add_months(joined, settings.PROBATION_MONTHS),
        add_months(joined, settings.PROBATION_MAX_MONTHS),
    )


def probation_problems(status, joined, full, extended_to) -> list[tuple[str, str]]:
    """Conversion no earlier than the probation year's end, and probation no longer than two
    years in all (Party Constitution, Art. 7; Rules on Recruiting Party Members, 2014)."""
    if not joined:
        return []
    earliest, latest = probation_bounds(joined)
    problems = []
    if status == Person.PoliticalStatus.FULL and full and full >= joined:
        if full < earliest:
            problems.append(
                (
                    "full_member_on",
                    _(
                        "A probationary member becomes a full member when the probation year "
                        "ends, not before: the earliest date is %(date)s."
                    )
                    % {"date": earliest},
                )
            )
        elif full > latest:
            problems.append(
                (
                    "full_member_on",
                    _(
                        "Probation lasts at most two years (a year, extended once by up to a "
                        "year): the latest date of full membership is %(date)s."
                    )
                    % {"date": latest},
                )
            )
    extended = extended_to and status == Person.PoliticalStatus.PROBATIONARY
    if extended and (extended_to <= earliest or extended_to > latest):
        problems.append(
            (
                "probation_ends_on",
                _(
                    "An extended probation ends after its first year (%(earliest)s) and no "
                    "later than two years after joining (%(latest)s)."
                )
                % {"earliest": earliest, "latest": latest},
            )
        )
    return problems


def youngest_birth_date(today: datetime.date) -> datetime.date:
    """The latest date of birth of someone at least MIN_STAFF_AGE years old today."""
    try:
        return today.replace(year=today.year - MIN_STAFF_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - MIN_STAFF_AGE, day=28)


def person_problems(
    values: Mapping, *, is_new: bool, today: datetime.date
) -> list[tuple[str, str]]:
    """Every problem with a person whose resulting values are `values` (field → value; None
    or absent: empty or unknown). `court` and `department` are objects (no query is run)."""
    get = values.get
    problems: list[tuple[str, str]] = []
    court, department = get("court"), get("department")
    if department is not None and court is not None and department.court_id != court.pk:
        problems.append(("department", _("The department must belong to the person's court.")))
    problems += new_in_inactive_court(court, is_new=is_new)
    status = get("political_status") or Person.PoliticalStatus.NONE
    birth, joined, full = get("birth_date"), get("joined_party_on"), get("full_member_on")
    if birth and birth > youngest_birth_date(today):
        problems.append(
            (
                "birth_date",
                _("The date of birth lies in the future or makes the person younger than %(age)s.")
                % {"age": MIN_STAFF_AGE},
            )
        )
    if joined and joined > today:
        problems.append(("joined_party_on", _("Party dates cannot lie in the future.")))
    if full and full > today:
        problems.append(("full_member_on", _("Party dates cannot lie in the future.")))
    if status in NOT_MEMBERS and full:
        problems.append(("full_member_on", _("Only Party members have a date of full membership.")))
    elif status == Person.PoliticalStatus.PROBATIONARY and full:
        problems.append(
            ("full_member_on", _("A probationary member has no date of full membership yet."))
        )
    elif joined and full and full < joined:
        problems.append(
            ("full_member_on", _("Full membership cannot start before joining the Party."))
        )
    if birth and joined and joined <= birth:
        problems.append(
            ("joined_party_on", _("The date of joining the Party must be after the date of birth."))
        )
    problems += probation_problems(status, joined, full, get("probation_ends_on"))
    if get("is_quota_judge") and get("category") and get("category") != Person.Category.JUDGE:
        problems.append(("is_quota_judge", _("Only judges can be quota judges.")))
    if get("dues_base") is not None and get("dues_base") < 0:
        problems.append(("dues_base", _("The salary base cannot be negative.")))
    return problems
