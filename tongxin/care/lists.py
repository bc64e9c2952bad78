"""The care lists: each page, its .xlsx/CSV export and the API read rows through one
definition, so the narrow visibility of summaries holds in all three: the selectors annotate
`summary_shown` (the summary where the reader may read it, else empty) from the same scope
condition the detail pages use."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import nh3
from django.db.models import Case, F, Q, Value, When
from django.db.models.fields import TextField
from django.utils.translation import gettext as _

from tongxin.care.models import ContactPoint, HelpRecord, HomeVisit, Talk
from tongxin.core.listing import Column, Filters, ListDefinition
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


def plain_text(html: str | None) -> str:
    """A sanitised HTML text as plain text for a sheet."""
    return nh3.clean(html or "", tags=set()).strip()


def _year(value: str) -> int | None:
    return int(value) if value.isdecimal() and 1900 < int(value) < 3000 else None


def _id(value: str) -> int | None:
    return int(value) if value.isdecimal() and len(value) < 18 else None


def _shown(scope, model, field: str):
    """The field where the reader may read what was said, else ''."""
    return Case(
        When(scope.q(model, Perm.TALK_SUMMARY), then=F(field)),
        default=Value(""),
        output_field=TextField(),
    )


@dataclass
class TalkFilters(Filters):
    year: str = ""
    organisation: str = ""  # an organisation id: that branch
    kind: str = ""
    q: str = ""  # the start of a name (committee member or member)


def talk_select(*, user, filters: TalkFilters):
    scope = scope_for(user)
    qs = scope.visible(Talk, Perm.TALK_VIEW)
    if (year := _year(filters.year)) is not None:
        qs = qs.filter(held_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    if (org := _id(filters.organisation)) is not None:
        qs = qs.filter(organisation_id=org)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(
            Q(talker__name__startswith=filters.q) | Q(person__name__startswith=filters.q)
        )
    return (
        qs.select_related("organisation__court", "talker", "person")
        .annotate(
            summary_shown=_shown(scope, Talk, "summary"),
            follow_up_shown=_shown(scope, Talk, "follow_up"),
        )
        .order_by("-held_on", "-id")
    )


TALKS = ListDefinition(
    name="care.talks",
    filters=TalkFilters,
    select=talk_select,
    columns=lambda: [
        Column(_("Held on"), lambda t: t.held_on, field="held_on"),
        Column(
            _("Court"), lambda t: t.organisation.court.name_zh, field="organisation__court__name_zh"
        ),
        Column(_("Branch"), lambda t: t.organisation.name_zh, field="organisation__name_zh"),
        Column(_("Committee member"), lambda t: t.talker.name, field="talker__name"),
        Column(_("Talked with"), lambda t: t.person.name, field="person__name"),
        Column(_("Kind"), lambda t: t.get_kind_display(), field="kind", labels=Talk.Kind.choices),
        Column(
            _("Summary"),
            lambda t: plain_text(t.summary_shown),
            field="summary_shown",
            convert=plain_text,
        ),
        Column(
            _("Follow-up"),
            lambda t: plain_text(t.follow_up_shown),
            field="follow_up_shown",
            convert=plain_text,
        ),
    ],
    filename="talks.xlsx",
)


@dataclass
class VisitFilters(Filters):
    year: str = ""
    organisation: str = ""
    q: str = ""


def visit_select(*, user, filters: VisitFilters):
    scope = scope_for(user)
    qs = scope.visible(HomeVisit, Perm.TALK_VIEW)
    if (year := _year(filters.year)) is not None:
        qs = qs.filter(visited_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    if (org := _id(filters.organisation)) is not None:
        qs = qs.filter(organisation_id=org)
    if filters.q:
        qs = qs.filter(
            Q(visitor__name__startswith=filters.q) | Q(person__name__startswith=filters.q)
        )
    return (
        qs.select_related("organisation__court", "visitor", "person")
        .annotate(
            notes_shown=_shown(scope, HomeVisit, "notes"),
            follow_up_shown=_shown(scope, HomeVisit, "follow_up"),
        )
        .order_by("-visited_on", "-id")
    )


VISITS = ListDefinition(
    name="care.visits",
    filters=VisitFilters,
    select=visit_select,
    columns=lambda: [
        Column(_("Visited on"), lambda v: v.visited_on, field="visited_on"),
        Column(
            _("Court"), lambda v: v.organisation.court.name_zh, field="organisation__court__name_zh"
        ),
        Column(_("Branch"), lambda v: v.organisation.name_zh, field="organisation__name_zh"),
        Column(_("Visitor"), lambda v: v.visitor.name, field="visitor__name"),
        Column(_("Visited"), lambda v: v.person.name, field="person__name"),
        Column(_("Purpose"), lambda v: v.purpose, field="purpose"),
        Column(
            _("Notes"), lambda v: plain_text(v.notes_shown), field="notes_shown", convert=plain_text
        ),
        Column(
            _("Follow-up"),
            lambda v: plain_text(v.follow_up_shown),
            field="follow_up_shown",
            convert=plain_text,
        ),
    ],
    filename="home-visits.xlsx",
)


@dataclass
class HelpFilters(Filters):
    year: str = ""
    kind: str = ""
    q: str = ""


def help_select(*, user, filters: HelpFilters):
    qs = scope_for(user).visible(HelpRecord, Perm.HELP_VIEW)
    if (year := _year(filters.year)) is not None:
        qs = qs.filter(given_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.q:
        qs = qs.filter(person__name__startswith=filters.q)
    return qs.select_related("court", "person").order_by("-given_on", "-id")


HELP = ListDefinition(
    name="care.help",
    filters=HelpFilters,
    select=help_select,
    columns=lambda: [
        Column(_("Given on"), lambda h: h.given_on, field="given_on"),
        Column(_("Court"), lambda h: h.court.name_zh, field="court__name_zh"),
        Column(_("Staff number"), lambda h: h.person.staff_number, field="person__staff_number"),
        Column(_("Person helped"), lambda h: h.person.name, field="person__name"),
        Column(_("Difficulty"), lambda h: h.difficulty, field="difficulty"),
        Column(
            _("Kind of help"),
            lambda h: h.get_kind_display(),
            field="kind",
            labels=HelpRecord.Kind.choices,
        ),
        Column(_("Amount (yuan)"), lambda h: h.amount, field="amount"),
        Column(_("Given by"), lambda h: h.given_by, field="given_by"),
    ],
    filename="help-records.xlsx",
)


@dataclass
class ContactFilters(Filters):
    court: str = ""  # a court code: that court only
    q: str = ""
    active: str = ""


def contact_select(*, user, filters: ContactFilters):
    qs = scope_for(user).visible(ContactPoint, Perm.CONTACT_VIEW)
    if filters.court:
        qs = qs.filter(organisation__court__code=filters.court)
    if filters.q:
        qs = qs.filter(leader__name__startswith=filters.q)
    if filters.active in ("", "1"):
        qs = qs.filter(ends_on__isnull=True)
    elif filters.active == "0":
        qs = qs.filter(ends_on__isnull=False)
    return qs.select_related("leader", "organisation__court").order_by(
        "organisation__court__path", "leader__name", "id"
    )


CONTACTS = ListDefinition(
    name="care.contacts",
    filters=ContactFilters,
    select=contact_select,
    columns=lambda: [
        Column(
            _("Court"), lambda c: c.organisation.court.name_zh, field="organisation__court__name_zh"
        ),
        Column(
            _("Member of the leading Party members' group"),
            lambda c: c.leader.name,
            field="leader__name",
        ),
        Column(_("Branch"), lambda c: c.organisation.name_zh, field="organisation__name_zh"),
        Column(_("From"), lambda c: c.starts_on, field="starts_on"),
        Column(_("Until"), lambda c: c.ends_on, field="ends_on"),
    ],
    filename="contact-points.xlsx",
)
