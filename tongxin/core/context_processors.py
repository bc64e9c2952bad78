from django.conf import settings

from tongxin.core.extensions import menus_for
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for


def tongxin(request):
    """What the navigation may show for this user (and the export menu's row limit)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}, "nav_menus": []}
    scope = scope_for(user)
    return {
        "export_inline_rows": settings.EXPORT_INLINE_ROWS,
        "nav_menus": menus_for(scope),
        "nav": {
            "courts": scope.has(Perm.COURT_VIEW),
            "organisations": scope.has(Perm.ORG_VIEW) or bool(scope.org_paths(Perm.ORG_VIEW)),
            "people": scope.has(Perm.PERSON_VIEW),
            "health": scope.has(Perm.HEALTH_VIEW),
            "dues": bool(scope.court_paths(Perm.DUES_VIEW)),
            "audit": scope.has(Perm.AUDIT_VIEW),
            "imports": scope.has(Perm.IMPORT_RUN),
            "grants": scope.has(Perm.GRANT_VIEW),
            "rules": scope.has(Perm.RULE_CHANGE),
        },
    }
