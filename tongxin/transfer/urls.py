from django.urls import path

from tongxin.transfer import views

app_name = "transfer"

urlpatterns = [
    path("import/", views.import_start, name="import-start"),
]
