from django.utils import translation

from tongxin.core.audit import remote_addr


class UserLanguageMiddleware:
    """Use the language a signed-in user chose (kept on their profile), and remember the
    client address for audit entries written while handling the request."""

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
            return self.get_response(request)
        finally:
            remote_addr.reset(token)


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
