"""Expected answers of the transfer routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from tests.walk import IMPORTERS, OWN_BATCH

# route name → (path kwargs builder, expected statuses for GET)
PAGES = {
    "transfer:import-start": (None, IMPORTERS),
    # The trial management office imports cases, not people: that kind is not theirs (404).
    "transfer:import-template": (lambda w: {"kind": "people"}, {**IMPORTERS, "trial": 404}),
    # A pending import belongs to its uploader (party) alone: other importers get 404.
    "transfer:import-detail": (lambda w: {"pk": w.batch.pk}, OWN_BATCH),
    "transfer:import-commit": (
        lambda w: {"pk": w.batch.pk},
        {**OWN_BATCH, "party": 302},
    ),  # GET: back to preview
    "transfer:import-cancel": (lambda w: {"pk": w.batch.pk}, {**OWN_BATCH, "party": 302}),
    "transfer:import-rejects": (lambda w: {"pk": w.batch.pk}, OWN_BATCH),
    "transfer:import-rejects-file": (lambda w: {"pk": w.batch.pk}, OWN_BATCH),
    "transfer:import-progress": (lambda w: {"pk": w.batch.pk}, OWN_BATCH),
    # GET: back to the batch's page (taking a batch back is a POST).
    "transfer:import-recover": (lambda w: {"pk": w.batch.pk}, {**OWN_BATCH, "party": 302}),
}
