"""Writes for courts, departments, Party organisations, terms and committee posts."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.core.services import model_save
from tongxin.core.tree import check_parent, save_with_path
from tongxin.lib.dates import add_months
from tongxin.orgs.facts import facts_refresh, facts_refresh_court
from tongxin.orgs.models import CommitteePost, CommitteeTerm, Court, Department, PartyOrganisation
from tongxin.orgs.reference import english_name
from tongxin.orgs.rules import (
    court_problems,
    new_in_inactive_court,
    organisation_problems,
)
from tongxin.orgs.rules import parent_courts as parent_courts  # the views import it from here


@transaction.atomic
def court_save(*, actor, court: Court, changes: dict) -> Court:
    """Create or change a court; refuses cycles and every problem `court_problems` finds (a
    parent of the same or a lower level, a place out of the actor's reach...)."""
    parent = changes.get("parent", court.parent if court.parent_id else None)
    level = changes.get("level", court.level)
    check_parent(court, parent)
    if "code" in changes and not changes["code"]:
        changes["code"] = None
    code = changes.get("code", court.code)
    province = changes.get("province", court.province)
    if parent is not None and parent.province and not province:
        changes["province"] = province = parent.province
    problems = court_problems(
        level=level,
        code=code,
        province=province,
        parent=parent,
        **court_place(actor=actor, court=court, parent=parent),
    )
    if problems:
        raise ApplicationError(problems[0][1])
    if not changes.get("name_en", court.name_en) and changes.get("name_zh", court.name_zh):
        changes["name_en"] = english_name(changes.get("name_zh", court.name_zh))
    _refuse_active_under_inactive(changes, parent, _("Reactivate the parent court first."))
    old_path = court.path
    court = model_save(
        actor=actor, instance=court, changes=changes, action="orgs.court", save=save_with_path
    )
    if old_path and court.path != old_path:  # moved: the court paths copied into the facts
        facts_refresh_court(court)
    return court


def court_place(*, actor, court: Court, parent: Court | None) -> dict:
    """The facts `court_problems` needs about where a court goes, for the form, the import and
    the API alike (one query at most: whether the root is taken). `actor=None` is the
    system (loading the reference table)."""
    becomes_root = parent is None and (court.pk is None or court.parent_id is not None)
    root_taken = (
        becomes_root and Court.objects.filter(parent__isnull=True).exclude(pk=court.pk).exists()
    )
    if actor is None:
        in_reach = True
    else:
        in_reach = parent is not None and scope_for(actor).covers_court(parent, Perm.COURT_CHANGE)
    return {
        "moved": parent is not None and parent.pk != court.parent_id,
        "becomes_root": becomes_root,
        "root_taken": root_taken,
        "parent_in_reach": in_reach,
    }


def _refuse_active_under_inactive(changes: dict, parent, message: str) -> None:
    if changes.get("is_active") and parent is not None and not parent.is_active:
        raise ApplicationError(message)


def _deactivate(*, actor, obj, action: str):
    if not obj.is_active:
        return obj
    return model_save(actor=actor, instance=obj, changes={"is_active": False}, action=action)


def court_deactivate_blocker(court: Court) -> str | None:
    """Why the court cannot be deactivated now, or None."""
    if court.children.filter(is_active=True).exists():
        return _("Deactivate the courts below this one first.")
    return None


def court_deactivate(*, actor, court: Court) -> Court:
    """Deactivate a court (never deleted: history refers to it); refuses while children are active."""
    blocker = court_deactivate_blocker(court)
    if blocker:
        raise ApplicationError(blocker)
    return _deactivate(actor=actor, obj=court, action="orgs.court")


def department_save(*, actor, department: Department, changes: dict) -> Department:
    """Create or change a department."""
    court = changes.get("court") or (department.court if department.court_id else None)
    _refuse_active_under_inactive(changes, court, _("Reactivate the court first."))
    problems = new_in_inactive_court(court, is_new=department.pk is None)
    if problems:
        raise ApplicationError(problems[0][1])
    return model_save(actor=actor, instance=department, changes=changes, action="orgs.department")


def department_deactivate(*, actor, department: Department) -> Department:
    """Deactivate a department; its people keep it in their history."""
    return _deactivate(actor=actor, obj=department, action="orgs.department")


@transaction.atomic
def organisation_save(
    *, actor, organisation: PartyOrganisation, changes: dict, departments=None
) -> PartyOrganisation:
    """Create or change a Party organisation; checks the kind of parent, its court and cycles."""
    parent = changes.get("parent", organisation.parent if organisation.parent_id else None)
    kind = changes.get("kind", organisation.kind)
    court = changes.get("court", organisation.court if organisation.court_id else None)
    check_parent(organisation, parent)
    problems = organisation_problems(
        kind=kind,
        parent=parent,
        court=court,
        is_new=organisation.pk is None,
        department_courts=None if departments is None else [d.court_id for d in departments],
    )
    if problems:
        raise ApplicationError(problems[0][1])
    _refuse_active_under_inactive(changes, parent, _("Reactivate the parent organisation first."))
    _refuse_active_under_inactive(changes, court, _("Reactivate the court first."))
    m2m = {"departments": departments} if departments is not None else None
    old_path = organisation.path
    organisation = model_save(
        actor=actor,
        instance=organisation,
        changes=changes,
        action="orgs.organisation",
        m2m=m2m,
        save=save_with_path,
    )
    moved = PartyOrganisation.objects.filter(path__startswith=organisation.path)
    facts_refresh([organisation] if organisation.path == old_path else moved)
    return organisation


def organisation_deactivate_blocker(organisation: PartyOrganisation) -> str | None:
    """Why the organisation cannot be deactivated now, or None."""
    if organisation.children.filter(is_active=True).exists():
        return _("Deactivate or move the organisations below this one first.")
    if organisation.memberships.filter(ends_on__isnull=True).exists():
        return _("Move this organisation's members elsewhere first.")
    placed = organisation.cell_memberships.filter(ends_on__isnull=True).count()
    if placed:
        return ngettext(
            "%(count)s member is in this Party cell: place them in another cell (or in none) "
            "first.",
            "%(count)s members are in this Party cell: place them in other cells (or in none) "
            "first.",
            placed,
        ) % {"count": placed}
    return None


# Party cells (党小组) ---------------------------------------------------------------------
# A cell is an organisation of kind CELL inside a branch: created, renamed and closed here
# (through the organisation services, so every rule and the audit apply); members are placed
# in cells by `people.services.membership_cell_set`. Closing refuses while members are in
# the cell (the blocker above), rather than taking them out silently: where they go next is
# the secretary's decision, made on the assignment page in one step, dated and kept.


def cell_create(
    *, actor, branch: PartyOrganisation, name_zh: str, name_en: str = ""
) -> PartyOrganisation:
    """A new Party cell in a branch (an open branch: nothing new under a closed one)."""
    if branch.kind != PartyOrganisation.Kind.BRANCH:
        raise ApplicationError(_("Party cells are formed inside a branch."))
    if not branch.is_active:
        raise ApplicationError(_("This organisation is no longer active."))
    cell = PartyOrganisation(court=branch.court, parent=branch, kind=PartyOrganisation.Kind.CELL)
    return organisation_save(
        actor=actor,
        organisation=cell,
        changes={"name_zh": name_zh, "name_en": name_en},
    )


def cell_rename(
    *, actor, cell: PartyOrganisation, name_zh: str, name_en: str = ""
) -> PartyOrganisation:
    """Rename a Party cell (its members and history stay with it)."""
    if cell.kind != PartyOrganisation.Kind.CELL:
        raise ApplicationError(_("This organisation is not a Party cell."))
    return organisation_save(
        actor=actor, organisation=cell, changes={"name_zh": name_zh, "name_en": name_en}
    )


def cell_close(*, actor, cell: PartyOrganisation) -> PartyOrganisation:
    """Close a Party cell; refuses while members are placed in it. Its history stays."""
    if cell.kind != PartyOrganisation.Kind.CELL:
        raise ApplicationError(_("This organisation is not a Party cell."))
    return organisation_deactivate(actor=actor, organisation=cell)


def organisation_deactivate(*, actor, organisation: PartyOrganisation) -> PartyOrganisation:
    """Deactivate an organisation; refuses while it has active sub-organisations or members."""
    blocker = organisation_deactivate_blocker(organisation)
    if blocker:
        raise ApplicationError(blocker)
    with transaction.atomic():
        organisation = _deactivate(actor=actor, obj=organisation, action="orgs.organisation")
        facts_refresh([organisation])
        return organisation


@transaction.atomic
def term_record(
    *, actor, organisation: PartyOrganisation, starts_on: datetime.date, ends_on: datetime.date
) -> CommitteeTerm:
    """Record a committee term (the latest begun is the current term: `term_current`)."""
    if organisation.kind not in PartyOrganisation.ELECTED_KINDS:
        raise ApplicationError(_("This kind of organisation has no elected committee."))
    if ends_on <= starts_on:
        raise ApplicationError(_("The term must end after it starts."))
    longest = 6 if organisation.kind == PartyOrganisation.Kind.ORGAN_COMMITTEE else 4
    if ends_on > add_months(starts_on, 12 * longest):
        raise ApplicationError(
            _("A term lasts at most %(years)s years (the regular term plus a year's postponement).")
            % {"years": longest}
        )
    overlap = organisation.terms.filter(starts_on__lt=ends_on, ends_on__gt=starts_on).first()
    if overlap is not None:
        raise ApplicationError(
            _("The term overlaps the recorded term %(term)s.") % {"term": overlap}
        )
    term = CommitteeTerm(organisation=organisation, starts_on=starts_on, ends_on=ends_on)
    term = model_save(actor=actor, instance=term, changes={}, action="orgs.term")
    facts_refresh([organisation])
    return term


@transaction.atomic
def post_assign(
    *, actor, organisation: PartyOrganisation, person, post: str, starts_on: datetime.date
) -> CommitteePost:
    """Give a person a committee post from a date; a sitting secretary's post ends that day."""
    if organisation.kind not in PartyOrganisation.ELECTED_KINDS:
        raise ApplicationError(_("This kind of organisation has no elected committee."))
    if not person.is_party_member:
        raise ApplicationError(_("Only Party members can hold committee posts."))
    open_posts = organisation.posts.filter(ends_on__isnull=True)
    if open_posts.filter(person=person).exists():
        raise ApplicationError(
            _("This person already holds a post on this committee; end it first.")
        )
    if organisation.founded_on and starts_on < organisation.founded_on:
        raise ApplicationError(
            _("The post cannot start before the organisation was founded (%(date)s).")
            % {"date": organisation.founded_on}
        )
    if post == CommitteePost.Post.SECRETARY:
        for sitting in open_posts.filter(post=post):
            post_end(actor=actor, post=sitting, ends_on=starts_on)
    item = CommitteePost(organisation=organisation, person=person, post=post, starts_on=starts_on)
    item = model_save(actor=actor, instance=item, changes={}, action="orgs.post")
    facts_refresh([organisation])
    return item


@transaction.atomic
def post_end(*, actor, post: CommitteePost, ends_on: datetime.date) -> CommitteePost:
    """End a committee post on a date (kept in history)."""
    if post.ends_on is not None:
        raise ApplicationError(_("This post has already ended."))
    if ends_on <= post.starts_on:
        raise ApplicationError(_("A post must end after it starts."))
    before = snapshot(post)
    post.ends_on = ends_on
    post.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="orgs.post.ended",
        obj=post,
        before=before,
        after=snapshot(post),
        court=post.organisation.court,
    )
    facts_refresh([post.organisation_id])
    return post


# Elections (换届) ----------------------------------------------------------------------------

ELECTABLE = ("full",)  # only full members vote and stand (probationary members do not)


def term_years(organisation: PartyOrganisation) -> int:
    """The regular term (domain.md): 5 years for an organ (grassroots) committee, 3 otherwise."""
    return 5 if organisation.kind == PartyOrganisation.Kind.ORGAN_COMMITTEE else 3


@transaction.atomic
def election_record(
    *,
    actor,
    organisation: PartyOrganisation,
    elected_on: datetime.date,
    posts: list,
    years: int | None = None,
) -> CommitteeTerm:
    """Record an election, on time, early or after a postponement: the current term ends on
    the election day, the new term starts that day, the outgoing committee's posts end and
    the new committee's begin. `posts`: (person, post) pairs, one secretary among them."""
    from tongxin.orgs.selectors import term_current

    if organisation.kind not in PartyOrganisation.ELECTED_KINDS:
        raise ApplicationError(_("This kind of organisation has no elected committee."))
    if elected_on > timezone.localdate():
        raise ApplicationError(_("An election can be recorded once it has taken place."))
    years = years or term_years(organisation)
    if years not in (3, 5):
        raise ApplicationError(_("A committee is elected for 3 or 5 years."))
    current = term_current(organisation, elected_on)
    if current is not None:
        if elected_on <= current.starts_on:
            raise ApplicationError(
                _("The election must be after the current term began (%(date)s).")
                % {"date": current.starts_on}
            )
        scheduled = current.scheduled_ends_on or current.ends_on
        if elected_on < add_months(scheduled, -12):
            raise ApplicationError(
                _(
                    "An election may be advanced by at most a year: this term is due to end "
                    "on %(date)s."
                )
                % {"date": scheduled}
            )
        latest = current.postponed_until or add_months(scheduled, 12)
        if elected_on > max(latest, scheduled):
            raise ApplicationError(
                _(
                    "The election is later than the term allows (%(date)s): record the approved postponement first."
                )
                % {"date": latest}
            )
    later = organisation.terms.filter(starts_on__gt=elected_on).first()
    if later is not None:
        raise ApplicationError(_("A later term (%(term)s) is recorded already.") % {"term": later})
    _check_committee(organisation, elected_on, posts)
    if current is not None:
        model_save(
            actor=actor,
            instance=current,
            changes={
                "scheduled_ends_on": current.scheduled_ends_on or current.ends_on,
                "ends_on": elected_on,
            },
            action="orgs.term",
        )
    term = model_save(
        actor=actor,
        instance=CommitteeTerm(
            organisation=organisation,
            starts_on=elected_on,
            ends_on=add_months(elected_on, 12 * years),
        ),
        changes={},
        action="orgs.term",
    )
    for post in organisation.posts.filter(ends_on__isnull=True).select_related(
        "organisation__court"
    ):
        if post.starts_on >= elected_on:
            raise ApplicationError(
                _("%(person)s's post began on %(date)s, not before the election.")
                % {"person": post.person, "date": post.starts_on}
            )
        post_end(actor=actor, post=post, ends_on=elected_on)
    for person, post in posts:
        post_assign(
            actor=actor, organisation=organisation, person=person, post=post, starts_on=elected_on
        )
    facts_refresh([organisation])  # the terms changed: the facts keep the two latest
    return term


def _check_committee(organisation: PartyOrganisation, on: datetime.date, posts: list) -> None:
    from tongxin.orgs.selectors import roster_on

    secretaries = [person for person, post in posts if post == CommitteePost.Post.SECRETARY]
    if len(secretaries) != 1:
        raise ApplicationError(_("The new committee needs exactly one secretary."))
    people = [person for person, _post in posts]
    if len(set(p.pk for p in people)) != len(people):
        raise ApplicationError(_("Each person holds one post on the committee."))
    if len(posts) > 7:
        raise ApplicationError(_("A committee has at most 7 members."))
    members = {m.person_id for m in roster_on(organisation=organisation, on=on)}
    for person in people:
        if person.pk not in members or person.political_status not in ELECTABLE:
            raise ApplicationError(
                _(
                    "%(name)s is not a full member of this organisation on %(date)s: only full members are elected."
                )
                % {"name": person.name, "date": on}
            )


def postponement_record(
    *,
    actor,
    term: CommitteeTerm,
    until: datetime.date,
    reason: str,
    approved_on: datetime.date,
) -> CommitteeTerm:
    """Record that the higher organisation approved holding the election later (at most a
    year after the term's scheduled end)."""
    scheduled = term.scheduled_ends_on or term.ends_on
    if until <= scheduled:
        raise ApplicationError(
            _("A postponement moves the election past the term's end (%(date)s).")
            % {"date": scheduled}
        )
    if until > add_months(scheduled, 12):
        raise ApplicationError(
            _("An election may be postponed by at most a year (until %(date)s).")
            % {"date": add_months(scheduled, 12)}
        )
    if not reason.strip():
        raise ApplicationError(_("Give the reason for the postponement."))
    if approved_on > timezone.localdate():
        raise ApplicationError(_("The approval date cannot lie in the future."))
    if approved_on < term.starts_on:
        raise ApplicationError(_("The approval cannot precede the term."))
    saved = model_save(
        actor=actor,
        instance=term,
        changes={
            "postponed_until": until,
            "postponement_reason": reason.strip(),
            "postponement_approved_on": approved_on,
        },
        action="orgs.term",
    )
    facts_refresh([term.organisation_id])  # health warns of the approved date from now on
    return saved
