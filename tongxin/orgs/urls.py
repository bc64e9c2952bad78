from django.urls import path

from tongxin.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.court_list, name="court-list"),
    path("new/", views.court_edit, name="court-create"),
    path("<int:pk>/", views.court_detail, name="court-detail"),
    path("<int:pk>/edit/", views.court_edit, name="court-edit"),
    path("<int:pk>/deactivate/", views.court_deactivate, name="court-deactivate"),
    path("departments/", views.department_list, name="department-list"),
    path("<int:court_pk>/departments/new/", views.department_edit, name="department-create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department-edit"),
    path(
        "departments/<int:pk>/deactivate/",
        views.department_deactivate,
        name="department-deactivate",
    ),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("<int:court_pk>/organisations/new/", views.organisation_edit, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path(
        "organisations/<int:pk>/deactivate/",
        views.organisation_deactivate,
        name="organisation-deactivate",
    ),
    path("organisations/<int:pk>/terms/new/", views.term_create, name="term-create"),
    path("organisations/<int:pk>/election/", views.election_record, name="election-record"),
    path(
        "organisations/<int:pk>/postponement/",
        views.postponement_record,
        name="postponement-record",
    ),
    path("organisations/<int:pk>/posts/new/", views.post_create, name="post-create"),
    path("posts/<int:pk>/end/", views.post_end, name="post-end"),
    path("health/", views.health_page, name="health"),
    path("health/rules/", views.rule_list, name="rule-list"),
]
