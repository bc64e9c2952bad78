from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "tongxin.care"
    label = "care"
    verbose_name = _("Care")

    def ready(self):
        from tongxin.core.extensions import entry, menu
        from tongxin.core.permissions import Perm, Role

        menu(
            key="care",
            label=_("Care"),
            order=40,
            entries=[
                entry(_("Talk coverage"), "care:coverage-list", lambda s: s.has(Perm.TALK_VIEW)),
                entry(_("Talks"), "care:talk-list", lambda s: s.has(Perm.TALK_VIEW)),
                entry(_("My talks"), "care:my-talks", lambda s: Role.MEMBER in s.roles),
                entry(_("Home visits"), "care:visit-list", lambda s: s.has(Perm.TALK_VIEW)),
                entry(_("Help in difficulty"), "care:help-list", lambda s: s.has(Perm.HELP_VIEW)),
                entry(_("Contact points"), "care:contact-list", lambda s: s.has(Perm.CONTACT_VIEW)),
            ],
        )
