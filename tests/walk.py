"""What the access walks share: a row of expected statuses per role, the common rows, and
the collection of every app's rows (each app's tests/<app>/access.py declares its routes in
PAGES, and its API routes in API)."""

import importlib
import pkgutil

import tests
from tests.conftest import ROLES


def row(admin, party, secretary, committee, member, leader, discipline, trial, outsider):
    return dict(
        zip(
            ROLES,
            (admin, party, secretary, committee, member, leader, discipline, trial, outsider),
            strict=True,
        )
    )


ALL = row(*[200] * 9)
# Court-scoped change pages of province A: only admin and party; read roles 403.
COURT_CHANGE = row(200, 200, 404, 404, 404, 403, 403, 403, 404)
# Change pages of the branch: admin, party and its secretary; other viewers 403.
BRANCH_CHANGE = row(200, 200, 200, 403, 403, 403, 403, 403, 404)
# Change pages of a person in the branch (a member may not see another member's record).
PERSON_CHANGE = row(200, 200, 200, 403, 404, 403, 403, 403, 404)
ADMIN_ONLY = row(200, 403, 403, 403, 403, 403, 403, 403, 403)
# The trial management office imports cases (import.run with trial.import).
IMPORTERS = row(200, 200, 403, 403, 403, 403, 403, 200, 200)
OWN_BATCH = row(404, 200, 403, 403, 403, 403, 403, 404, 404)


COURT_READ_LIST = row(200, 200, 403, 403, 403, 200, 200, 200, 200)
COURT_READ_DETAIL = row(200, 200, 404, 404, 404, 200, 200, 200, 404)


def collect(name: str) -> dict:
    """Merge the dict `name` (PAGES or API) of every tests/<app>/access.py."""
    merged = {}
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            access = importlib.import_module(f"tests.{module.name}.access")
        except ModuleNotFoundError:
            continue
        for key, value in getattr(access, name, {}).items():
            assert key not in merged, f"{key} has rows in two apps"
            merged[key] = value
    return merged
