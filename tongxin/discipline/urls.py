from django.urls import path

from tongxin.discipline import summary, views, views_records

app_name = "discipline"

urlpatterns = [
    path("register/", views.entry_list, name="entry-list"),
    path("register/new/", views.entry_create, name="entry-create"),
    path("register/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("register/<int:pk>/correct/", views.entry_correct, name="entry-correct"),
    path("register/summary/", summary.summary, name="summary"),
    path("register/readers/", views.reader_list, name="reader-list"),
    path("register/readers/<int:pk>/remove/", views.reader_remove, name="reader-remove"),
    path("register/heads/", views.heads_download, name="heads"),
    path("records/", views_records.record_list, name="record-list"),
    path("records/new/", views_records.record_create, name="record-create"),
    path("checks/", views_records.check_list, name="check-list"),
    path("checks/new/", views_records.check_create, name="check-create"),
    path("checks/<int:pk>/", views_records.check_detail, name="check-detail"),
    path("education/", views_records.session_list, name="session-list"),
    path("education/new/", views_records.session_create, name="session-create"),
    path("education/<int:pk>/", views_records.session_detail, name="session-detail"),
]
