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
)


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
    if get("is_quota_judge") and get("category") and get("category") != Person.Category.JUDGE:
        problems.append(("is_quota_judge", _("Only judges can be quota judges.")))
    if get("dues_base") is not None and get("dues_base") < 0:
        problems.append(("dues_base", _("The salary base cannot be negative.")))
    return problems
