"""Expected answers of the core routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from types import SimpleNamespace

from tests.walk import ALL, row


def _bulk_entry(world) -> dict:
    """An entry of a bulk write in province A's basic court (created for the walk's world;
    the route check passes a stand-in and needs only the keyword)."""
    from tongxin.core.models import AuditEntry

    if not isinstance(world, SimpleNamespace):
        return {"pk": 1}

    entry = AuditEntry.objects.create(
        actor_name="party",
        action="transfer.batch.committed",
        object_type="transfer.importbatch",
        object_id="1",
        object_repr="People · 人员.xlsx",
        court_path=world.basic.path,
    )
    return {"pk": entry.pk}


AUDITORS = row(200, 200, 403, 403, 403, 403, 403, 403, 200)

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "dashboards:home": (None, ALL),
    "dashboards:health-counts": (None, row(200, 200, 200, 200, 403, 200, 200, 403, 200)),
    "core:audit-list": (None, AUDITORS),
    # An entry of province A: its auditors; no one else sees it (404).
    "core:audit-changes": (_bulk_entry, row(200, 200, 404, 404, 404, 404, 404, 404, 404)),
    # Anyone who reads the audit log may ask for a record's history (scoped: the outsider's
    # is empty).
    "core:audit-history": (
        lambda w: {"object_type": "people.person", "object_id": str(w.members[0].pk)},
        AUDITORS,
    ),
}
