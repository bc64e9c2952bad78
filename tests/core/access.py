"""Expected answers of the core routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from tests.walk import ALL, row

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "dashboards:home": (None, ALL),
    "dashboards:health-counts": (None, row(200, 200, 200, 200, 403, 200, 200, 403, 200)),
    # Discipline inspection reads the log of its court subtree.
    "core:audit-list": (None, row(200, 200, 403, 403, 403, 403, 200, 403, 200)),
}
