from django.urls import path

from tongxin.inbox import views

app_name = "inbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/read/", views.read, name="read"),
    path("read-all/", views.read_all, name="read-all"),
]
