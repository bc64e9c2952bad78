"""Writes for accounts: role grants, profiles, API tokens and the sign-in lock-out.

Every change a person could ask "who did this?" about is audited: grants given and withdrawn,
a person's record linked to an account, the initial-password flag cleared, tokens created and
revoked, an account unlocked or given a new password by an administrator.

Who may grant what (`tongxin.accounts.scope`): a role is given or withdrawn on a court (or an
organisation of a court) below a grant of the actor carrying grant.change whose role may give
it (`roles_within`: no stronger than its own); an account is unlocked or reset by an actor who
could withdraw every one of its grants.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.accounts.models import ApiToken, Profile, RoleGrant, SignInLock
from tongxin.core.audit import audit_record, snapshot
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import ORGANISATION_ROLES, Perm, Role, role_has, roles_within
from tongxin.core.scoping import scope_for
from tongxin.core.services import model_save
from tongxin.orgs.models import Court, PartyOrganisation
from tongxin.people.models import Person


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
    try:
        # The database refuses a second identical grant too (two requests at once).
        return model_save(actor=actor, instance=grant, changes={}, action="people.grant")
    except ApplicationError as error:
        raise ApplicationError(_("This user already holds this role there.")) from error


def person_link(*, actor, person: Person, user) -> Person:
    """Link a staff record to a sign-in account (audited: the link decides what a member sees)."""
    if person.user_id == user.pk:
        return person
    if person.user_id is not None:
        raise ApplicationError(_("This person is already linked to another account."))
    if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise ApplicationError(_("This account is already linked to another person."))
    before = {"user_id": person.user_id}
    Person.objects.filter(pk=person.pk).update(user=user)
    person.user = user
    audit_record(
        actor=actor,
        action="people.person.linked",
        obj=person,
        before=before,
        after={"user_id": user.pk, "username": user.username},
        court=person.court,
    )
    return person


def roles_grantable(scope, court=None) -> list[str]:
    """The roles the user may grant on `court` (or, without a court, somewhere), in the role
    table's order."""
    allowed: set[str] = set()
    for grant in scope.grants:
        if not grant.court_path or not role_has(grant.role, Perm.GRANT_CHANGE):
            continue
        if court is None or court.path.startswith(grant.court_path):
            allowed.update(roles_within(grant.role))
    return [role for role in Role.values if role in allowed]


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
    optionally linking it to a person's record; everything must lie in the actor's reach, and
    the role must be one the actor's grant there may give. Checked before anything is written
    (and written in one transaction)."""
    scope = scope_for(actor)
    if role not in Role.values:
        raise ApplicationError(_("Choose a role."))
    court = scope.visible(Court, Perm.GRANT_CHANGE).filter(code=court_code).first()
    if court is None:
        raise ApplicationError(
            _("No court with code “%(code)s” that you may manage.") % {"code": court_code}
        )
    if role not in roles_grantable(scope, court):
        raise ApplicationError(
            _("Your roles at %(court)s do not let you grant the role “%(role)s”.")
            % {"court": court.name, "role": Role(role).label}
        )
    if role in ORGANISATION_ROLES and not organisation_name:
        raise ApplicationError(
            _("The role “%(role)s” is granted on a Party organisation: give its name.")
            % {"role": Role(role).label}
        )
    if role not in ORGANISATION_ROLES and organisation_name:
        raise ApplicationError(
            _("The role “%(role)s” is granted on a court: leave the organisation empty.")
            % {"role": Role(role).label}
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
        audit_record(
            actor=actor,
            action="accounts.user.created",
            obj=user,
            before=None,
            after={"username": username, "must_change_password": True},
            court=court,
        )
    if person is not None:
        person_link(actor=actor, person=person, user=user)
    return grant_create(
        actor=actor,
        user=user,
        role=role,
        court=None if organisation else court,
        organisation=organisation,
    )


def grant_revoke(*, actor, grant: RoleGrant) -> None:
    """Withdraw a role grant (one the actor's grants may give: see the module)."""
    if not scope_for(actor).can(Perm.GRANT_CHANGE, grant):
        raise ApplicationError(_("Your roles do not let you withdraw this role."))
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


@transaction.atomic
def password_changed(*, user) -> int:
    """After a password change: lift the "change it first" flag and revoke every API token
    (a token given out under the old password should not outlive it). Returns the number of
    tokens revoked."""
    if Profile.objects.filter(user=user, must_change_password=True).update(
        must_change_password=False
    ):
        audit_record(
            actor=user,
            action="accounts.user.password_set",
            obj=user,
            before={"must_change_password": True},
            after={"must_change_password": False},
            court=None,
        )
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        api_token_revoke(user=user, token=token, reason="password changed")
    return len(tokens)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_create(*, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create an API token (expiring after `days`, or never); returns the row and the token,
    which is shown only this once."""
    name = (name or "").strip() or "token"
    if days is not None and not 1 <= days <= 3660:
        raise ApplicationError(_("A token lasts between 1 day and 10 years."))
    token = "tx_" + secrets.token_urlsafe(32)
    expires = timezone.now() + datetime.timedelta(days=days) if days else None
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=name[:100],
            digest=token_digest(token),
            prefix=token[:8],
            expires_at=expires,
        )
        audit_record(
            actor=user,
            action="accounts.api_token.created",
            obj=row,
            before=None,
            after={"name": row.name, "prefix": row.prefix, "expires_at": _iso(expires)},
            court=None,
        )
    return row, token


def _iso(value):
    return value.isoformat() if value else None


def api_token_revoke(*, user, token: ApiToken, reason: str = "", actor=None) -> None:
    """Delete one of the user's tokens (`actor`: who did it, when not the user)."""
    with transaction.atomic():
        audit_record(
            actor=actor or user,
            action="accounts.api_token.revoked",
            obj=token,
            before={"name": token.name, "prefix": token.prefix},
            after={"reason": reason} if reason else None,
            court=None,
        )
        token.delete()


# Sign-in lock-out ----------------------------------------------------------------------


def lock_key(username: str) -> str:
    """Every spelling of a name ("Trial", "TRIAL", " trial") shares one key, and a name with an
    account is counted exactly like one without."""
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()


def login_locked_until(username: str):
    """When the name's lock ends, or None."""
    until = (
        SignInLock.objects.filter(key=lock_key(username))
        .values_list("locked_until", flat=True)
        .first()
    )
    return until if until and until > timezone.now() else None


def login_failed(username: str):
    """Count a failed sign-in; returns the lock's end when this failure locks the name."""
    key = lock_key(username)
    now = timezone.now()
    window = datetime.timedelta(minutes=settings.LOCKOUT_MINUTES)
    with transaction.atomic():
        try:
            with transaction.atomic():
                SignInLock.objects.get_or_create(key=key)
        except IntegrityError:
            pass  # a concurrent request created it
        # Failures older than the lock window are forgotten (a typo last week counts not).
        SignInLock.objects.filter(key=key, updated_at__lt=now - window).update(failures=0)
        SignInLock.objects.filter(key=key).update(failures=F("failures") + 1, updated_at=now)
        row = SignInLock.objects.select_for_update().get(key=key)
        if row.failures < settings.LOCKOUT_THRESHOLD:
            return None
        until = now + window
        SignInLock.objects.filter(key=key).update(locked_until=until, failures=0)
        return until


def login_succeeded(username: str) -> None:
    """A successful sign-in clears the failure count."""
    SignInLock.objects.filter(key=lock_key(username)).delete()


# Account administration -----------------------------------------------------------------


def account_court(user) -> Court | None:
    """The court whose subtree holds all the account's grants (the nearest common ancestor of
    their courts): the audit entries about the account go to its log, which every court
    above it reads."""
    rows = RoleGrant.objects.filter(user=user).values_list(
        "court__path", "organisation__court__path"
    )
    paths = [(court or org_court).split(".")[:-1] for court, org_court in rows]
    if not paths:
        return None
    common = paths[0]
    for path in paths[1:]:
        n = 0
        while n < min(len(common), len(path)) and common[n] == path[n]:
            n += 1
        common = common[:n]
    return Court.objects.filter(pk=int(common[-1])).first() if common else None


def _account_administered(actor, user) -> None:
    if not scope_for(actor).can(Perm.GRANT_CHANGE, user):
        raise ApplicationError(
            _("This account holds roles beyond what your own roles let you manage.")
        )


def account_unlock(*, actor, user) -> None:
    """Lift the sign-in lock of an account's name (and forget its failed attempts)."""
    _account_administered(actor, user)
    locked = login_locked_until(user.username)
    if locked is None:
        raise ApplicationError(_("This account is not locked."))
    with transaction.atomic():
        SignInLock.objects.filter(key=lock_key(user.username)).delete()
        audit_record(
            actor=actor,
            action="accounts.user.unlocked",
            obj=user,
            before={"locked_until": locked.isoformat()},
            after={"locked_until": None},
            court=account_court(user),
        )


@transaction.atomic
def account_password_reset(*, actor, user, password: str) -> int:
    """Give an account a new initial password: the user must change it at the next sign-in,
    their sessions end (the password's hash changes) and their API tokens are revoked, as
    with a password change. Returns the number of tokens revoked."""
    _account_administered(actor, user)
    if user.pk == actor.pk:
        raise ApplicationError(_("Change your own password on your password page."))
    user.set_password(password)
    user.save(update_fields=["password"])
    profile = profile_for(user)
    if not profile.must_change_password:
        profile.must_change_password = True
        profile.save(update_fields=["must_change_password"])
    tokens = list(ApiToken.objects.filter(user=user))
    for token in tokens:
        api_token_revoke(user=user, token=token, reason="password reset", actor=actor)
    audit_record(
        actor=actor,
        action="accounts.user.password_reset",
        obj=user,
        before=None,  # a reset is recorded even when the flag was already set
        after={"must_change_password": True, "api_tokens_revoked": len(tokens)},
        court=account_court(user),
    )
    return len(tokens)
