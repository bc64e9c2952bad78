"""Turn a user's role grants into querysets: the only place where "who sees what" is computed.

Core knows no domain model. Each app declares, next to its model, how the model is reached
(`@scoped(court=..., org=..., view=..., change=...)`): the lookups from the model to a court
path and to a Party-organisation path, and the permissions that read and change it. A model
whose visibility is narrower than its court (a register only some may read) adds a `narrow`
condition, or replaces the whole rule with `rule`, in its own app.

Every selector and view asks `scope_for(user)` for what a permission reaches:
`scope.visible(Model, perm)` is the queryset, `scope.get(Model, pk, perm)` an object or
NotFound (404: outside what the user may see) / Forbidden (403: seen, but not this action:
kind VIEW_ONLY; `scope.require` without the permission anywhere: kind CANNOT_OPEN),
`scope.can(perm, obj)` answers "may do" for an object. The grants themselves come from the
accounts app, which registers the loader (`grant_loader`); apps may add organisation paths
a user reaches by another route than a grant (`org_paths_source`: a member's own branch).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet

from tongxin.core.exceptions import Forbidden, NotFound
from tongxin.core.permissions import role_has

NOTHING = Q(pk__in=[])


def any_prefix(paths: Iterable[str], lookup: str) -> Q:
    """Rows whose `lookup` path starts with one of `paths` (nothing for no paths)."""
    q = NOTHING
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


@dataclass(frozen=True)
class Grant:
    """What the gate needs of a role grant: the role and the subtree it sits on."""

    role: str
    court_path: str | None = None
    org_path: str | None = None


@dataclass(frozen=True)
class Reach:
    """How a model is reached from a user's grants (see `scoped`)."""

    view: str
    change: str | None = None
    court: tuple[str, ...] = ()
    org: tuple[str, ...] = ()
    rule: Callable[[Scope, str], Q] | None = None
    narrow: Callable[[Scope, str], Q] | None = None

    def q(self, scope: Scope, perm: str) -> Q:
        if self.rule is not None:
            q = self.rule(scope, perm)
        else:
            q = NOTHING
            court_paths = scope.court_paths(perm)
            for lookup in self.court:
                q |= any_prefix(court_paths, lookup)
            if self.org:
                org_paths = scope.org_paths(perm)
                for lookup in self.org:
                    q |= any_prefix(org_paths, lookup)
        if self.narrow is not None:
            q &= self.narrow(scope, perm)
        return q


_REACH: dict[type[Model], Reach] = {}
_GRANT_LOADER: list[Callable] = []
_ORG_PATH_SOURCES: list[Callable] = []


def _tuple(value) -> tuple[str, ...]:
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def scoped(
    *,
    view: str,
    change: str | None = None,
    court: str | Iterable[str] = (),
    org: str | Iterable[str] = (),
    rule: Callable[[Scope, str], Q] | None = None,
    narrow: Callable[[Scope, str], Q] | None = None,
):
    """Class decorator: declare how a model is reached.

    `court`: lookups from the model to a court's path (a court grant reaches the row when one
    of them lies in the granted subtree); `org`: likewise to a Party organisation's path (for
    grants on organisations); `view`/`change`: the permissions to read and to change it;
    `rule(scope, perm) -> Q` replaces the lookups with a rule of the app's own; `narrow(scope,
    perm) -> Q` is ANDed to whichever applies (visibility narrower than the court).
    """

    def register(model):
        _REACH[model] = Reach(
            view=view,
            change=change,
            court=_tuple(court),
            org=_tuple(org),
            rule=rule,
            narrow=narrow,
        )
        return model

    return register


def reach_of(model) -> Reach:
    model = getattr(model, "model", model)  # a queryset names its model
    if model in _REACH:  # a proxy model may declare a reach of its own (trial.Judge)
        return _REACH[model]
    model = model._meta.concrete_model
    try:
        return _REACH[model]
    except KeyError:
        raise LookupError(
            f"{model._meta.label} declares no scope (tongxin.core.scoping.scoped)"
        ) from None


def scoped_models() -> dict:
    return dict(_REACH)


def grant_loader(loader: Callable) -> Callable:
    """Register the function user -> list[Grant] (the accounts app's)."""
    _GRANT_LOADER[:] = [loader]
    return loader


def org_paths_source(source: Callable) -> Callable:
    """Register `source(scope, perm) -> list[str]`: organisation paths a user reaches
    otherwise than by a grant (e.g. a member's own branch)."""
    if source not in _ORG_PATH_SOURCES:
        _ORG_PATH_SOURCES.append(source)
    return source


@dataclass
class Scope:
    user: object
    grants: list[Grant]
    _memo: dict = field(default_factory=dict, repr=False)

    def memo(self, key: str, compute: Callable):
        """A value computed once per request (e.g. the user's own staff record)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @property
    def roles(self) -> set[str]:
        return {grant.role for grant in self.grants}

    def has(self, perm: str) -> bool:
        """True if any grant carries the permission (somewhere)."""
        return any(role_has(grant.role, perm) for grant in self.grants)

    def require(self, perm: str) -> None:
        """Forbidden unless some grant carries the permission."""
        if not self.has(perm):
            raise Forbidden("forbidden", kind=Forbidden.CANNOT_OPEN)

    def court_paths(self, perm: str) -> list[str]:
        return [g.court_path for g in self.grants if g.court_path and role_has(g.role, perm)]

    def org_paths(self, perm: str) -> list[str]:
        paths = [g.org_path for g in self.grants if g.org_path and role_has(g.role, perm)]
        for source in _ORG_PATH_SOURCES:
            paths += source(self, perm)
        return paths

    def covers_court(self, court, perm: str) -> bool:
        """True if a court grant carrying `perm` reaches this court (no query)."""
        return any(court.path.startswith(path) for path in self.court_paths(perm))

    # Querysets -------------------------------------------------------------------------

    def q(self, model, perm: str | None = None) -> Q:
        reach = reach_of(model)
        return reach.q(self, perm or reach.view)

    def visible(self, model, perm: str | None = None) -> QuerySet:
        """The rows of `model` (or of a queryset) that `perm` (default: the model's view
        permission) reaches."""
        queryset = model if isinstance(model, QuerySet) else model._default_manager.all()
        return queryset.filter(self.q(queryset.model, perm))

    def can(self, perm: str, obj) -> bool:
        """True if the user may do `perm` to `obj` (one query)."""
        if obj is None or obj.pk is None or not self.has(perm):
            return False
        return self.visible(type(obj), perm).filter(pk=obj.pk).exists()

    # Object lookups ---------------------------------------------------------------------

    def get(
        self,
        model,
        pk,
        perm: str | None = None,
        queryset: QuerySet | None = None,
        *,
        view: str | None = None,
    ):
        """The object if the user may do `perm` to it; NotFound if they cannot see it (with the
        model's view permission, or `view`), Forbidden if they see it but may not do `perm`."""
        reach = reach_of(model)
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise NotFound("not found") from None
        if abs(pk) > 2**63 - 1:
            raise NotFound("not found")
        base = queryset if queryset is not None else model._default_manager.all()
        seen = view or reach.view
        obj = base.filter(self.q(model, seen), pk=pk).first()
        if obj is None:
            raise NotFound("not found")
        if perm and perm != seen and not self.can(perm, obj):
            raise Forbidden("forbidden", kind=Forbidden.VIEW_ONLY)
        return obj


def load_grants(user) -> list[Grant]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if not _GRANT_LOADER:
        return []
    return _GRANT_LOADER[0](user)


def scope_for(user) -> Scope:
    scope = getattr(user, "_tongxin_scope", None)
    if scope is None:
        scope = Scope(user=user, grants=load_grants(user))
        if user is not None:
            user._tongxin_scope = scope
    return scope


__all__ = ["Grant", "Reach", "Scope", "any_prefix", "scope_for", "scoped"]
