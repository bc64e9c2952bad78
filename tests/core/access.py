"""Expected answers of the core routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from types import SimpleNamespace

from tests.walk import ALL, row

# An export job is its owner's alone (the party-affairs user's here): everyone else gets 404.
OWN_EXPORT = row(404, 200, 404, 404, 404, 404, 404, 404, 404)


def _export_job(world):
    """A finished export of the party-affairs user, with its file (made once per world)."""
    if not hasattr(world, "export_job"):
        from django.conf import settings

        from tongxin.core.models import ExportJob

        root = settings.EXPORT_ROOT
        (root / "walk.xlsx").write_bytes(b"PK\x03\x04")
        world.export_job = ExportJob.objects.create(
            user=world.users["party"],
            list_name="people.people",
            format="xlsx",
            file_name="people.xlsx",
            status=ExportJob.Status.DONE,
            row_count=1,
            file="walk.xlsx",
        )
    return world.export_job


def _job(world):
    return {"pk": _export_job(world).pk}


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


# Discipline inspection reads the log of its court subtree too.
AUDITORS = row(200, 200, 403, 403, 403, 403, 200, 403, 200)

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "dashboards:home": (None, ALL),
    "dashboards:health-counts": (None, row(200, 200, 200, 200, 403, 200, 200, 403, 200)),
    # The members chart needs org.view somewhere (a member reaches their branch otherwise).
    "dashboards:chart-data": (
        lambda w: {"name": "members"},
        row(200, 200, 200, 200, 403, 200, 200, 200, 200),
    ),
    # Discipline inspection reads the log of its court subtree.
    "core:audit-list": (None, AUDITORS),
    "core:export-list": (None, ALL),
    "core:export-detail": (_job, OWN_EXPORT),
    "core:export-progress": (_job, OWN_EXPORT),
    "core:export-download": (_job, OWN_EXPORT),
    # An entry of province A: its auditors; no one else sees it (404).
    "core:audit-changes": (_bulk_entry, row(200, 200, 404, 404, 404, 404, 200, 404, 404)),
    # Anyone who reads the audit log may ask for a record's history (scoped: the outsider's
    # is empty).
    "core:audit-history": (
        lambda w: {"object_type": "people.person", "object_id": str(w.members[0].pk)},
        AUDITORS,
    ),
}
