from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "tongxin.transfer"
    label = "transfer"

    def ready(self):
        # Each domain app declares its import kinds in its own imports.py.
        from tongxin.transfer import registry

        registry.autodiscover()
