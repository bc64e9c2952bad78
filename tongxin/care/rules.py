"""What a care record must satisfy: pure functions (values in, every problem out as
(field, reason)), called by the services before anything is written."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from tongxin.lib.richtext import has_active_content

Problems = list[tuple[str, str]]


def text_problems(texts: dict[str, str | None]) -> Problems:
    """Script or other active content in any text field is refused (not silently dropped)."""
    return [
        (field, _("Scripts and active content are not allowed in this text."))
        for field, text in texts.items()
        if has_active_content(text)
    ]


def date_problems(field: str, day: datetime.date | None, today: datetime.date) -> Problems:
    if day is None:
        return [(field, _("Enter the date."))]
    if day > today:
        return [(field, _("The date cannot be in the future."))]
    return []


def branch_record_problems(
    *,
    day: datetime.date | None,
    today: datetime.date,
    date_field: str,
    author_id: int | None,
    person_id: int | None,
    committee_ids: set[int],
    member_ids: set[int],
    author_field: str,
    texts: dict[str, str | None],
) -> Problems:
    """A talk or a home visit: dated, not in the future, by a member of the branch committee
    on that day with a member of the branch on that day, not with oneself, no script."""
    problems = date_problems(date_field, day, today)
    if author_id is None:
        problems.append((author_field, _("Choose the committee member.")))
    elif day is not None and author_id not in committee_ids:
        problems.append(
            (author_field, _("This person was not on the branch committee on that day."))
        )
    if person_id is None:
        problems.append(("person", _("Choose the member.")))
    elif day is not None and person_id not in member_ids:
        problems.append(("person", _("This person was not a member of the branch on that day.")))
    if author_id is not None and author_id == person_id:
        problems.append(("person", _("A committee member cannot record a talk with themselves.")))
    return problems + text_problems(texts)


def help_problems(
    *,
    given_on: datetime.date | None,
    today: datetime.date,
    amount: Decimal | None,
    person_court_id: int | None,
    court_id: int,
    texts: dict[str, str | None],
) -> Problems:
    problems = date_problems("given_on", given_on, today)
    if amount is not None and amount < 0:
        problems.append(("amount", _("The amount cannot be negative.")))
    if person_court_id is None:
        problems.append(("staff_number", _("No member of staff with this number in this court.")))
    elif person_court_id != court_id:
        problems.append(("staff_number", _("This person is not on the staff of this court.")))
    if not (texts.get("difficulty") or "").strip():
        problems.append(("difficulty", _("Describe the difficulty.")))
    return problems + text_problems(texts)


def contact_problems(
    *, leader_in_party_group: bool, organisation_kind: str, same_court: bool
) -> Problems:
    from tongxin.orgs.models import PartyOrganisation

    problems = []
    if not leader_in_party_group:
        problems.append(
            ("leader", _("This person holds no post in the court's leading Party members' group."))
        )
    if organisation_kind not in (
        PartyOrganisation.Kind.BRANCH,
        PartyOrganisation.Kind.GENERAL_BRANCH,
    ):
        problems.append(("organisation", _("A contact point is a branch or a general branch.")))
    if not same_court:
        problems.append(("organisation", _("The branch must belong to the leader's court.")))
    return problems


def before_contact_message() -> str:
    return _("The visit cannot be before the branch became a contact point.")


def activities_message() -> str:
    return _("Say what was done.")
