"""List pages: search, filters, pagination and export (.xlsx, CSV) of exactly what is filtered."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.shortcuts import render

from tongxin.core.paging import PAGE_PARAMS, bounded_count, cursor_of, keyset_page


def text_param(params, name: str, max_length: int = 100) -> str:
    """A query parameter as clean text: trimmed, bounded, without NUL (PostgreSQL refuses it)."""
    return params.get(name, "").replace("\x00", "").strip()[:max_length]


@dataclass
class Column:
    """One column of a list's export. `value(obj)` reads it from a row object; an export of a
    queryset reads `field` instead when every column has one: a values() path or an
    expression, with `labels` (choices: value → label, resolved once per export in the
    reader's language) or `convert` (a function of the value) applied to it. So a large
    export builds no model instance and looks up no label per row."""

    header: str
    value: Callable
    field: object = None  # "court__code", or an expression such as Subquery(...)
    labels: object = None  # choices as (value, label) pairs or a mapping
    convert: Callable | None = None


def active_flag(value: str) -> bool | None:
    """The one meaning of an `active` filter, for pages, exports and the API alike:
    "" or "1" active only (the default), "0" inactive only, anything else ("all") both."""
    return {"": True, "1": True, "0": False}.get(value)


class Filters:
    """Base of a list's filter dataclass: every field a bounded text parameter, read the same
    way from a page's query string, an export's and the API's (`aliases`: API names)."""

    aliases: dict[str, str] = {}

    @classmethod
    def from_params(cls, params) -> Filters:
        values = {}
        for item in dataclasses.fields(cls):
            value = params.get(item.name)
            if value in (None, "") and item.name in cls.aliases:
                value = params.get(cls.aliases[item.name])
            values[item.name] = text_param({"v": "" if value is None else str(value)}, "v")
        return cls(**values)

    from_request = from_params


@dataclass
class ListDefinition:
    """One list: its filters, its scoped selector, its columns and its export file name. The
    page, its .xlsx export and the API list endpoint all read rows through `queryset`, so a
    filter means the same everywhere."""

    filters: type[Filters]
    select: Callable[..., object]  # select(user=..., filters=...) -> QuerySet, in its order
    columns: Callable[[], Sequence[Column]]  # built per request: headers in its language
    filename: str
    per_page: int | None = None
    # decorate(rows): per-row figures (counts of members, staff...) for the rows shown or
    # exported only, in one query, instead of an aggregate over the whole list.
    decorate: Callable[[list], None] | None = None
    # The list's name in the registry ("people.people"): a background export job names its
    # list by it and runs the selector again, as its user, in the worker.
    name: str = dataclasses.field(default="", kw_only=True)

    def __post_init__(self):
        if self.name:
            list_register(self)

    def queryset(self, user, params):
        return self.select(user=user, filters=self.filters.from_params(params))

    def page(self, request, *, template: str, context: dict | None = None):
        filters = self.filters.from_params(request.GET)
        return list_page(
            request,
            queryset=self.select(user=request.user, filters=filters),
            template=template,
            context={"filters": filters, **(context or {})},
            columns=self.columns(),
            filename=self.filename,
            per_page=self.per_page,
            decorate=self.decorate,
            definition=self,
        )

    def api_page(self, user, query) -> dict:
        """One page for the API: `query` is the endpoint's query schema (filters + limit and
        offset)."""
        qs = self.queryset(user, query.dict())
        if getattr(query, "after", ""):
            page = keyset_page(qs, {"after": query.after}, per_page=query.limit)
            items, offset = page.object_list, 0
            following = page.links.get("next", "").rpartition("after=")[2] or None
        else:
            items = list(qs[query.offset : query.offset + query.limit + 1])
            following = None
            if len(items) > query.limit:
                items = items[: query.limit]
                following = cursor_of(qs, items[-1])
            offset = query.offset
        if self.decorate is not None:
            self.decorate(items)
        count, capped = bounded_count(qs, max(settings.LIST_COUNT_CAP, offset + query.limit))
        return {
            "count": count,
            "count_capped": capped,
            "limit": query.limit,
            "offset": offset,
            "next": following,
            "items": items,
        }


# Every named ListDefinition, by name (filled as the apps' lists modules are imported).
LISTS: dict[str, ListDefinition] = {}


def list_register(definition: ListDefinition) -> None:
    known = LISTS.get(definition.name)
    if known is not None and known is not definition:
        raise ImproperlyConfigured(f"two lists are named {definition.name!r}")
    LISTS[definition.name] = definition


def list_get(name: str) -> ListDefinition | None:
    """The list named `name`, importing every installed app's `lists` module first (a
    worker process has not necessarily imported them)."""
    if name not in LISTS:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("lists")
    return LISTS.get(name)


def list_page(
    request,
    *,
    queryset,
    template: str,
    context: dict,
    columns: Sequence[Column],
    filename: str,
    per_page: int | None = None,
    footer: Sequence | None = None,
    decorate: Callable[[list], None] | None = None,
    definition: ListDefinition | None = None,
):
    """Render one page of `queryset`, or the whole filtered queryset with ?export=xlsx or
    ?export=csv (`footer`: a last row for the export, such as a total; `decorate(rows)`: adds
    per-row figures to the rows shown, in one query per page). See
    `core.exports.export_response`: CSV streams; a large .xlsx export of a named list
    (`definition`) becomes a background job."""
    if request.GET.get("export") in ("xlsx", "csv"):
        from tongxin.core.exports import export_response

        return export_response(
            request,
            queryset=queryset,
            columns=columns,
            filename=filename,
            footer=footer,
            definition=definition,
        )
    query = request.GET.copy()
    for name in PAGE_PARAMS:
        query.pop(name, None)
    export = query.copy()
    export["export"] = "xlsx"
    size = per_page or settings.PAGE_SIZE
    if hasattr(queryset, "query"):
        # A queryset: a keyset page and a bounded count, whatever the page and the list size.
        page = keyset_page(queryset, request.GET, per_page=size, query=query.urlencode())
        if decorate is not None:
            decorate(page.object_list)
    else:
        page = Paginator(queryset, size).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {**context, "page": page, "query": query.urlencode(), "export_query": export.urlencode()},
    )


def save_form(request, form, action: Callable, *, success: str) -> bool:
    """Validate `form` and call `action(form.cleaned_data)`; domain errors become form errors.

    Returns True when the action succeeded (a message is queued: `success`, or "Nothing
    changed." when the action recorded no change: every change is audited).
    """
    from django.contrib import messages
    from django.utils.translation import gettext as _

    from tongxin.core.exceptions import ApplicationError
    from tongxin.core.services import changes_recorded

    if request.method != "POST" or not form.is_valid():
        return False
    try:
        with changes_recorded() as recorded:
            action(form.cleaned_data)
    except ApplicationError as error:
        if error.extra and all(key in form.fields for key in error.extra):
            for key, errors in error.extra.items():
                for message in errors:
                    form.add_error(key, message)
        else:
            form.add_error(None, error.message)
        return False
    if recorded:
        messages.success(request, success)
    else:
        messages.info(request, _("Nothing changed."))
    return True


def form_page(
    request,
    *,
    form,
    action: Callable,
    success: str,
    redirect_to: Callable[[], str] | str,
    template: str,
    context: dict | None = None,
):
    """The usual page with a form: GET shows it, POST validates it and calls
    `action(cleaned_data)`; success redirects (`redirect_to` may be a callable, for an object
    the action has just created), failure shows the form with every error in place."""
    from django.shortcuts import redirect

    if save_form(request, form, action, success=success):
        return redirect(redirect_to() if callable(redirect_to) else redirect_to)
    return render(request, template, {"form": form, **(context or {})})


def confirm_page(
    request,
    *,
    obj,
    action: Callable,
    question: str,
    done: str,
    back: str,
    redirect_to: Callable[[], str] | str,
    blocker: str | None = None,
):
    """GET asks for confirmation; POST performs a destructive action. A `blocker` (why the
    action cannot be done now) is shown at once, without the button. `redirect_to` may be a
    callable, for an object the action makes."""
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
            return redirect(redirect_to() if callable(redirect_to) else redirect_to)
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
