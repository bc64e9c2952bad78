from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "tongxin.orgs"
    label = "orgs"
