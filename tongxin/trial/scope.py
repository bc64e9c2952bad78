"""How the trial app's records are reached: a court grant with trial.view reaches its
subtree; a judge reaches their own record, values and cases (registered on the models)."""

from __future__ import annotations

from django.db.models import Q

from tongxin.core.permissions import Perm
from tongxin.core.scoping import Scope, any_prefix
from tongxin.people.scope import own_person


def own_judge_id(scope: Scope) -> int | None:
    person = own_person(scope)
    return person.pk if person is not None else None


def judge_rule(scope: Scope, perm: str) -> Q:
    q = any_prefix(scope.court_paths(Perm.TRIAL_VIEW), "court__path")
    own = own_judge_id(scope) if perm == Perm.TRIAL_VIEW else None
    if own is not None:
        q |= Q(pk=own)
    return q


def value_rule(scope: Scope, perm: str) -> Q:
    q = any_prefix(scope.court_paths(Perm.TRIAL_VIEW), "court__path")
    own = own_judge_id(scope) if perm == Perm.TRIAL_VIEW else None
    if own is not None:
        q |= Q(judge_id=own, level="judge")
    return q


def court_paths(scope: Scope) -> list[str]:
    return scope.court_paths(Perm.TRIAL_VIEW)
