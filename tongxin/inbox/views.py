from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongxin.core.access import requires
from tongxin.inbox import selectors, services

PAGE_SIZE = 30


@requires(signed_in=True)
def index(request):
    """My inbox: what waits for me across the product, then my notices (newest first)."""
    show = request.GET.get("show", "unread")
    notices = selectors.notices_for(request.user)
    if show != "all":
        show = "unread"
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/index.html",
        {
            "waiting": [item for _code, item in selectors.waiting_for(request.user)],
            "page": page,
            "show": show,
            "unread": selectors.unread_count(request.user),
        },
    )


@requires(signed_in=True)
@require_POST
def read(request, pk: int):
    """Mark one notice read and follow its link (a link inside the product only)."""
    notice = services.notice_get(user=request.user, pk=pk)
    services.mark_read(user=request.user, notice=notice)
    target = notice.url if request.POST.get("open") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("inbox:index")


@requires(signed_in=True)
@require_POST
def read_all(request):
    count = services.mark_all_read(user=request.user)
    messages.success(request, _("%(count)s notices marked read.") % {"count": count})
    return redirect("inbox:index")
