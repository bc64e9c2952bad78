from django.utils import translation


class UserLanguageMiddleware:
    """Use the language a signed-in user chose (kept on their profile), and send a user with
    an administrator-given password to change it first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
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


def _password_first(request):
    """An account given an initial password by an administrator changes it before anything
    else (the sign-out, language switch and static files stay reachable)."""
    from django.shortcuts import redirect
    from django.urls import reverse

    allowed = {
        reverse("accounts:password-change"),
        reverse("accounts:logout"),
        reverse("accounts:set-language"),
    }
    if request.path in allowed or request.path.startswith("/static/"):
        return None
    if request.path.startswith("/api/"):
        return None  # the API answers with the token's own rules
    return redirect("accounts:password-change")
