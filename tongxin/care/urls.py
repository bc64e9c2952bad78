from django.urls import path

from tongxin.care import contact_views, views

app_name = "care"

urlpatterns = [
    path("coverage/", views.coverage_list, name="coverage-list"),
    path("coverage/<int:pk>/", views.coverage_detail, name="coverage-detail"),
    path("talks/", views.talk_list, name="talk-list"),
    path("mine/", views.my_talks, name="my-talks"),
    path("talks/<int:pk>/", views.talk_detail, name="talk-detail"),
    path("branches/<int:pk>/talks/new/", views.talk_create, name="talk-create"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("branches/<int:pk>/visits/new/", views.visit_create, name="visit-create"),
    path("help/", views.help_list, name="help-list"),
    path("help/new/", views.help_create, name="help-create"),
    path("help/<int:pk>/", views.help_detail, name="help-detail"),
    path("contacts/", contact_views.contact_list, name="contact-list"),
    path("contacts/<int:pk>/", contact_views.contact_detail, name="contact-detail"),
    path(
        "courts/<int:court_pk>/contacts/new/",
        contact_views.contact_create,
        name="contact-create",
    ),
    path(
        "contacts/<int:pk>/visits/new/",
        contact_views.contact_visit_create,
        name="contact-visit-create",
    ),
]
