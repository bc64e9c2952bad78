from django.urls import path

from tongxin.core import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_list, name="audit-list"),
    path("audit/<int:pk>/changes/", views.audit_changes, name="audit-changes"),
    path(
        "audit/history/<str:object_type>/<str:object_id>/",
        views.audit_history,
        name="audit-history",
    ),
]
