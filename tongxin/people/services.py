"""Writes for people, memberships, role grants, profiles and API tokens."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import ORGANISATION_ROLES, Role
from tongxin.core.services import model_save
from tongxin.orgs.models import PartyOrganisation
from tongxin.orgs.services import post_end
from tongxin.people.models import ApiToken, Membership, Person, Profile, RoleGrant

MIN_STAFF_AGE = 16
NOT_MEMBERS = (Person.PoliticalStatus.NONE, Person.PoliticalStatus.APPLICANT)
MEMBERS = (Person.PoliticalStatus.FULL, Person.PoliticalStatus.PROBATIONARY)


def person_save(*, actor, person: Person, changes: dict) -> Person:
    """Create or change a staff record; checks department court and Party dates. A member who
    leaves the Party (status none or applicant) leaves their organisation and posts that day."""
    court = changes.get("court", person.court if person.court_id else None)
    department = changes.get("department", person.department if person.department_id else None)
    if department is not None and court is not None and department.court_id != court.pk:
        raise ApplicationError(_("The department must belong to the person's court."))
    if person.pk is None and court is not None and not court.is_active:
        raise ApplicationError(_("This court is inactive: reactivate it first."))
    status = changes.get("political_status", person.political_status)
    joined = changes.get("joined_party_on", person.joined_party_on)
    full = changes.get("full_member_on", person.full_member_on)
    birth = changes.get("birth_date", person.birth_date)
    today = timezone.localdate()
    if status in NOT_MEMBERS and full:
        raise ApplicationError(_("Only Party members have a date of full membership."))
    if status == Person.PoliticalStatus.PROBATIONARY and full:
        raise ApplicationError(_("A probationary member has no date of full membership yet."))
    if birth and birth > today.replace(year=today.year - MIN_STAFF_AGE):
        raise ApplicationError(
            _("The date of birth lies in the future or makes the person younger than %(age)s.")
            % {"age": MIN_STAFF_AGE}
        )
    for value in (joined, full):
        if value and value > today:
            raise ApplicationError(_("Party dates cannot lie in the future."))
    if joined and full and full < joined:
        raise ApplicationError(_("Full membership cannot start before joining the Party."))
    if birth and joined and joined <= birth:
        raise ApplicationError(_("The date of joining the Party must be after the date of birth."))
    category = changes.get("category", person.category)
    if changes.get("is_quota_judge", person.is_quota_judge) and category != Person.Category.JUDGE:
        raise ApplicationError(_("Only judges can be quota judges."))
    if "dues_base" in changes and changes["dues_base"] is not None and changes["dues_base"] < 0:
        raise ApplicationError(_("The salary base cannot be negative."))
    with transaction.atomic():
        # The stored status: a bound form has already copied the new one onto the instance.
        was_member = (
            person.pk is not None
            and Person.objects.filter(pk=person.pk, political_status__in=MEMBERS).exists()
        )
        if was_member and status in NOT_MEMBERS:
            _leave_party_records(actor=actor, person=person, on=today)
        return model_save(actor=actor, instance=person, changes=changes, action="people.person")


def _leave_party_records(*, actor, person: Person, on: datetime.date) -> None:
    """End the open membership and committee posts (dated `on`, or the day after they began)."""
    for row in person.memberships.filter(ends_on__isnull=True):
        membership_end(
            actor=actor, membership=row, ends_on=max(on, row.starts_on + datetime.timedelta(days=1))
        )
    for post in person.posts.filter(ends_on__isnull=True).select_related("organisation__court"):
        post_end(
            actor=actor, post=post, ends_on=max(on, post.starts_on + datetime.timedelta(days=1))
        )


def person_deactivate(*, actor, person: Person, on: datetime.date | None = None) -> Person:
    """Mark a person as no longer on the staff; their open membership and posts end that day."""
    with transaction.atomic():
        _leave_party_records(actor=actor, person=person, on=on or timezone.localdate())
        return model_save(
            actor=actor, instance=person, changes={"is_active": False}, action="people.person"
        )


def membership_end(*, actor, membership: Membership, ends_on: datetime.date) -> Membership:
    """Close a membership on a date (the row stays as history)."""
    if ends_on <= membership.starts_on:
        raise ApplicationError(_("A membership must end after it starts."))
    before = snapshot(membership)
    membership.ends_on = ends_on
    membership.save(update_fields=["ends_on"])
    audit_record(
        actor=actor,
        action="people.membership.ended",
        obj=membership,
        before=before,
        after=snapshot(membership),
        court=membership.person.court,
    )
    return membership


@transaction.atomic
def membership_move(
    *,
    actor,
    person: Person,
    organisation: PartyOrganisation,
    cell: PartyOrganisation | None = None,
    on: datetime.date,
) -> Membership:
    """Move a person into an organisation (and party group) from a date, closing the old row."""
    if not person.is_party_member:
        raise ApplicationError(
            _("Only full and probationary Party members belong to an organisation.")
        )
    if organisation.kind not in (
        PartyOrganisation.Kind.BRANCH,
        PartyOrganisation.Kind.GENERAL_BRANCH,
        PartyOrganisation.Kind.ORGAN_COMMITTEE,
    ):
        raise ApplicationError(
            _("Members belong to a branch, a general branch or an organ committee.")
        )
    if not organisation.is_active:
        raise ApplicationError(_("This organisation is no longer active."))
    if cell is not None and cell.parent_id != organisation.pk:
        raise ApplicationError(_("The party group must belong to the chosen branch."))
    current = (
        Membership.objects.select_for_update().filter(person=person, ends_on__isnull=True).first()
    )
    if current is not None:
        if current.organisation_id == organisation.pk and current.cell_id == (
            cell.pk if cell else None
        ):
            return current
        if on <= current.starts_on:
            raise ApplicationError(
                _("The move must be dated after the current membership started (%(date)s).")
                % {"date": current.starts_on}
            )
        membership_end(actor=actor, membership=current, ends_on=on)
        # Posts in the organisation left end with the membership (a secretary who moves is
        # no longer that branch's secretary).
        from tongxin.orgs.services import post_end

        for post in person.posts.filter(
            organisation_id=current.organisation_id, ends_on__isnull=True
        ):
            post_end(
                actor=actor, post=post, ends_on=max(on, post.starts_on + datetime.timedelta(days=1))
            )
    row = Membership(person=person, organisation=organisation, cell=cell, starts_on=on)
    return model_save(actor=actor, instance=row, changes={}, action="people.membership")


def grant_create(*, actor, user, role: str, court=None, organisation=None) -> RoleGrant:
    """Grant a role on a court subtree or, for branch roles, an organisation subtree."""
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."))
    if role in ORGANISATION_ROLES and organisation is None:
        raise ApplicationError(_("This role is granted on a Party organisation."))
    if role not in ORGANISATION_ROLES and court is None:
        raise ApplicationError(_("This role is granted on a court."))
    grant = RoleGrant(
        user=user, role=role, court=None if organisation else court, organisation=organisation
    )
    if RoleGrant.objects.filter(
        user=user, role=role, court=grant.court, organisation=organisation
    ).exists():
        raise ApplicationError(_("This user already holds this role there."))
    return model_save(actor=actor, instance=grant, changes={}, action="people.grant")


@transaction.atomic
def account_grant(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    court_code: str,
    organisation_name: str = "",
    staff_number: str = "",
) -> RoleGrant:
    """Grant a role to an account (created if new, with a password to change at first sign-in),
    optionally linking it to a person's record; everything must lie in the actor's reach."""
    from tongxin.core.permissions import Perm
    from tongxin.core.scoping import scope_for

    scope = scope_for(actor)
    court = scope.courts(Perm.GRANT_CHANGE).filter(code=court_code).first()
    if court is None:
        raise ApplicationError(
            _("No court with code “%(code)s” that you may manage.") % {"code": court_code}
        )
    organisation = None
    if organisation_name:
        organisation = PartyOrganisation.objects.filter(
            court=court, name_zh=organisation_name, is_active=True
        ).first()
        if organisation is None:
            raise ApplicationError(
                _("%(court)s has no active organisation named “%(name)s”.")
                % {"court": court.name, "name": organisation_name}
            )
    person = None
    if staff_number:
        person = Person.objects.filter(court=court, staff_number=staff_number).first()
        if person is None:
            raise ApplicationError(
                _("%(court)s has no person with staff number %(number)s.")
                % {"court": court.name, "number": staff_number}
            )
    if role == Role.MEMBER and organisation is not None:
        in_branch = (
            person is not None
            and person.memberships.filter(
                ends_on__isnull=True, organisation__path__startswith=organisation.path
            ).exists()
        )
        if not in_branch:
            raise ApplicationError(
                _("The member role goes to a member of that organisation: give their staff number.")
            )
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password)
        Profile.objects.create(user=user, must_change_password=True)
    if person is not None:
        if person.user_id not in (None, user.pk):
            raise ApplicationError(_("This person is already linked to another account."))
        Person.objects.filter(pk=person.pk).update(user=user)
    return grant_create(
        actor=actor,
        user=user,
        role=role,
        court=None if organisation else court,
        organisation=organisation,
    )


def grant_revoke(*, actor, grant: RoleGrant) -> None:
    """Withdraw a role grant."""
    before = snapshot(grant)
    court = grant.court or grant.organisation.court
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="people.grant.revoked",
            obj=grant,
            before=before,
            after=None,
            court=court,
        )
        grant.delete()


def profile_for(user) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def profile_set_language(*, user, language: str) -> Profile:
    """Remember the user's interface language."""
    profile = profile_for(user)
    profile.language = language
    profile.save(update_fields=["language"])
    return profile


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the token, which is shown only this once."""
    name = (name or "").strip() or "token"
    token = "tx_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name[:100], digest=token_digest(token), prefix=token[:8]
    )
    audit_record(
        actor=user,
        action="people.api_token.created",
        obj=row,
        before=None,
        after={"name": row.name, "prefix": row.prefix},
        court=None,
    )
    return row, token


def api_token_revoke(*, user, token: ApiToken) -> None:
    """Delete one of the user's tokens."""
    audit_record(
        actor=user,
        action="people.api_token.revoked",
        obj=token,
        before={"name": token.name, "prefix": token.prefix},
        after=None,
        court=None,
    )
    token.delete()


def _lock_key(username: str) -> str:
    return "login-lock:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def login_locked_until(username: str):
    """When the name's lock ends, or None. Names without an account lock the same way (kept in
    the cache), so the lock-out tells nobody which accounts exist."""
    now = timezone.now()
    profile = Profile.objects.filter(user__username=username).only("locked_until").first()
    if profile is not None:
        return profile.locked_until if profile.locked_until and profile.locked_until > now else None
    until = cache.get(_lock_key(username) + ":until")
    return until if until and until > now else None


def login_failed(username: str):
    """Count a failed sign-in; returns the lock's end when this failure locks the name."""
    minutes = settings.LOCKOUT_MINUTES
    until = timezone.now() + datetime.timedelta(minutes=minutes)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        key = _lock_key(username)
        count = (cache.get(key) or 0) + 1
        if count < settings.LOCKOUT_THRESHOLD:
            cache.set(key, count, minutes * 60)
            return None
        cache.delete(key)
        cache.set(key + ":until", until, minutes * 60)
        return until
    Profile.objects.get_or_create(user=user)
    Profile.objects.filter(user=user).update(failed_logins=F("failed_logins") + 1)
    if Profile.objects.get(user=user).failed_logins < settings.LOCKOUT_THRESHOLD:
        return None
    Profile.objects.filter(user=user).update(locked_until=until, failed_logins=0)
    return until


def login_succeeded(user) -> None:
    """A successful sign-in clears the failure count."""
    Profile.objects.update_or_create(user=user, defaults={"failed_logins": 0, "locked_until": None})
