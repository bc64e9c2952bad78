"""Expected answers of the accounts routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from tests.walk import ALL, row

# Grants and accounts: system administrators and party-affairs staff (grant.view and
# grant.change); every other role lacks the permissions (403); the outsider, party-affairs
# staff of another province, holds them but does not see province A's member (404).
GRANT_PAGES = row(200, 200, 403, 403, 403, 403, 403, 403, 200)
GRANTORS = row(200, 200, 403, 403, 403, 403, 403, 403, 404)

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "accounts:login": (None, ALL),
    "accounts:logout": (None, row(*[405] * 9)),  # POST only
    "accounts:password-change": (None, ALL),
    "accounts:password-change-done": (None, ALL),
    "accounts:set-language": (None, row(*[405] * 9)),  # POST only
    "accounts:profile": (None, ALL),
    "accounts:token-revoke": (lambda w: {"pk": w.token.pk}, row(*[405] * 9)),  # POST only
    "accounts:grant-list": (None, GRANT_PAGES),
    "accounts:grant-revoke": (lambda w: {"pk": w.member_grant.pk}, GRANTORS),
    "accounts:user-detail": (lambda w: {"pk": w.users["member"].pk}, GRANTORS),
    "accounts:user-unlock": (lambda w: {"pk": w.users["member"].pk}, GRANTORS),
    "accounts:user-password-reset": (lambda w: {"pk": w.users["member"].pk}, GRANTORS),
}
