from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.urls import path, reverse_lazy

from tongxin.core import views
from tongxin.core.forms import bootstrap

app_name = "core"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        views.PasswordChange.as_view(
            template_name="core/password_change.html",
            form_class=bootstrap(PasswordChangeForm),
            success_url=reverse_lazy("core:password-change-done"),
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="core/password_change_done.html"),
        name="password-change-done",
    ),
    path("language/", views.set_language, name="set-language"),
    path("profile/", views.profile_view, name="profile"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("audit/", views.audit_list, name="audit-list"),
]
