from functools import cache

from tongxin.inbox.selectors import unread_count, waiting_total


def inbox(request):
    """The header's inbox badge: unread notices and things waiting (one query and a cache
    read). Lazy: the template calls them, so fragments that show no header pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @cache
    def unread() -> int:
        return unread_count(user)

    @cache
    def badge() -> int:
        return unread() + waiting_total(user)

    return {"inbox_unread": unread, "inbox_badge": badge}
