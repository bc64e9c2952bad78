"""Who reaches opinions, tasks and their attachments (registered with tongxin.core.scoping).

Court grants carrying the permission reach the rows of their court subtree. Besides that,
everyone reaches their own opinions (as submitter) and the tasks they are responsible for or
assigned; those need no grant (a member holds none of these permissions).
"""

from __future__ import annotations

from django.db.models import Q

from tongxin.core.permissions import Perm, Role
from tongxin.core.scoping import NOTHING, Scope, any_prefix


def _own_person_id(scope: Scope):
    from tongxin.people.scope import own_person

    person = own_person(scope)
    return person.pk if person is not None else None


def opinion_rule(scope: Scope, perm: str) -> Q:
    q = any_prefix(scope.court_paths(perm), "court__path")
    if perm == Perm.OPINION_VIEW:
        own = _own_person_id(scope)
        if own is not None:
            q |= Q(submitter_id=own)
    return q


def task_rule(scope: Scope, perm: str) -> Q:
    q = any_prefix(scope.court_paths(perm), "court__path")
    if perm == Perm.TASK_VIEW and getattr(scope.user, "pk", None):
        own = _own_person_id(scope)
        q |= Q(assigner_id=scope.user.pk)
        if own is not None:
            q |= Q(responsible_id=own)
    return q


def update_rule(scope: Scope, perm: str) -> Q:
    from tongxin.answers.models import Task

    if perm != Perm.TASK_VIEW:
        return NOTHING
    return Q(task__in=Task.objects.filter(task_rule(scope, perm)).order_by().values("pk"))


def attachment_rule(scope: Scope, perm: str) -> Q:
    """An attachment is seen with the record it belongs to (whatever perm is asked)."""
    from tongxin.answers.models import Opinion, Task

    opinions = Opinion.objects.filter(opinion_rule(scope, Perm.OPINION_VIEW)).values("pk")
    tasks = Task.objects.filter(task_rule(scope, Perm.TASK_VIEW)).values("pk")
    return Q(opinion__in=opinions) | Q(update__task__in=tasks)


def names_shown_q(scope: Scope, lookup: str = "court__path") -> Q:
    """Rows whose submitter's name this reader may see although it is hidden: only
    party-affairs staff, on their court subtree (not even a system administrator)."""
    paths = [g.court_path for g in scope.grants if g.role == Role.PARTY_AFFAIRS and g.court_path]
    return any_prefix(paths, lookup)


def sees_hidden_name(scope: Scope, court) -> bool:
    return any(
        g.role == Role.PARTY_AFFAIRS and g.court_path and court.path.startswith(g.court_path)
        for g in scope.grants
    )
