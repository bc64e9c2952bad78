"""Expected answers of the orgs routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from tests.walk import (
    ADMIN_ONLY,
    ALL,
    BRANCH_CHANGE,
    COURT_CHANGE,
    COURT_READ_DETAIL,
    COURT_READ_LIST,
    row,
)

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "orgs:court-list": (None, row(200, 200, 403, 403, 403, 200, 200, 200, 200)),
    "orgs:court-create": (None, row(200, 200, 403, 403, 403, 403, 403, 403, 200)),
    "orgs:court-detail": (
        lambda w: {"pk": w.basic.pk},
        row(200, 200, 404, 404, 404, 200, 200, 200, 404),
    ),
    "orgs:court-edit": (lambda w: {"pk": w.basic.pk}, COURT_CHANGE),
    "orgs:court-deactivate": (lambda w: {"pk": w.basic.pk}, COURT_CHANGE),
    "orgs:department-list": (None, row(200, 200, 403, 403, 403, 200, 200, 200, 200)),
    "orgs:department-create": (lambda w: {"court_pk": w.basic.pk}, COURT_CHANGE),
    "orgs:department-edit": (lambda w: {"pk": w.dept.pk}, COURT_CHANGE),
    "orgs:department-deactivate": (lambda w: {"pk": w.dept.pk}, COURT_CHANGE),
    "orgs:organisation-list": (None, ALL),
    "orgs:organisation-create": (
        lambda w: {"court_pk": w.basic.pk},
        row(200, 200, 200, 403, 403, 403, 403, 403, 404),
    ),
    "orgs:organisation-detail": (
        lambda w: {"pk": w.branch.pk},
        row(200, 200, 200, 200, 200, 200, 200, 200, 404),
    ),
    "orgs:organisation-edit": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:organisation-deactivate": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:term-create": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:election-record": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:postponement-record": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:post-create": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    "orgs:post-end": (lambda w: {"pk": w.branch.posts.first().pk}, BRANCH_CHANGE),
    "orgs:health": (None, row(200, 200, 200, 200, 403, 200, 200, 403, 200)),
    "orgs:rule-list": (None, ADMIN_ONLY),
}

# API path template → (sample values, expected status per role)
API = {
    "/api/v1/courts": (None, COURT_READ_LIST),
    "/api/v1/courts/{court_id}": (lambda w: {"court_id": w.basic.pk}, COURT_READ_DETAIL),
    "/api/v1/departments": (None, COURT_READ_LIST),
    "/api/v1/departments/{department_id}": (
        lambda w: {"department_id": w.dept.pk},
        COURT_READ_DETAIL,
    ),
    "/api/v1/organisations": (None, ALL),
    "/api/v1/organisations/{organisation_id}": (
        lambda w: {"organisation_id": w.branch.pk},
        row(200, 200, 200, 200, 200, 200, 200, 200, 404),
    ),
}
