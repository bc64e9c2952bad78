from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrialConfig(AppConfig):
    name = "tongxin.trial"
    label = "trial"
    verbose_name = _("Trial quality")

    def ready(self):
        from tongxin.core.extensions import entry, menu
        from tongxin.core.permissions import Perm

        menu(
            key="trial",
            label=_("Trial quality"),
            order=30,
            entries=[
                entry(_("Health checks"), "trial:index", lambda s: s.has(Perm.TRIAL_VIEW)),
                entry(_("My indicators"), "trial:mine", lambda s: True),
                entry(_("Case lookup"), "trial:case", lambda s: True),
            ],
        )
