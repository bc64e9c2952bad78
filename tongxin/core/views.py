from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm as BaseAuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongxin.core.forms import BootstrapMixin, bootstrap
from tongxin.core.listing import Column, list_page, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.people.models import Profile
from tongxin.people.services import (
    api_token_create,
    api_token_revoke,
    login_failed,
    login_locked_until,
    login_succeeded,
    profile_set_language,
)

AuthenticationForm = bootstrap(BaseAuthenticationForm)


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, which also lifts the "change your password first" flag."""

    def form_valid(self, form):
        Profile.objects.filter(user=self.request.user).update(must_change_password=False)
        return super().form_valid(form)


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def forbidden(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def login_view(request):
    """Sign in; LOCKOUT_THRESHOLD consecutive failures lock the account for LOCKOUT_MINUTES."""
    form = AuthenticationForm(request, data=request.POST or None)
    username = text_param(request.POST, "username", 150)
    error = None
    if request.method == "POST":
        locked = login_locked_until(username)
        if locked is None and form.is_valid():
            user = form.get_user()
            login_succeeded(user)
            login(request, user)
            target = request.POST.get("next") or request.GET.get("next")
            if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target)
        if locked is None:
            locked = login_failed(username)
        if locked is not None:
            # Never even try the password of a locked name, and say only that it is locked.
            form = AuthenticationForm(request, initial={"username": username})
            error = _("Too many failed attempts: this account is locked until %(time)s.") % {
                "time": timezone.localtime(locked).strftime("%H:%M")
            }
    return render(
        request,
        "core/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
    )


@login_not_required
@require_POST
def set_language(request):
    """Switch the interface language; signed-in users keep the choice on their profile."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        profile_set_language(user=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("Token name"), max_length=100)


def profile_view(request):
    """The user's own page: language, password, API tokens."""
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _row, new_token = api_token_create(user=request.user, name=form.cleaned_data["name"])
        messages.success(request, _("Token created. Copy it now: it will not be shown again."))
        form = TokenForm()
    return render(
        request,
        "core/profile.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.all(),
            "grants": scope_for(request.user).grants,
        },
    )


@require_POST
def token_revoke(request, pk: int):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:
        return not_found(request)
    api_token_revoke(user=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("core:profile")


def audit_list(request):
    """The audit log of the user's courts (read-only: there is no way to change it)."""
    scope = scope_for(request.user)
    scope.require(Perm.AUDIT_VIEW)
    qs = scope.audit().select_related("actor")
    search = text_param(request.GET, "q")
    if search:
        qs = qs.filter(object_repr__icontains=search) | qs.filter(actor_name__icontains=search)
    action = text_param(request.GET, "action")
    if action:
        qs = qs.filter(action__startswith=action)
    columns = [
        Column(_("Time"), lambda e: timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S")),
        Column(_("User"), lambda e: e.actor_name),
        Column(_("Action"), lambda e: e.action),
        Column(_("Object"), lambda e: e.object_repr),
        Column(_("Before"), lambda e: e.before),
        Column(_("After"), lambda e: e.after),
    ]
    return list_page(
        request,
        queryset=qs,
        template="core/audit_list.html",
        context={"search": search, "action": action},
        columns=columns,
        filename="audit.xlsx",
    )
