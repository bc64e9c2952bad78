"""Views declare what they need; the declaration is enforced here and read by the access walk.

    @requires(Perm.COURT_VIEW)                       # a page of the user's scope
    @requires(Perm.COURT_CHANGE, Court)               # an object: view(request, court, ...)
    @requires(Perm.ORG_CHANGE, PartyOrganisation, pk="org_pk")
    @requires(signed_in=True)                         # any signed-in user (own profile...)

With a model, the object named by the URL keyword `pk` is looked up through
`Scope.get(model, pk, perm)` and passed to the view in place of the keyword: 404 for an
object outside the user's scope, 403 for one they see but may not change (a route without
that keyword, such as "new", passes None and needs the permission somewhere). Without a model the
user needs the permission somewhere (403 otherwise). Every routed view carries
`view.access` (an `Access`), and a test fails for a route without one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tongxin.core.scoping import scope_for


@dataclass(frozen=True)
class Access:
    perm: str | None  # None: any signed-in user (or anyone, with public)
    model: type | None = None
    pk: str = "pk"
    public: bool = False


def requires(
    perm: str | None = None,
    model=None,
    *,
    pk: str = "pk",
    parent: tuple | None = None,
    parent_view: str | None = None,
    signed_in: bool = False,
):
    """See the module docstring. `parent=(Model, "court_pk")`: a route that creates an object
    under a parent names the parent instead; it is looked up with `perm` (seen with
    `parent_view` or its model's view permission) and passed as the keyword `parent`."""
    if perm is None and not signed_in:
        raise TypeError("requires() needs a permission, or signed_in=True")
    access = Access(perm=perm, model=model, pk=pk)

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            scope = scope_for(request.user)
            if model is not None:
                if kwargs.get(pk) is not None:
                    return view(request, scope.get(model, kwargs.pop(pk), perm), *args, **kwargs)
                kwargs.pop(pk, None)
                if parent is not None and kwargs.get(parent[1]) is not None:
                    found = scope.get(parent[0], kwargs.pop(parent[1]), perm, view=parent_view)
                    return view(request, None, *args, parent=found, **kwargs)
                if perm is not None:
                    scope.require(perm)
                return view(request, None, *args, **kwargs)  # a new object: none to look up
            if perm is not None:
                scope.require(perm)
            return view(request, *args, **kwargs)

        wrapper.access = access
        return wrapper

    return decorate


def public(view):
    """A page anyone may open (sign-in, language switch): declared, not forgotten."""
    from django.contrib.auth.decorators import login_not_required

    view = login_not_required(view)
    view.access = Access(perm=None, public=True)
    return view


def access_of(view) -> Access | None:
    """The declaration of a routed view (class-based views carry it on `view_class`)."""
    found = getattr(view, "access", None)
    if found is None and hasattr(view, "view_class"):
        found = getattr(view.view_class, "access", None)
    return found
