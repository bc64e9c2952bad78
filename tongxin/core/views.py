from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from tongxin.core import exports
from tongxin.core.access import requires
from tongxin.core.listing import Column, list_page
from tongxin.core.lists import AUDIT, AuditFilters
from tongxin.core.models import AuditChange, AuditEntry, _model_of
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


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


HISTORY_LIMIT = 200  # the latest changes of one record shown (entries and bulk changes each)


@requires(Perm.AUDIT_VIEW)
def audit_history(request, object_type: str, object_id: str):
    """Every audited change of one record within the user's courts, newest first: the entries
    services wrote for it and the changes bulk writes (imports) recorded under their entry,
    each with who, when, from where and every field's value before and after."""
    scope = scope_for(request.user)
    entries = (
        scope.visible(AuditEntry, Perm.AUDIT_VIEW)
        .filter(object_type=object_type[:80], object_id=object_id[:40])
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    changes = (
        scope.visible(AuditChange, Perm.AUDIT_VIEW)
        .filter(object_type=object_type[:80], object_id=object_id[:40])
        .select_related("entry")
        .order_by("-entry__at", "-id")[:HISTORY_LIMIT]
    )
    events = [
        {
            "at": e.at,
            "entry": e,
            "label": e.action_label,
            "changes": e.changes,
            "name": e.object_repr,
        }
        for e in entries
    ] + [
        {
            "at": c.entry.at,
            "entry": c.entry,
            "label": c.action_label,
            "changes": c.changes,
            "name": c.object_repr,
            "bulk": True,  # recorded under the entry of a bulk write (an import)
        }
        for c in changes
    ]
    events.sort(key=lambda event: (event["at"], event["entry"].pk), reverse=True)
    model = _model_of(object_type)
    return render(
        request,
        "core/audit_history.html",
        {
            "events": events[:HISTORY_LIMIT],
            "limited": len(events) > HISTORY_LIMIT,
            "limit": HISTORY_LIMIT,
            "kind": model._meta.verbose_name if model else object_type,
            "name": events[0]["name"] if events else "",
        },
    )


@requires(Perm.AUDIT_VIEW, AuditEntry)
def audit_changes(request, entry: AuditEntry):
    """The records a bulk write (one entry) changed, within the user's courts, a page at a time."""
    changes = (
        scope_for(request.user)
        .visible(AuditChange, Perm.AUDIT_VIEW)
        .filter(entry=entry)
        .order_by("id")
    )
    return list_page(
        request,
        queryset=changes,
        template="core/audit_changes.html",
        context={"entry": entry},
        columns=[
            Column(_("Action"), lambda c: c.action),
            Column(_("Object"), lambda c: c.object_repr),
            Column(_("Before"), lambda c: c.before),
            Column(_("After"), lambda c: c.after),
        ],
        filename=f"audit-{entry.pk}.xlsx",
    )
