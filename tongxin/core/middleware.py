from django.utils import translation

from tongxin.core.audit import remote_addr


class UserLanguageMiddleware:
    """Use the language a signed-in user chose (kept on their profile), send a user with an
    administrator-given password to change it first, and remember the client address for
    audit entries written while handling the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = remote_addr.set(request.META.get("REMOTE_ADDR"))
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
                if profile is not None and profile.language:
                    translation.activate(profile.language)
                    request.LANGUAGE_CODE = translation.get_language()
                if profile is not None and profile.must_change_password:
                    response = _password_first(request)
                    if response is not None:
                        return response
            return self.get_response(request)
        finally:
            remote_addr.reset(token)


def _password_first(request):
    """An account given an initial password by an administrator changes it before anything
    else (the sign-out, language switch and static files stay reachable)."""
    from django.shortcuts import redirect
    from django.urls import reverse

    allowed = {
        reverse("core:password-change"),
        reverse("core:logout"),
        reverse("core:set-language"),
    }
    if request.path in allowed or request.path.startswith("/static/"):
        return None
    if request.path.startswith("/api/"):
        return None  # the API answers with the token's own rules
    return redirect("core:password-change")


class ApplicationErrorMiddleware:
    """Turn scope errors raised anywhere in a view into 404 and 403 pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from tongxin.core.exceptions import Forbidden, NotFound
        from tongxin.core.views import forbidden, not_found

        if isinstance(exception, NotFound):
            return not_found(request, Http404())
        if isinstance(exception, Forbidden):
            return forbidden(request, PermissionDenied())
        return None
