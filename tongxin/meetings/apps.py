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
        self._task_source()

    @staticmethod
    def _task_source():
        """Issues raised at meetings may become rectification tasks (the answers app's
        generic source link)."""
        from django.urls import reverse

        try:
            from tongxin.answers.sources import task_source
        except ImportError:  # the answers app is not installed
            return
        task_source(
            "meetings.MeetingIssue",
            label=_("Issue raised at an organisational life meeting"),
            url=lambda issue: reverse("meetings:meeting-detail", args=[issue.meeting_id]),
            court=lambda issue: issue.meeting.organisation.court,
        )
