"""List pages: search, filters, pagination and Excel export of exactly what is filtered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from tongxin.lib.excel import workbook_response


def text_param(params, name: str, max_length: int = 100) -> str:
    """A query parameter as clean text: trimmed, bounded, without NUL (PostgreSQL refuses it)."""
    return params.get(name, "").replace("\x00", "").strip()[:max_length]


@dataclass
class Column:
    header: str
    value: Callable


def list_page(
    request,
    *,
    queryset,
    template: str,
    context: dict,
    columns: Sequence[Column],
    filename: str,
    per_page: int | None = None,
):
    """Render one page of `queryset`, or the whole filtered queryset as .xlsx with ?export=xlsx."""
    if request.GET.get("export") == "xlsx":
        rows = (
            [column.value(obj) for column in columns] for obj in queryset.iterator(chunk_size=2000)
        )
        return workbook_response(
            filename=filename, headers=[str(c.header) for c in columns], rows=rows
        )
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    export = request.GET.copy()
    export.pop("page", None)
    export["export"] = "xlsx"
    return render(
        request,
        template,
        {**context, "page": page, "query": query.urlencode(), "export_query": export.urlencode()},
    )


def save_form(request, form, action: Callable, *, success: str) -> bool:
    """Validate `form` and call `action(form.cleaned_data)`; domain errors become form errors.

    Returns True when the action succeeded (a success message is queued).
    """
    from django.contrib import messages

    from tongxin.core.exceptions import ApplicationError

    if request.method != "POST" or not form.is_valid():
        return False
    try:
        action(form.cleaned_data)
    except ApplicationError as error:
        if error.extra and all(key in form.fields for key in error.extra):
            for key, errors in error.extra.items():
                for message in errors:
                    form.add_error(key, message)
        else:
            form.add_error(None, error.message)
        return False
    messages.success(request, success)
    return True


def confirm_page(
    request,
    *,
    obj,
    action: Callable,
    question: str,
    done: str,
    back: str,
    redirect_to: str,
    blocker: str | None = None,
):
    """GET asks for confirmation; POST performs a destructive action. A `blocker` (why the
    action cannot be done now) is shown at once, without the button."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from tongxin.core.exceptions import ApplicationError

    error = None
    if request.method == "POST":
        try:
            action()
        except ApplicationError as exc:
            error = exc.message
        else:
            messages.success(request, done)
            return redirect(redirect_to)
    return render(
        request,
        "confirm.html",
        {
            "object": obj,
            "question": question,
            "error": error or blocker,
            "back": back,
            "blocked": bool(blocker),
        },
    )
