from django.urls import path

from tongxin.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("health-counts/", views.health_counts, name="health-counts"),
    path("charts/<slug:name>/", views.chart_data, name="chart-data"),
]
