"""Expected answers of the inbox routes for each role: everyone has an inbox of their own;
another user's notice is not found (written out by hand from docs/permissions.md)."""

from types import SimpleNamespace

from tests.walk import ALL, row

POST_ONLY = row(*[405] * 9)
# The member's notice: only the member reaches it.
MEMBERS_OWN = row(404, 404, 404, 404, 200, 404, 404, 404, 404)


def _member_notice_pk(world) -> int:
    from tongxin.inbox.models import Notice

    if not isinstance(world, SimpleNamespace):
        return 1  # the route check passes a stand-in and needs only the keyword

    notice, _ = Notice.objects.get_or_create(
        user=world.users["member"],
        event_key="walk:member",
        defaults={"subject": "Walk notice", "url": "/"},
    )
    return notice.pk


PAGES = {
    "inbox:index": (None, ALL),
    "inbox:read": (lambda w: {"pk": _member_notice_pk(w)}, POST_ONLY),
    "inbox:read-all": (None, POST_ONLY),
}

API = {
    "/api/v1/inbox": (None, ALL),
    "POST /api/v1/inbox/{notice_id}/read": (
        lambda w: {"notice_id": _member_notice_pk(w)},
        MEMBERS_OWN,
    ),
    "POST /api/v1/inbox/read-all": (None, ALL),
}
