from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from tongxin.core.access import requires
from tongxin.core.exceptions import ApplicationError, NotFound
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.transfer import downloads, registry, selectors, services, template_book
from tongxin.transfer.forms import SizeLimitHandler, UploadForm


def _after(request, name: str) -> int:
    """A page's keyset: the file row after which it starts (0 for the first page)."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else 0


@csrf_exempt  # checked below, once the size limit is in place (Django's documented pattern)
@requires(Perm.IMPORT_RUN)
def import_start(request):
    """The kinds with their templates, the upload form and the user's recent imports."""
    scope_for(request.user).require(Perm.IMPORT_RUN)
    if request.method == "POST":
        request.upload_handlers.insert(0, SizeLimitHandler(request, settings.IMPORT_MAX_BYTES))
    return _import_start(request)


@csrf_protect
def _import_start(request):
    kinds = services.import_kinds(request.user)
    data = (request.POST, request.FILES) if request.method == "POST" else ()
    form = UploadForm(*data, kinds=kinds)
    if request.method == "POST":
        if getattr(request, "upload_too_large", False):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", services.too_large_message())
        elif form.is_valid():
            try:
                batch = services.import_upload(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                )
            except ApplicationError as error:
                form.add_error("file", error.message)
            else:
                return redirect("transfer:import-detail", batch.pk)
    return render(
        request,
        "transfer/import_start.html",
        {
            "form": form,
            "kinds": kinds,
            "batches": selectors.import_list(user=request.user),
            "max_mb": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:g}",
        },
    )


@requires(Perm.IMPORT_RUN)
def import_template(request, kind: str):
    scope_for(request.user).require(Perm.IMPORT_RUN)
    if registry.get(kind) not in services.import_kinds(request.user):
        raise NotFound("not found")
    return template_book.template_response(kind)


@requires(Perm.IMPORT_RUN)
def import_detail(request, pk: int):
    """The preview of a pending import (rejects with reasons, counts) or the result of one; a
    page of its rows and a page of its rejects (`?rows=` / `?rejects=`: the file row after
    which each starts), read from a few of its chunks whatever the size of the batch."""
    scope_for(request.user).require(Perm.IMPORT_RUN)
    batch = selectors.import_get(user=request.user, pk=pk)
    rows_after, rejects_after = _after(request, "rows"), _after(request, "rejects")
    rows, rows_next = [], None
    rejects, rejects_next = [], None
    if not batch.is_previewing:
        rows, rows_next = selectors.rows_page(batch, rows_after)
        rejects, rejects_next = selectors.rejects_page(batch, rejects_after)
    kind = batch.import_kind
    return render(
        request,
        "transfer/import_detail.html",
        {
            "batch": batch,
            "progress": services.import_progress(batch) if batch.is_busy else None,
            "commit_state": services.commit_state(batch),
            "kind": kind,
            # A bulk kind's store holds its rows once the batch has ended.
            "rows_dropped": kind is not None and kind.is_bulk and not batch.is_pending,
            "rejects": rejects,
            "rejects_after": rejects_after,
            "rejects_next": rejects_next,
            "rows": rows,
            "rows_after": rows_after,
            "rows_next": rows_next,
        },
    )


def _act(request, pk: int, action, done):
    """POST: run action(actor, batch) and flash done(batch) (a callable or a message)."""
    scope_for(request.user).require(Perm.IMPORT_RUN)
    batch = selectors.import_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            action(actor=request.user, batch=batch)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done(batch) if callable(done) else done)
    return redirect("transfer:import-detail", batch.pk)


@requires(Perm.IMPORT_RUN)
def import_commit(request, pk: int):
    """Commit at once (small batches) or hand the batch to the background worker."""
    scope_for(request.user).require(Perm.IMPORT_RUN)
    batch = selectors.import_get(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            batch = services.import_commit_start(
                actor=request.user, batch=batch, client_address=request.META.get("REMOTE_ADDR")
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if batch.status == batch.Status.COMMITTED:
                messages.success(request, _("Import committed."))
            elif batch.is_committing:
                messages.info(
                    request,
                    _(
                        "The import is being committed in the background; this page shows "
                        "its progress. You may leave it and come back."
                    ),
                )
    return redirect("transfer:import-detail", batch.pk)


@requires(Perm.IMPORT_RUN)
def import_progress(request, pk: int):
    """The progress bar of a background job (the check of a large file or a commit), polled
    by the page (htmx) while it runs.

    Once the batch has left PREVIEWING or COMMITTING, or its job has stopped (the lease
    expired), or the claim has waited for a worker longer than the page knew (`?seen=`), the
    fragment stops polling or asks htmx to reload the page, which then shows the result or
    the way back.
    """
    scope_for(request.user).require(Perm.IMPORT_RUN)
    batch = selectors.import_status_get(user=request.user, pk=pk)
    state = services.commit_state(batch)
    # Rendered without the request: the navigation's context processor is not needed here.
    response = HttpResponse(
        render_to_string(
            "transfer/_import_progress.html",
            {
                "batch": batch,
                "progress": services.import_progress(batch),
                "commit_state": state,
                "job": request.GET.get("job"),
            },
        )
    )
    seen = request.GET.get("seen")
    if not batch.is_busy or state == "stopped" or (state == "stalled" and seen != state):
        response["HX-Refresh"] = "true"
    return response


@requires(Perm.IMPORT_RUN)
def import_recover(request, pk: int):
    """Take back a batch whose commit stopped or never started (POST; `retry` commits it
    again at once)."""
    scope_for(request.user).require(Perm.IMPORT_RUN)
    batch = selectors.import_get(user=request.user, pk=pk)
    if request.method == "POST":
        retry = request.POST.get("retry") == "1"
        try:
            batch = services.import_recover(
                actor=request.user,
                batch=batch,
                retry=retry,
                client_address=request.META.get("REMOTE_ADDR"),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if batch.status == batch.Status.COMMITTED:
                messages.success(request, _("Import committed."))
            elif batch.is_previewing:
                messages.info(request, _("The file is being checked again in the background."))
            elif batch.is_committing:
                messages.info(request, _("The import is being committed again in the background."))
            else:
                messages.info(
                    request,
                    _(
                        "The import is back in the preview; nothing was written. Commit or cancel it."
                    ),
                )
    return redirect("transfer:import-detail", batch.pk)


@requires(Perm.IMPORT_RUN)
def import_cancel(request, pk: int):
    """Cancel a pending batch (or one being checked); one with nothing to write is "closed"
    (the same thing)."""
    return _act(
        request,
        pk,
        services.import_cancel,
        lambda batch: (
            _("Import closed; there was nothing to write.")
            if batch.status == batch.Status.CANCELLED
            and not batch.rows_to_write
            and batch.rejected_count + batch.unchanged_count
            else _("Import cancelled; nothing was written.")
        ),
    )


@requires(Perm.IMPORT_RUN)
def import_rejects(request, pk: int):
    scope_for(request.user).require(Perm.IMPORT_RUN)
    return downloads.rejects_response(selectors.import_get(user=request.user, pk=pk))


@requires(Perm.IMPORT_RUN)
def import_rejects_file(request, pk: int):
    """The rejected rows in the uploaded file's format, with a column of reasons."""
    scope_for(request.user).require(Perm.IMPORT_RUN)
    return downloads.rejects_file_response(selectors.import_get(user=request.user, pk=pk))
