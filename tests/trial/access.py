"""Expected answers of the trial routes for each role (read by the access walks).

Written out by hand from docs/permissions.md: trial.view (system administrator, court leader,
trial management office) reaches the court subtree; party-affairs and discipline staff see
the court (court.view) but not its trial pages (403); organisation roles and the outsider do
not see the court (404). A judge (here the member, linked to a staff record) opens their own
page; the secretary and committee member, linked to other staff, are redirected from "mine"
to their own page.
"""

from tests.walk import ALL, row

COURT_TRIAL = row(200, 403, 404, 404, 404, 200, 403, 200, 404)
# The member's own staff record (w.members[5]) as a judge.
OWN_JUDGE = row(200, 404, 404, 404, 200, 200, 404, 200, 404)


def _court(w):
    return {"pk": w.basic.pk}


def _judge(w):
    return {"pk": w.members[5].pk}


PAGES = {
    "trial:index": (None, row(200, 403, 403, 403, 403, 200, 403, 200, 403)),
    "trial:mine": (None, row(200, 200, 302, 302, 302, 200, 200, 200, 200)),
    "trial:case": (None, ALL),
    "trial:health": (_court, COURT_TRIAL),
    "trial:chart": (lambda w: {"pk": w.basic.pk, "kind": "trend"}, COURT_TRIAL),
    "trial:cases": (_court, COURT_TRIAL),
    "trial:pending": (_court, COURT_TRIAL),
    "trial:judge": (_judge, OWN_JUDGE),
    "trial:judge-cases": (_judge, OWN_JUDGE),
}

API = {
    "/api/v1/trial/courts/{court_id}/indicators": (
        lambda w: {"court_id": w.basic.pk},
        COURT_TRIAL,
    ),
    "/api/v1/trial/judges/{judge_id}/indicators": (
        lambda w: {"judge_id": w.members[5].pk},
        OWN_JUDGE,
    ),
    # No case in the walk's store: nobody finds one (a case's scoping: test_api.py).
    "/api/v1/trial/cases/{number}": (lambda w: {"number": "(2024)苏0102民初1号"}, row(*[404] * 9)),
    # No such import: 404 for those who may import cases, 403 for everyone else.
    "/api/v1/trial/imports/{batch_id}": (
        lambda w: {"batch_id": 999_999},
        row(404, 403, 403, 403, 403, 403, 403, 404, 403),
    ),
}
