from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisciplineConfig(AppConfig):
    name = "tongxin.discipline"
    label = "discipline"

    def ready(self):
        from tongxin.core.extensions import entry, menu
        from tongxin.core.permissions import Perm

        menu(
            key="discipline",
            label=_("Discipline"),
            order=50,
            entries=[
                entry(
                    _("Record an inquiry"),
                    "discipline:entry-create",
                    lambda scope: scope.has(Perm.REGISTER_RECORD),
                ),
                entry(
                    _("Interference register"),
                    "discipline:entry-list",
                    lambda scope: scope.has(Perm.REGISTER_RECORD),
                ),
                entry(
                    _("Quarterly summary"),
                    "discipline:summary",
                    lambda scope: scope.has(Perm.REGISTER_VIEW),  # the page's permission
                ),
                entry(
                    _("Discipline records"),
                    "discipline:record-list",
                    lambda scope: scope.has(Perm.DISCIPLINE_VIEW),
                ),
                entry(
                    _("Supervision checks"),
                    "discipline:check-list",
                    lambda scope: scope.has(Perm.DISCIPLINE_VIEW),
                ),
                entry(
                    _("Warning education"),
                    "discipline:session-list",
                    lambda scope: scope.has(Perm.DISCIPLINE_VIEW),
                ),
            ],
        )
        self._declare_task_source()

    @staticmethod
    def _declare_task_source() -> None:
        """Supervision findings become rectification tasks (the answers app, when installed)."""
        from django.apps import apps
        from django.urls import reverse

        if not apps.is_installed("tongxin.answers"):
            return
        from tongxin.answers.sources import task_source

        task_source(
            "discipline.Finding",
            label=_("Supervision finding"),
            url=lambda finding: reverse("discipline:check-detail", args=[finding.supervision_id]),
            court=lambda finding: finding.supervision.court,
        )
