from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "tongxin.dashboards"
    label = "dashboards"
