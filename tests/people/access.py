"""Expected answers of the people routes for each role (read by tests/test_access_walk.py).

Written out by hand from docs/permissions.md, not computed from the scoping code they check.
"""

from tests.walk import ALL, BRANCH_CHANGE, PERSON_CHANGE, row


def _payment(world):
    """A recorded month of a member of the branch (made once per world)."""
    if not hasattr(world, "payment"):
        import datetime

        from tongxin.people.models import DuesPayment

        world.payment = DuesPayment.objects.create(
            person=world.members[3],
            organisation=world.branch,
            month=datetime.date(2026, 1, 1),
            amount=100,
            status="paid",
            paid_on=datetime.date(2026, 1, 20),
            receipt="R-WALK",
        )
    return world.payment


def _transfer(world):
    """A member of the branch in transit to another province's branch (made once)."""
    if not hasattr(world, "transfer"):
        import datetime

        from tongxin.people.models import Transfer

        world.transfer = Transfer.objects.create(
            person=world.members[8],
            from_organisation=world.branch,
            to_organisation=world.other_branch,
            letter_number="W-1",
            sent_on=datetime.date(2026, 3, 1),
        )
    return world.transfer


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
    "people:transfer-create": (lambda w: {"pk": w.members[3].pk}, PERSON_CHANGE),
    "people:transfer-list": (None, row(200, 200, 200, 200, 403, 200, 200, 200, 200)),
    # Only the receiving side (the other province's party-affairs staff, here the
    # outsider) settles it; the sending side cannot see the receiving branch (404).
    "people:transfer-receive": (
        lambda w: {"pk": _transfer(w).pk},
        row(404, 404, 404, 404, 404, 404, 404, 404, 200),
    ),
    "people:transfer-return": (
        lambda w: {"pk": _transfer(w).pk},
        row(404, 404, 404, 404, 404, 404, 404, 404, 200),
    ),
    "people:dues-record": (lambda w: {"pk": w.branch.pk}, BRANCH_CHANGE),
    # Seen with the dues permission, changed with dues.change.
    "people:dues-undo": (
        lambda w: {"pk": _payment(w).pk},
        row(200, 200, 200, 403, 404, 403, 404, 404, 404),
    ),
    "people:dues-year": (None, row(200, 200, 200, 200, 403, 200, 403, 403, 200)),
    "people:dues": (
        lambda w: {"pk": w.branch.pk},
        row(200, 200, 200, 200, 403, 200, 403, 403, 404),
    ),
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
