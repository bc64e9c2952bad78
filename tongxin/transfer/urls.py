from django.urls import path

from tongxin.transfer import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_start, name="import-start"),
    path("import/templates/<slug:kind>.xlsx", views.import_template, name="import-template"),
    path("import/<int:pk>/", views.import_detail, name="import-detail"),
    path("import/<int:pk>/commit/", views.import_commit, name="import-commit"),
    path("import/<int:pk>/progress/", views.import_progress, name="import-progress"),
    path("import/<int:pk>/cancel/", views.import_cancel, name="import-cancel"),
    path("import/<int:pk>/recover/", views.import_recover, name="import-recover"),
    path("import/<int:pk>/rejects.xlsx", views.import_rejects, name="import-rejects"),
    path("import/<int:pk>/rejects/file/", views.import_rejects_file, name="import-rejects-file"),
]
