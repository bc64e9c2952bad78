"""Writes for responsibility lists and tour guidance (tasks from them: services.task_create)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongxin.answers.models import Finding, ListItem, ResponsibilityList, TourVisit
from tongxin.answers.texts import plain
from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


def _may(user, perm, obj) -> None:
    if not scope_for(user).can(perm, obj):
        raise ApplicationError(_("Your roles do not allow this."))


@transaction.atomic
def list_create(*, user, court, kind, year, title, organisation=None, cadre=None):
    errors = {}
    if kind not in ResponsibilityList.Kind.values:
        errors["kind"] = [_("Choose a kind.")]
    if kind == ResponsibilityList.Kind.ORGANISATION and organisation is None:
        errors["organisation"] = [_("Choose the organisation.")]
    if organisation is not None and organisation.court_id != court.pk:
        errors["organisation"] = [
            _("The organisation must belong to %(court)s.") % {"court": court}
        ]
    if kind == ResponsibilityList.Kind.CADRE and (cadre is None or cadre.court_id != court.pk):
        errors["cadre"] = [_("Choose a leading cadre of %(court)s.") % {"court": court}]
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = [_("Enter a year between 2000 and 2100.")]
    if errors:
        raise ApplicationError(" ".join(m for ms in errors.values() for m in ms), extra=errors)
    row = ResponsibilityList(
        court=court,
        kind=kind,
        year=year,
        title=plain(title, "title"),
        organisation=organisation if kind == ResponsibilityList.Kind.ORGANISATION else None,
        cadre=cadre if kind == ResponsibilityList.Kind.CADRE else None,
    )
    scope = scope_for(user)
    reach = scope.covers_court(court, Perm.LIST_CHANGE) or (
        organisation is not None
        and any(organisation.path.startswith(p) for p in scope.org_paths(Perm.LIST_CHANGE))
    )
    if not reach:
        raise ApplicationError(_("Your roles do not allow this."))
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ApplicationError(_("This list already exists for that year.")) from None
    audit_record(
        actor=user, action="answers.list.created", obj=row, before=None, after=snapshot(row)
    )
    return row


@transaction.atomic
def item_save(*, user, lst, item=None, content, measures="", responsible_person=None,
              responsible_unit="", deadline, evidence="", state=ListItem.State.PLANNED):  # fmt: skip
    _may(user, Perm.LIST_CHANGE, lst)
    errors = {}
    if responsible_person is not None and responsible_person.court_id != lst.court_id:
        errors["responsible_person"] = [_("The responsible person must be staff of %(court)s.")
                                        % {"court": lst.court}]  # fmt: skip
    if not isinstance(deadline, datetime.date):
        errors["deadline"] = [_("Enter a deadline.")]
    if state not in ListItem.State.values:
        errors["state"] = [_("Choose a state.")]
    if errors:
        raise ApplicationError(" ".join(m for ms in errors.values() for m in ms), extra=errors)
    item = item or ListItem(list=lst)
    before = snapshot(item) if item.pk else None
    item.content = plain(content, "content", max_length=2000)
    item.measures = (measures or "").replace("\x00", "").strip()[:4000]
    item.responsible_person = responsible_person
    item.responsible_unit = (responsible_unit or "").strip()[:100]
    item.deadline = deadline
    item.evidence = (evidence or "").replace("\x00", "").strip()[:4000]
    item.state = state
    item.save()
    audit_record(
        actor=user, action="answers.item.saved", obj=item, before=before, after=snapshot(item)
    )
    return item


@transaction.atomic
def list_copy(*, user, source: ResponsibilityList, year: int) -> ResponsibilityList:
    """Start a year's list from another: same kind, organisation or cadre, items with their
    content, measures and responsible; deadlines moved by the years between; state and
    evidence start afresh."""
    _may(user, Perm.LIST_VIEW, source)
    new = list_create(
        user=user, court=source.court, kind=source.kind, year=year,
        title=source.title.replace(str(source.year), str(year)),
        organisation=source.organisation, cadre=source.cadre,
    )  # fmt: skip
    shift = year - source.year
    items = []
    for item in source.items.all():
        try:
            deadline = item.deadline.replace(year=item.deadline.year + shift)
        except ValueError:  # 29 February
            deadline = item.deadline.replace(year=item.deadline.year + shift, day=28)
        items.append(
            ListItem(
                list=new,
                content=item.content,
                measures=item.measures,
                responsible_person=item.responsible_person,
                responsible_unit=item.responsible_unit,
                deadline=deadline,
            )  # fmt: skip
        )
    ListItem.objects.bulk_create(items)
    return new


@transaction.atomic
def visit_save(*, user, court, target, planned_on, team, purpose="", visit=None,
               visited_on=None):  # fmt: skip
    scope = scope_for(user)
    if not scope.covers_court(court, Perm.TOUR_CHANGE):
        raise ApplicationError(_("Your roles do not allow this."))
    errors = {}
    if target is None or not target.path.startswith(court.path) or target.pk == court.pk:
        errors["target"] = [_("Choose a unit below %(court)s.") % {"court": court}]
    if not isinstance(planned_on, datetime.date):
        errors["planned_on"] = [_("Enter a date.")]
    if (
        visited_on is not None
        and isinstance(planned_on, datetime.date)
        and visited_on > datetime.date.today()
    ):
        errors["visited_on"] = [_("A visit cannot be recorded before it happens.")]
    if errors:
        raise ApplicationError(" ".join(m for ms in errors.values() for m in ms), extra=errors)
    visit = visit or TourVisit(court=court)
    before = snapshot(visit) if visit.pk else None
    visit.target, visit.planned_on, visit.team = target, planned_on, plain(team, "team")
    visit.purpose = (purpose or "").replace("\x00", "").strip()[:4000]
    visit.visited_on = visited_on
    visit.state = TourVisit.State.DONE if visited_on else TourVisit.State.PLANNED
    visit.save()
    audit_record(
        actor=user, action="answers.visit.saved", obj=visit, before=before, after=snapshot(visit)
    )
    return visit


@transaction.atomic
def finding_add(*, user, visit: TourVisit, text: str) -> Finding:
    _may(user, Perm.TOUR_CHANGE, visit)
    if visit.state != TourVisit.State.DONE:
        raise ApplicationError(_("Record the visit's date before its findings."))
    finding = Finding.objects.create(visit=visit, text=plain(text, "text", max_length=4000))
    audit_record(actor=user, action="answers.finding.created", obj=finding, before=None,
                 after=snapshot(finding))  # fmt: skip
    return finding
