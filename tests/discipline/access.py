"""Expected answers of the discipline routes for each role (read by the access walks).

Written by hand from docs/permissions.md. The register is narrower than the court: an entry
recorded by the branch member in the basic court is read by that member, the discipline
inspection and trial management offices above it, and nobody else (the court leader is not
named as a reader in the walk's world); only its recorder corrects it.
"""

from tests.walk import ALL, row

# (admin, party, secretary, committee, member, leader, discipline, trial, outsider)
OWN_ENTRY = row(404, 404, 404, 404, 200, 404, 200, 200, 404)
CORRECT = row(404, 404, 404, 404, 200, 404, 403, 403, 404)
OFFICES = row(403, 403, 403, 403, 403, 403, 200, 200, 403)
DISCIPLINE_OFFICE = row(403, 403, 403, 403, 403, 403, 200, 403, 403)
READER = row(404, 404, 404, 404, 404, 404, 200, 404, 404)
DISCIPLINE_READ = row(200, 200, 403, 403, 403, 200, 200, 403, 200)
DISCIPLINE_DETAIL = row(200, 200, 404, 404, 404, 200, 200, 404, 404)


def entry(w):
    if not hasattr(w, "entry"):
        from tests.discipline.factories import record

        w.entry = record(w.users["member"])
    return w.entry


def reader(w):
    if not hasattr(w, "reader"):
        from tongxin.discipline.models import RegisterReader

        w.reader = RegisterReader.objects.create(court=w.basic, user=w.users["leader"])
    return w.reader


def check(w):
    if not hasattr(w, "check"):
        import datetime

        from tongxin.discipline.models import SupervisionCheck

        w.check = SupervisionCheck.objects.create(
            court=w.basic,
            area="reception",
            checked_on=datetime.date(2026, 3, 1),
            subject="公务接待",
        )
    return w.check


def session(w):
    if not hasattr(w, "session"):
        import datetime

        from tongxin.discipline.models import EducationSession

        w.session = EducationSession.objects.create(
            court=w.basic, held_on=datetime.date(2026, 3, 1), title="警示教育大会"
        )
    return w.session


PAGES = {
    "discipline:entry-list": (None, ALL),
    "discipline:entry-create": (None, ALL),
    "discipline:entry-detail": (lambda w: {"pk": entry(w).pk}, OWN_ENTRY),
    "discipline:entry-correct": (lambda w: {"pk": entry(w).pk}, CORRECT),
    "discipline:summary": (None, OFFICES),
    "discipline:reader-list": (None, DISCIPLINE_OFFICE),
    "discipline:reader-remove": (lambda w: {"pk": reader(w).pk}, READER),
    "discipline:heads": (None, DISCIPLINE_OFFICE),
    "discipline:record-list": (None, DISCIPLINE_READ),
    "discipline:record-create": (None, DISCIPLINE_OFFICE),
    "discipline:check-list": (None, DISCIPLINE_READ),
    "discipline:check-create": (None, DISCIPLINE_OFFICE),
    "discipline:check-detail": (lambda w: {"pk": check(w).pk}, DISCIPLINE_DETAIL),
    "discipline:session-list": (None, DISCIPLINE_READ),
    "discipline:session-create": (None, DISCIPLINE_OFFICE),
    "discipline:session-detail": (lambda w: {"pk": session(w).pk}, DISCIPLINE_DETAIL),
}

REFUSED = row(404, 404, 404, 404, 405, 404, 405, 405, 404)
_E = lambda w: {"entry_id": entry(w).pk}  # noqa: E731

API = {
    "/api/v1/discipline/register": (None, ALL),
    "POST /api/v1/discipline/register": (None, row(*[422] * 9)),
    "/api/v1/discipline/register/{entry_id}": (_E, OWN_ENTRY),
    "POST /api/v1/discipline/register/{entry_id}/corrections": (
        _E,
        row(404, 404, 404, 404, 422, 404, 403, 403, 404),
    ),
    "PUT /api/v1/discipline/register/{entry_id}": (_E, REFUSED),
    "PATCH /api/v1/discipline/register/{entry_id}": (_E, REFUSED),
    "DELETE /api/v1/discipline/register/{entry_id}": (_E, REFUSED),
    "/api/v1/discipline/register-summary": (None, OFFICES),
    "/api/v1/discipline/records": (None, DISCIPLINE_READ),
}
