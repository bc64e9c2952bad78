from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "tongxin.meetings"
    label = "meetings"
    verbose_name = _("Organisational life")

    def ready(self):
        from tongxin.core.extensions import entry, menu
        from tongxin.core.permissions import Perm

        menu(
            key="meetings",
            label=_("Organisational life"),
            order=30,
            entries=[
                entry(
                    _("My meetings"),
                    "meetings:my-calendar",
                    lambda scope: scope.has(Perm.MEETING_VIEW),
                ),
                entry(
                    _("Meetings"),
                    "meetings:meeting-list",
                    lambda scope: scope.has(Perm.MEETING_VIEW),
                ),
                entry(
                    _("Compliance heat map"),
                    "meetings:heatmap",
                    lambda scope: scope.has(Perm.COMPLIANCE_VIEW),
                ),
                entry(
                    _("Compliance rules"),
                    "meetings:rule-list",
                    lambda scope: scope.has(Perm.COMPLIANCE_VIEW),
                ),
            ],
        )
