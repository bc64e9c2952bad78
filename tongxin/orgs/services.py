"""Writes for courts, departments, Party organisations, terms and committee posts."""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

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

LEVEL_ORDER = {
    Court.Level.SPC: 0,
    Court.Level.CIRCUIT: 1,
    Court.Level.HIGH: 1,
    Court.Level.INTERMEDIATE: 2,
    Court.Level.BASIC: 3,
    Court.Level.TRIBUNAL: 4,
}


@transaction.atomic
def court_save(*, actor, court: Court, changes: dict) -> Court:
    """Create or change a court; refuses cycles and a parent of the same or a lower level."""
    parent = changes.get("parent", court.parent if court.parent_id else None)
    level = changes.get("level", court.level)
    check_parent(court, parent)
    if parent is not None and LEVEL_ORDER.get(parent.level, 9) >= LEVEL_ORDER.get(level, 9):
        raise ApplicationError(
            _("A %(level)s cannot sit under a %(parent)s.")
            % {"level": Court.Level(level).label, "parent": Court.Level(parent.level).label}
        )
    if level == Court.Level.TRIBUNAL and (parent is None or parent.level != Court.Level.BASIC):
        raise ApplicationError(_("A people's tribunal must belong to a basic court."))
    if parent is None and level != Court.Level.SPC:
        raise ApplicationError(_("Only the Supreme People's Court has no parent court."))
    if "code" in changes and not changes["code"]:
        changes["code"] = None
    code = changes.get("code", court.code)
    if level == Court.Level.TRIBUNAL and code:
        raise ApplicationError(_("People's tribunals have no court code of their own."))
    if level != Court.Level.TRIBUNAL and not code:
        raise ApplicationError(_("Give the court code used in case numbers, e.g. 京0105."))
    province = changes.get("province", court.province)
    if parent is not None and parent.province:
        if not province:
            changes["province"] = province = parent.province
        elif province != parent.province:
            raise ApplicationError(
                _("The province %(province)s differs from the parent court's (%(parent)s).")
                % {"province": province, "parent": parent.province}
            )
    if code and province and not code.startswith(province) and level != Court.Level.SPC:
        raise ApplicationError(
            _("A court code starts with its province's code (%(province)s).")
            % {"province": province}
        )
    if not changes.get("name_en", court.name_en) and changes.get("name_zh", court.name_zh):
        changes["name_en"] = english_name(changes.get("name_zh", court.name_zh))
    _refuse_active_under_inactive(changes, parent, _("Reactivate the parent court first."))
    _check_court_place(actor=actor, court=court, parent=parent, level=level)
    old_path = court.path
    court = model_save(
        actor=actor, instance=court, changes=changes, action="orgs.court", save=save_with_path
    )
    if old_path and court.path != old_path:  # moved: the court paths copied into the facts
        facts_refresh_court(court)
    return court


def _check_court_place(*, actor, court: Court, parent: Court | None, level: str) -> None:
    """Where a court may sit, for the form, the import and the API alike: nobody moves a court
    out of or above their own grants (a new parent must lie in their reach: a court that is
    itself the top of a user's grant cannot be moved by that user), and there is one Supreme
    People's Court at the root (the first one, when the tree is empty, comes from the
    court-code table). `actor=None` is the system (loading the reference table)."""
    moved = parent is not None and parent.pk != court.parent_id
    if parent is None and (court.pk is None or court.parent_id is not None):
        root = Court.objects.filter(parent__isnull=True).exclude(pk=court.pk).exists()
        if root or level != Court.Level.SPC:
            raise ApplicationError(
                _("Only the Supreme People's Court has no parent court: give the parent court.")
            )
        moved = True
    if level == Court.Level.SPC and parent is not None:
        raise ApplicationError(_("The Supreme People's Court has no parent court."))
    if moved and actor is not None:
        scope = scope_for(actor)
        if parent is None or not scope.covers_court(parent, Perm.COURT_CHANGE):
            raise ApplicationError(_("You may only place a court under a court within your reach."))


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
    if department.pk is None and court is not None and not court.is_active:
        raise ApplicationError(_("This court is inactive: reactivate it first."))
    return model_save(actor=actor, instance=department, changes=changes, action="orgs.department")


def department_deactivate(*, actor, department: Department) -> Department:
    """Deactivate a department; its people keep it in their history."""
    return _deactivate(actor=actor, obj=department, action="orgs.department")


def parent_courts(court: Court) -> list[int]:
    """Courts whose organisations may lead this court's: its own, and for a people's tribunal
    also its basic court (a tribunal's branch usually sits under the court's organ committee)."""
    if court.level == Court.Level.TRIBUNAL and court.parent_id:
        return [court.pk, court.parent_id]
    return [court.pk]


@transaction.atomic
def organisation_save(
    *, actor, organisation: PartyOrganisation, changes: dict, departments=None
) -> PartyOrganisation:
    """Create or change a Party organisation; checks the kind of parent, its court and cycles."""
    parent = changes.get("parent", organisation.parent if organisation.parent_id else None)
    kind = changes.get("kind", organisation.kind)
    court = changes.get("court", organisation.court if organisation.court_id else None)
    check_parent(organisation, parent)
    allowed = PartyOrganisation.ALLOWED_PARENTS.get(kind, ())
    if parent is None and allowed and kind != PartyOrganisation.Kind.BRANCH:
        raise ApplicationError(
            _("A %(kind)s needs a parent organisation.")
            % {"kind": PartyOrganisation.Kind(kind).label}
        )
    if parent is not None and parent.kind not in allowed:
        raise ApplicationError(
            _("A %(kind)s cannot sit under a %(parent)s.")
            % {
                "kind": PartyOrganisation.Kind(kind).label,
                "parent": PartyOrganisation.Kind(parent.kind).label,
            }
        )
    if parent is not None and court is not None and parent.court_id not in parent_courts(court):
        raise ApplicationError(
            _(
                "The parent organisation must belong to the same court (a people's tribunal's "
                "may also belong to its basic court)."
            )
        )
    if organisation.pk is None and court is not None and not court.is_active:
        raise ApplicationError(_("This court is inactive: reactivate it first."))
    if (
        departments is not None
        and court is not None
        and any(d.court_id != court.pk for d in departments)
    ):
        raise ApplicationError(_("A branch can only cover departments of its own court."))
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
    return None


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
