from django.urls import path

from tongxin.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("exports/", views.export_list, name="export-list"),
    path("exports/<int:pk>/", views.export_detail, name="export-detail"),
    path("exports/<int:pk>/progress/", views.export_progress, name="export-progress"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("audit/<int:pk>/changes/", views.audit_changes, name="audit-changes"),
    path(
        "audit/history/<str:object_type>/<str:object_id>/",
        views.audit_history,
        name="audit-history",
    ),
]
