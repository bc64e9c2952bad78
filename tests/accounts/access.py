"""Expected answers of the accounts routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from tests.walk import ADMIN_ONLY, ALL, row

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "accounts:login": (None, ALL),
    "accounts:logout": (None, row(*[405] * 9)),  # POST only
    "accounts:password-change": (None, ALL),
    "accounts:password-change-done": (None, ALL),
    "accounts:set-language": (None, row(*[405] * 9)),  # POST only
    "accounts:profile": (None, ALL),
    "accounts:token-revoke": (lambda w: {"pk": w.token.pk}, row(*[405] * 9)),  # POST only
    "accounts:grant-list": (None, ADMIN_ONLY),
    "accounts:grant-revoke": (lambda w: {"pk": w.member_grant.pk}, ADMIN_ONLY),
}
