"""Expected answers of the people routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from tests.walk import ALL, BRANCH_CHANGE, PERSON_CHANGE, row

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "people:person-list": (None, row(200, 200, 200, 200, 403, 200, 200, 200, 200)),
    "people:person-create": (None, row(200, 200, 404, 403, 403, 403, 403, 403, 404)),
    "people:person-detail": (
        lambda w: {"pk": w.members[3].pk},
        row(200, 200, 200, 200, 404, 200, 200, 200, 404),
    ),
    "people:person-edit": (lambda w: {"pk": w.members[3].pk}, PERSON_CHANGE),
    "people:person-deactivate": (lambda w: {"pk": w.members[3].pk}, PERSON_CHANGE),
    "people:person-move": (lambda w: {"pk": w.members[3].pk}, PERSON_CHANGE),
    "people:dues": (
        lambda w: {"pk": w.branch.pk},
        row(200, 200, 200, 200, 403, 200, 403, 403, 404),
    ),
    # Placing the branch's members in its Party cells: who may change its people.
    "people:cell-assign": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
}

# API path template → (sample values, expected status per role)
API = {
    "/api/v1/me": (None, ALL),
    "/api/v1/people": (None, row(200, 200, 200, 200, 403, 200, 200, 200, 200)),
    # Another member of the branch: a member may read only their own record.
    "/api/v1/people/{person_id}": (
        lambda w: {"person_id": w.members[3].pk},
        row(200, 200, 200, 200, 404, 200, 200, 200, 404),
    ),
}
