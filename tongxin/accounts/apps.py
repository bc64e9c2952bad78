from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tongxin.accounts"
    label = "accounts"

    def ready(self):
        # Role grants are what the one access gate (tongxin.core.scoping) reads.
        from tongxin.accounts import scope

        scope.declare_user_reach()
