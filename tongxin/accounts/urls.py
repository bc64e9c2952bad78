from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.urls import path, reverse_lazy

from tongxin.accounts import views
from tongxin.core.access import requires
from tongxin.core.forms import bootstrap

app_name = "accounts"
signed_in = requires(signed_in=True)

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", signed_in(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "password/",
        signed_in(
            views.PasswordChange.as_view(
                template_name="accounts/password_change.html",
                form_class=bootstrap(PasswordChangeForm),
                success_url=reverse_lazy("accounts:password-change-done"),
            )
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        signed_in(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="accounts/password_change_done.html"
            )
        ),
        name="password-change-done",
    ),
    path("language/", views.set_language, name="set-language"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("grants/", views.grant_list, name="grant-list"),
    path("grants/<int:pk>/revoke/", views.grant_revoke, name="grant-revoke"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user-password-reset"),
]
