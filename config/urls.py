from django.urls import include, path

from tongxin.api.api import api

urlpatterns = [
    path("", include("tongxin.dashboards.urls")),
    path("accounts/", include("tongxin.accounts.urls")),
    path("accounts/", include("tongxin.core.urls")),
    path("courts/", include("tongxin.orgs.urls")),
    path("people/", include("tongxin.people.urls")),
    path("transfer/", include("tongxin.transfer.urls")),
    path("meetings/", include("tongxin.meetings.urls")),
    path("evaluation/", include("tongxin.evaluation.urls")),
    path("trial/", include("tongxin.trial.urls")),
    path("inbox/", include("tongxin.inbox.urls")),
    path("answers/", include("tongxin.answers.urls")),
    path("discipline/", include("tongxin.discipline.urls")),
    path("care/", include("tongxin.care.urls")),
    path("api/v1/", api.urls),
]

handler403 = "tongxin.core.views.forbidden"
handler404 = "tongxin.core.views.not_found"
