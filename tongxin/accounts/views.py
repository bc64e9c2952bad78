from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm as BaseAuthenticationForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongxin.accounts import services
from tongxin.accounts.forms import GrantForm, PasswordResetForm, TokenForm
from tongxin.accounts.lists import GRANTS, grants_seen
from tongxin.accounts.models import Profile, RoleGrant
from tongxin.core.access import public, requires
from tongxin.core.forms import bootstrap
from tongxin.core.listing import confirm_page, form_page, save_form, text_param
from tongxin.core.permissions import Perm
from tongxin.core.scoping import scope_for
from tongxin.people.models import Person

AuthenticationForm = bootstrap(BaseAuthenticationForm)


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, which also lifts the "change your password first" flag and
    revokes the user's API tokens."""

    def form_valid(self, form):
        response = super().form_valid(form)
        if services.password_changed(user=self.request.user):
            messages.info(self.request, _("Your API tokens were revoked with the old password."))
        return response


@public
def login_view(request):
    """Sign in; LOCKOUT_THRESHOLD consecutive failures lock the name for LOCKOUT_MINUTES."""
    form = AuthenticationForm(request, data=request.POST or None)
    username = text_param(request.POST, "username", 150)
    error = None
    if request.method == "POST":
        locked = services.login_locked_until(username)
        if locked is None and form.is_valid():
            user = form.get_user()
            services.login_succeeded(username)
            login(request, user)
            target = request.POST.get("next") or request.GET.get("next")
            if not target or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = settings.LOGIN_REDIRECT_URL
            return redirect(target)
        if locked is None:
            locked = services.login_failed(username)
        if locked is not None:
            # Never even try the password of a locked name, and say only that it is locked.
            form = AuthenticationForm(request, initial={"username": username})
            error = _("Too many failed attempts: this account is locked until %(time)s.") % {
                "time": timezone.localtime(locked).strftime("%H:%M")
            }
    return render(
        request,
        "accounts/login.html",
        {"form": form, "error": error, "next": request.GET.get("next", "")},
    )


@public
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
        services.profile_set_language(user=request.user, language=language)
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


@requires(signed_in=True)
def profile_view(request):
    """The user's own page: language, password, API tokens."""
    new_token = None
    form = TokenForm(request.POST or None)

    def create(data):
        nonlocal new_token
        _row, new_token = services.api_token_create(
            user=request.user, name=data["name"], days=data.get("days")
        )

    if save_form(
        request,
        form,
        create,
        success=_("Token created. Copy it now: it will not be shown again."),
    ):
        form = TokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.all(),
            "grants": RoleGrant.objects.filter(user=request.user).select_related(
                "court", "organisation"
            ),
        },
    )


@requires(signed_in=True)
@require_POST
def token_revoke(request, pk: int):
    token = request.user.api_tokens.filter(pk=pk).first()
    if token is None:
        from tongxin.core.views import not_found

        return not_found(request)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("accounts:profile")


@requires(Perm.GRANT_VIEW)
def grant_list(request):
    """The grants of the user's courts, and the form to grant a role (the roles offered are
    those the user's grants may give)."""
    form = GrantForm(request.POST or None, roles=services.roles_grantable(scope_for(request.user)))
    if save_form(
        request,
        form,
        lambda data: services.account_grant(actor=request.user, **data),
        success=_("Role granted."),
    ):
        return redirect("accounts:grant-list")
    return GRANTS.page(request, template="accounts/grant_list.html", context={"form": form})


# 403 without the permission, 404 for a grant out of reach, 403 for a grant seen but stronger
# than what the user's grants may withdraw.
@requires(Perm.GRANT_CHANGE)
def grant_revoke(request, pk: int):
    grant = scope_for(request.user).get(
        RoleGrant,
        pk,
        Perm.GRANT_CHANGE,
        queryset=RoleGrant.objects.select_related("user", "court", "organisation"),
    )
    back = reverse("accounts:grant-list")
    return confirm_page(
        request,
        obj=grant,
        action=lambda: services.grant_revoke(actor=request.user, grant=grant),
        question=_("Withdraw the role %(role)s from %(user)s?")
        % {"role": grant.get_role_display(), "user": grant.user.username},
        done=_("Role withdrawn."),
        back=back,
        redirect_to=back,
    )


# Accounts --------------------------------------------------------------------------------


def _account(request, pk, perm=None):
    """An account seen through its grants (404 otherwise); with `perm` grant.change, one
    whose every grant the user may withdraw (403: seen, but beyond the user's roles)."""
    return scope_for(request.user).get(get_user_model(), pk, perm)


@requires(Perm.GRANT_VIEW)
def user_detail(request, pk: int):
    """An account: its grants in the user's reach, its sign-in lock, and (for an account the
    user manages) unlock and password reset."""
    account = _account(request, pk)
    scope = scope_for(request.user)
    person = Person.objects.filter(user=account).select_related("court").first()
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "grants": grants_seen(request.user)
            .filter(user=account)
            .select_related("court", "organisation__court")
            .order_by("role"),
            "locked_until": services.login_locked_until(account.username),
            "must_change_password": Profile.objects.filter(
                user=account, must_change_password=True
            ).exists(),
            "can_manage": scope.can(Perm.GRANT_CHANGE, account),
            "is_self": account.pk == request.user.pk,
            "person": person,
            "person_visible": scope.can(Perm.PERSON_VIEW, person),
        },
    )


@requires(Perm.GRANT_CHANGE)
def user_unlock(request, pk: int):
    """Lift an account's sign-in lock (audited)."""
    account = _account(request, pk, Perm.GRANT_CHANGE)
    back = reverse("accounts:user-detail", args=[account.pk])
    return confirm_page(
        request,
        obj=account,
        action=lambda: services.account_unlock(actor=request.user, user=account),
        question=_("Unlock the account %(user)s? They can sign in again at once.")
        % {"user": account.username},
        done=_("Account unlocked."),
        back=back,
        redirect_to=back,
        blocker=None
        if services.login_locked_until(account.username)
        else _("This account is not locked."),
    )


@requires(Perm.GRANT_CHANGE)
def user_password_reset(request, pk: int):
    """Give an account a new initial password, to change at the next sign-in (audited)."""
    account = _account(request, pk, Perm.GRANT_CHANGE)
    if account.pk == request.user.pk:
        return redirect("accounts:password-change")
    form = PasswordResetForm(request.POST or None, user=account)
    back = reverse("accounts:user-detail", args=[account.pk])
    return form_page(
        request,
        form=form,
        action=lambda data: services.account_password_reset(
            actor=request.user, user=account, password=data["password"]
        ),
        success=_("New password set: %(user)s must change it at the next sign-in.")
        % {"user": account.username},
        redirect_to=back,
        template="accounts/password_reset.html",
        context={"account": account, "back": back},
    )
