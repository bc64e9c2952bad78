"""Who reads the interference register: narrower than the court (domain.md section 8).

The recorder reads what they recorded; the discipline inspection and trial management
offices (`register.view`) read their court subtree; a court leader (`register.leader`)
reads the register of a court whose office named them (`RegisterReader`); nobody else, an
administrator included. Corrections are added by the recorder only (`register.record`).
"""

from django.db.models import Q

from tongxin.core.permissions import Perm
from tongxin.core.scoping import NOTHING, any_prefix


def register_rule(scope, perm: str) -> Q:
    user = scope.user
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    own = Q(recorder_id=user.pk) if scope.has(Perm.REGISTER_RECORD) else NOTHING
    if perm == Perm.REGISTER_RECORD:
        return own
    q = own | any_prefix(scope.court_paths(Perm.REGISTER_VIEW), "court_path")
    leader_paths = scope.court_paths(Perm.REGISTER_LEADER)
    if leader_paths:
        from tongxin.discipline.models import RegisterReader

        named = RegisterReader.objects.filter(user_id=user.pk).values("court_id")
        q |= any_prefix(leader_paths, "court_path") & Q(court_id__in=named)
    return q
