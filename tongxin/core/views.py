from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from tongxin.core import exports
from tongxin.core.access import requires
from tongxin.core.lists import AUDIT, AuditFilters
from tongxin.core.permissions import Perm


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    """403 with the answer that is true: "you can see this but not change it" only when the
    user sees the object (Forbidden.VIEW_ONLY), else "you cannot open this page"."""
    from tongxin.core.exceptions import Forbidden

    view_only = getattr(exception, "kind", None) == Forbidden.VIEW_ONLY
    return render(request, "403.html", {"view_only": view_only}, status=403)


@requires(Perm.AUDIT_VIEW)
def audit_list(request):
    """The audit log of the user's courts (read-only: there is no way to change it)."""
    filters = AuditFilters.from_params(request.GET)
    return AUDIT.page(
        request,
        template="core/audit_list.html",
        context={"search": filters.q, "action": filters.action},
    )


# Exports --------------------------------------------------------------------------------


@requires(signed_in=True)
def export_list(request):
    """My exports: the large exports prepared in the background, with their files."""
    jobs = list(exports.export_list(user=request.user))
    return render(
        request,
        "core/export_list.html",
        {"jobs": jobs, "keep_days": _keep_days()},
    )


@requires(signed_in=True)
def export_detail(request, pk: int):
    """One export job: its progress while it is prepared, then its file or why it failed."""
    job = exports.export_get(user=request.user, pk=pk)
    return render(
        request,
        "core/export_detail.html",
        {"job": job, "progress": exports.export_progress(job), "keep_days": _keep_days()},
    )


@requires(signed_in=True)
def export_progress(request, pk: int):
    """The progress bar of a job, polled by its page (htmx) while the job is not finished;
    once it is, the fragment asks htmx to reload the page, which shows the result."""
    job = exports.export_get(user=request.user, pk=pk)
    # Rendered without the request: the navigation's context processor is not needed here.
    response = HttpResponse(
        render_to_string(
            "core/_export_progress.html", {"job": job, "progress": exports.export_progress(job)}
        )
    )
    if not job.is_active:
        response["HX-Refresh"] = "true"
    return response


@requires(signed_in=True)
def export_download(request, pk: int):
    """The file of a finished job: its owner only (anyone else: 404)."""
    return exports.export_download(user=request.user, pk=pk)


def _keep_days() -> int:
    from django.conf import settings

    return settings.EXPORT_KEEP_DAYS
