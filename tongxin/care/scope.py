"""How the care records are reached (registered with `tongxin.core.scoping` by the models).

Talks and home visits belong to a branch. Their existence (who talked with whom, when: the
coverage figures) is reached like the branch (`talk.view` on its court or organisation) and by
the two people concerned. What was said (summary, notes, follow-up: `talk.summary`), and
changing a record (`talk.change`), is narrower: only grants on an organisation (the branch
committee: secretary and committee members of the branch or above it within the Party tree)
and the two people concerned, whichever court role might hold the permission. So the court's
party-affairs staff see that a talk took place, for the coverage, but never its summary.

Help records are narrower than their court: only party-affairs staff and court leaders
granted on the record's own court (not a court above it) see them.
"""

from __future__ import annotations

from django.db.models import Q

from tongxin.core.permissions import Perm, Role, role_has
from tongxin.core.scoping import NOTHING, Scope, any_prefix
from tongxin.people.scope import own_person

# Roles whose grant on a court reaches that court's help records (domain.md section 4).
HELP_ROLES = frozenset({Role.PARTY_AFFAIRS, Role.COURT_LEADER})


def _own_id(scope: Scope) -> int | None:
    person = own_person(scope)
    return person.pk if person is not None else None


def confidential(author: str):
    """The rule and the narrow condition of a branch's confidential record (a talk, whose
    author is its `talker`; a home visit, its `visitor`)."""

    def rule(scope: Scope, perm: str) -> Q:
        """Reached like its branch, and by the two people concerned."""
        q = any_prefix(scope.court_paths(perm), "organisation__court__path")
        q |= any_prefix(scope.org_paths(perm), "organisation__path")
        own = _own_id(scope)
        if own is not None and perm in (Perm.TALK_VIEW, Perm.TALK_SUMMARY):
            q |= Q(person_id=own) | Q(**{f"{author}_id": own})
        return q

    def narrow(scope: Scope, perm: str) -> Q:
        """What was said, and changes: organisation grants (the committee) and the people
        concerned (the person talked with reads, the author reads and changes); existence
        (`talk.view`) is not narrowed."""
        if perm == Perm.TALK_VIEW:
            return Q()
        org_paths = [g.org_path for g in scope.grants if g.org_path and role_has(g.role, perm)]
        q = any_prefix(org_paths, "organisation__path")
        own = _own_id(scope)
        if own is not None:
            q |= Q(**{f"{author}_id": own})
            if perm == Perm.TALK_SUMMARY:
                q |= Q(person_id=own)
        return q

    return rule, narrow


def help_narrow(scope: Scope, perm: str) -> Q:
    """Only party-affairs staff and court leaders granted on the record's own court."""
    paths = [
        g.court_path
        for g in scope.grants
        if g.court_path and g.role in HELP_ROLES and role_has(g.role, perm)
    ]
    return Q(court__path__in=paths) if paths else NOTHING


def reads_confidential(scope: Scope, obj) -> bool:
    """Whether the user may read what was said in this talk or visit. Not `scope.can`: the
    person talked with reads it without holding `talk.summary` through any grant."""
    return scope.visible(type(obj), Perm.TALK_SUMMARY).filter(pk=obj.pk).exists()
