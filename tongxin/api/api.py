"""The ninja API object: gathers each app's router under /api/v1/.

Every error leaves as `{"message": ..., "extra": {...}}` with 401, 403, 404 or 422. The
schema (`openapi.json`) is public; the interactive docs (`docs`) need a signed-in browser
session and are served from the product's own static files (see docs/api.md).

Enumerating the routes (for tests that walk every one): `api_routes()` lists each operation
as (method, path template, operation id); path parameters are named after the model they take
(`PATH_PARAMETERS`), so `path.format(court_id=..., person_id=...)` gives a sample URL.
"""

from __future__ import annotations

from typing import NamedTuple

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.urls import Resolver404, path, re_path, resolve, reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from tongxin.api.auth import BearerToken, Session
from tongxin.core.exceptions import ApplicationError, Forbidden, NotFound

PATH_PARAMETERS = {
    "court_id": "orgs.Court",
    "department_id": "orgs.Department",
    "organisation_id": "orgs.PartyOrganisation",
    "person_id": "people.Person",
    "meeting_id": "meetings.Meeting",
    "opinion_id": "answers.Opinion",
    "task_id": "answers.Task",
    "list_id": "answers.ResponsibilityList",
    "cycle_id": "evaluation.Cycle",
    "poll_id": "evaluation.Poll",
    "entry_id": "discipline.RegisterEntry",
}
# URL names that are not API operations: the schema, the docs, the index and the fallback.
SERVICE_URL_NAMES = frozenset({"openapi-json", "openapi-view", "api-root", "not-found"})


def _error(message, status: int, extra: dict | None = None) -> JsonResponse:
    response = JsonResponse(
        {"message": str(message), "extra": extra or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="tongxin"'
    return response


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese names stay readable


class TongxinAPI(NinjaAPI):
    """NinjaAPI whose URLs answer JSON to anyone: authentication is the API's own business,
    not the sign-in redirect of LoginRequiredMiddleware (the docs page excepted)."""

    def _get_urls(self):
        urls = [p for p in super()._get_urls() if p.name != "api-root"]
        urls.append(path("", api_index, name="api-root"))
        urls.append(re_path(r"^.*$", api_not_found, name="not-found"))
        for pattern in urls:
            if pattern.name != "openapi-view":
                login_not_required(pattern.callback)
        return urls

    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # court_list, person_detail, ...


api = TongxinAPI(
    title="Tongxin API",
    version="1",
    description="Read-only access to courts, departments, Party organisations and people, "
    "scoped like the pages. Authenticate with `Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=[BearerToken(), Session()],
    docs_url="/docs",
    renderer=Renderer(),
)


def api_index(request):
    return JsonResponse(
        {
            "title": api.title,
            "version": api.version,
            "openapi": reverse("api:openapi-json"),
            "docs": reverse("api:openapi-view"),
        }
    )


def api_not_found(request):
    extra = {}
    if request.path.endswith("/"):
        try:
            match = resolve(request.path.rstrip("/"))
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not-found":
            extra["did_you_mean"] = request.path.rstrip("/")  # routes take no trailing slash
    return _error(_("There is no such API endpoint."), 404, extra)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    # Scope lookups raise with terse internal messages; say it the same way everywhere.
    if isinstance(exc, NotFound):
        message = _("Not found.")
    elif isinstance(exc, Forbidden):
        message = _("Your roles do not allow this.")
    else:
        message = exc.message
    return _error(message, exc.status_code, exc.extra)


@api.exception_handler(Http404)
def not_found(request, exc):
    return _error(_("Not found."), 404)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    message = exc.message
    if isinstance(exc, AuthenticationError) and message == "Unauthorized":
        message = _("Authentication required: send the header Authorization: Bearer <token>.")
    elif exc.status_code == 403:
        message = _("Your roles do not allow this.")
    return _error(message, exc.status_code)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = [
        {
            "location": [str(part) for part in error.get("loc", ())],
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors
    ]
    return _error(_("Some request parameters are not valid."), 422, {"errors": errors})


def _register_routers() -> None:
    """Each installed Tongxin app's `<app>/api.py` `router`, in INSTALLED_APPS order (a new
    app's API appears by being installed; this module names none of them)."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("tongxin.") or config.name == "tongxin.api":
            continue
        if find_spec(f"{config.name}.api") is None:
            continue
        router = getattr(import_module(f"{config.name}.api"), "router", None)
        if router is not None:
            api.add_router("", router)


_register_routers()


class ApiRoute(NamedTuple):
    method: str  # "GET"
    path: str  # "/api/v1/courts/{court_id}"
    operation_id: str


def api_routes() -> list[ApiRoute]:
    """Every API operation, read from the OpenAPI schema (needs the URLconf loaded)."""
    schema = api.get_openapi_schema()
    return [
        ApiRoute(method.upper(), route, operation["operationId"])
        for route, operations in sorted(schema["paths"].items())
        for method, operation in operations.items()
    ]
