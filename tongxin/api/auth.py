"""API authentication: a bearer token, or the browser's session for signed-in users.

Tokens are stored as SHA-256 digests only (`tongxin.accounts.services.token_digest`). Session
authentication is safe here because every endpoint is read-only (GET), and ninja's session
auth still runs Django's CSRF check, which refuses unsafe methods without a token.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from tongxin.accounts.models import ApiToken
from tongxin.accounts.services import token_digest

# last_used_at is written at most this often per token, so a busy client costs one read.
TOUCH_EVERY = datetime.timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


def token_user(token: str):
    """The active user a token belongs to (and mark the token used), or None."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    row = (
        ApiToken.objects.usable()
        .select_related("user", "user__profile")
        .filter(digest=token_digest(token), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - TOUCH_EVERY:
        # Conditional: of concurrent requests only one writes, and none reads-modifies-writes.
        ApiToken.objects.filter(pk=row.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
        ).update(last_used_at=now)
    return row.user


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; a token that is sent but not valid is a 401 at once."""

    def authenticate(self, request, token):
        user = token_user(token)
        if user is None:
            raise AuthenticationError(message=_("The API token is not valid."))
        request.user = user
        _use_profile_language(user)
        return user


def _use_profile_language(user) -> None:
    """Answer in the language the user chose in the product (as the pages do)."""
    from django.core.exceptions import ObjectDoesNotExist
    from django.utils import translation

    try:
        language = user.profile.language  # loaded with the token: no extra query
    except ObjectDoesNotExist:
        return
    if language:
        translation.activate(language)


class Session(SessionAuth):
    """The browser session of a signed-in user (the interactive docs use it)."""

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None
