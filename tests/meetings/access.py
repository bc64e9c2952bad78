"""Expected answers of the meetings routes for each role (read by the access walks).

Written out by hand from docs/permissions.md ("Organisational life"), not computed from the
scoping code they check. Roles: admin, party, secretary, committee, member, leader,
discipline, trial, outsider (party-affairs staff of another province).
"""

import datetime

from tests.walk import row

# A list of meetings / my calendar: every role holding meeting.view (not trial management).
VIEW_LIST = row(200, 200, 200, 200, 200, 200, 200, 403, 200)
# A meeting of the branch: its viewers; trial management and outsiders do not see it.
VIEW_MEETING = row(200, 200, 200, 200, 200, 200, 200, 404, 404)
# Changing a meeting: admin, party-affairs staff and the branch secretary.
CHANGE_MEETING = row(200, 200, 200, 403, 403, 403, 403, 404, 404)
# Compliance pages (heat map, rules): not members, not trial management.
COMPLIANCE = row(200, 200, 200, 200, 403, 200, 200, 403, 200)
# Compliance of the branch (seen with org.view; the permission checked on it).
ORG_COMPLIANCE = row(200, 200, 200, 200, 403, 200, 200, 403, 404)
# Compliance of the basic court (seen with court.view).
COURT_COMPLIANCE = row(200, 200, 404, 404, 404, 200, 200, 403, 404)
PUBLIC_FEED = row(*[200] * 9)


def _meeting(w):
    if not hasattr(w, "meetings_meeting"):
        from tests.meetings.factories import held

        w.meetings_meeting = held(w.branch, held_on=datetime.date(2025, 3, 10), signed=False)
    return w.meetings_meeting


def _attachment(w):
    if not hasattr(w, "meetings_attachment"):
        from tongxin.meetings.models import Attachment

        w.meetings_attachment = Attachment.objects.create(
            meeting=_meeting(w), name="a.pdf", content_type="application/pdf", size=9,
            content=b"%PDF-1.4\n",
        )  # fmt: skip
    return w.meetings_attachment


def _token(w):
    if not hasattr(w, "meetings_feed_token"):
        from tongxin.meetings.services import feed_for

        w.meetings_feed_token = feed_for(w.users["member"]).token
    return w.meetings_feed_token


PAGES = {
    "meetings:meeting-list": (None, VIEW_LIST),
    "meetings:meeting-create": (
        lambda w: {"org_pk": w.branch.pk},
        row(200, 200, 200, 403, 403, 403, 403, 404, 404),
    ),
    "meetings:meeting-detail": (lambda w: {"pk": _meeting(w).pk}, VIEW_MEETING),
    "meetings:meeting-edit": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    "meetings:attendance": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    "meetings:minutes": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    "meetings:attachment-add": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    "meetings:attachment": (lambda w: {"pk": _attachment(w).pk}, VIEW_MEETING),
    "meetings:sign-off": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    "meetings:cancel": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    "meetings:critique": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    "meetings:issue-add": (lambda w: {"pk": _meeting(w).pk}, CHANGE_MEETING),
    # Seen with org.view (trial management sees the organisation): 403 without the change.
    "meetings:plan": (
        lambda w: {"pk": w.branch.pk},
        row(200, 200, 200, 403, 403, 403, 403, 403, 404),
    ),
    "meetings:my-calendar": (None, VIEW_LIST),
    "meetings:org-calendar": (
        lambda w: {"pk": w.branch.pk},
        row(200, 200, 200, 200, 200, 200, 200, 403, 404),
    ),
    "meetings:org-people": (lambda w: {"pk": w.branch.pk}, ORG_COMPLIANCE),
    "meetings:feed-page": (None, VIEW_LIST),
    # Public addresses, valid only with a user's current token (a wrong one: 404, tested).
    "meetings:feed-person": (lambda w: {"token": _token(w)}, PUBLIC_FEED),
    "meetings:feed-org": (lambda w: {"token": _token(w), "org_pk": w.branch.pk}, PUBLIC_FEED),
    "meetings:heatmap": (None, COMPLIANCE),
    "meetings:heatmap-data": (None, COMPLIANCE),
    "meetings:explain": (None, COMPLIANCE),
    "meetings:rule-list": (None, COMPLIANCE),
    "meetings:rule-create": (None, row(200, 200, 403, 403, 403, 403, 403, 403, 200)),
    "meetings:report-org-xlsx": (lambda w: {"pk": w.branch.pk}, ORG_COMPLIANCE),
    "meetings:report-org-pdf": (lambda w: {"pk": w.branch.pk}, ORG_COMPLIANCE),
    "meetings:report-court-xlsx": (lambda w: {"pk": w.basic.pk}, COURT_COMPLIANCE),
    "meetings:report-court-pdf": (lambda w: {"pk": w.basic.pk}, COURT_COMPLIANCE),
}

API = {
    "/api/v1/meetings": (None, VIEW_LIST),
    "/api/v1/meetings/{meeting_id}": (lambda w: {"meeting_id": _meeting(w).pk}, VIEW_MEETING),
    "/api/v1/meetings/{meeting_id}/attendance": (
        lambda w: {"meeting_id": _meeting(w).pk},
        VIEW_MEETING,
    ),
    "/api/v1/compliance": (None, COMPLIANCE),
    # Writes, walked with an empty JSON body: a create needs its body before anything else
    # (the organisation is in it), so every signed-in role gets 422; an update of the
    # branch's meeting (nothing to change) and an attendance with no rows (everyone absent)
    # succeed for the roles that change meetings.
    "POST /api/v1/meetings": (None, row(*[422] * 9)),
    "PATCH /api/v1/meetings/{meeting_id}": (
        lambda w: {"meeting_id": _meeting(w).pk},
        CHANGE_MEETING,
    ),
    "PUT /api/v1/meetings/{meeting_id}/attendance": (
        lambda w: {"meeting_id": _meeting(w).pk},
        CHANGE_MEETING,
    ),
}
