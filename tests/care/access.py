"""Expected answers of the care routes for each role (read by the access walks).

Written out by hand from docs/permissions.md ("Care"), not computed from the scoping code:
the talk and the home visit are by the committee user's person with the member user's
person (so the member reads them: their own); the help record lies on the high court, where
the party-affairs and leader users are granted (an administrator's grant does not reach help
records); the contact point is on the world's branch."""

from tests.care.factories import care_world
from tests.walk import row

# Lists of talks, visits and coverage: whoever holds talk.view.
TALK_LIST = row(200, 200, 200, 200, 403, 403, 403, 403, 200)
# The branch's coverage and the forms to record: the member, the leader, discipline and trial
# see the branch (org.view) but not its talks: 403.
COVERAGE = row(200, 200, 200, 200, 403, 403, 403, 403, 404)
RECORD = row(200, 200, 200, 200, 403, 403, 403, 403, 404)
# One talk: its branch's readers and the member talked with; nobody else even sees it.
TALK = row(200, 200, 200, 200, 200, 404, 404, 404, 404)
HELP_LIST = row(200, 200, 403, 403, 403, 200, 403, 403, 200)
HELP_CREATE = row(200, 200, 403, 403, 403, 403, 403, 403, 200)
HELP_ONE = row(404, 200, 404, 404, 404, 200, 404, 404, 404)
CONTACT_LIST = row(200, 200, 200, 200, 403, 200, 403, 403, 200)
CONTACT_ONE = row(200, 200, 200, 200, 404, 200, 404, 404, 404)
CONTACT_CREATE = row(200, 200, 404, 404, 404, 403, 403, 403, 404)
WRITE = row(400, 400, 400, 400, 403, 403, 403, 403, 404)
CONTACT_VISIT = row(200, 200, 403, 403, 404, 403, 404, 404, 404)

PAGES = {
    "care:coverage-list": (None, TALK_LIST),
    "care:coverage-detail": (lambda w: {"pk": w.branch.pk}, COVERAGE),
    "care:talk-list": (None, TALK_LIST),
    "care:my-talks": (None, row(*[200] * 9)),  # one's own: everyone signed in
    "care:talk-detail": (lambda w: {"pk": care_world(w).talk.pk}, TALK),
    "care:talk-create": (lambda w: {"pk": w.branch.pk}, RECORD),
    "care:visit-list": (None, TALK_LIST),
    "care:visit-detail": (lambda w: {"pk": care_world(w).visit.pk}, TALK),
    "care:visit-create": (lambda w: {"pk": w.branch.pk}, RECORD),
    "care:help-list": (None, HELP_LIST),
    "care:help-create": (None, HELP_CREATE),
    "care:help-detail": (lambda w: {"pk": care_world(w).help.pk}, HELP_ONE),
    "care:contact-list": (None, CONTACT_LIST),
    "care:contact-detail": (lambda w: {"pk": care_world(w).contact.pk}, CONTACT_ONE),
    "care:contact-create": (lambda w: {"court_pk": w.basic.pk}, CONTACT_CREATE),
    "care:contact-visit-create": (lambda w: {"pk": care_world(w).contact.pk}, CONTACT_VISIT),
}

API = {
    "/api/v1/care/talks": (None, TALK_LIST),
    "/api/v1/care/talks/{talk_id}": (lambda w: {"talk_id": care_world(w).talk.pk}, TALK),
    "/api/v1/care/visits": (None, TALK_LIST),
    "/api/v1/care/visits/{visit_id}": (lambda w: {"visit_id": care_world(w).visit.pk}, TALK),
    "/api/v1/care/help": (None, HELP_LIST),
    "/api/v1/care/help/{help_id}": (lambda w: {"help_id": care_world(w).help.pk}, HELP_ONE),
    "/api/v1/care/contacts": (None, CONTACT_LIST),
    "/api/v1/care/contacts/{contact_id}": (
        lambda w: {"contact_id": care_world(w).contact.pk},
        CONTACT_ONE,
    ),
    # Writes, walked with an empty body: the access check first (404/403), then the service
    # says what is missing (400).
    "POST /api/v1/care/branches/{organisation_id}/talks": (
        lambda w: {"organisation_id": w.branch.pk},
        WRITE,
    ),
    "POST /api/v1/care/branches/{organisation_id}/visits": (
        lambda w: {"organisation_id": w.branch.pk},
        WRITE,
    ),
    "/api/v1/care/coverage/{organisation_id}": (
        lambda w: {"organisation_id": w.branch.pk},
        COVERAGE,
    ),
}


# For tests/core/test_exports.py: a list an administrator does not reach is read as a user
# who does (the rows come from tests/care/factories.py sample_list_rows).
LIST_READERS = {
    "care.help": ("party", None),  # an administrator never reaches help records
}
