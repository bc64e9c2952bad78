from django.utils.functional import SimpleLazyObject

from tongxin.core.scoping import scope_for
from tongxin.people.scope import own_person


def people(request):
    """The signed-in user's own staff record (for the "My record" link), looked up only if a
    template asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"own_person": SimpleLazyObject(lambda: own_person(scope_for(user)))}
