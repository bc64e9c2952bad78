from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnswersConfig(AppConfig):
    name = "tongxin.answers"
    label = "answers"
    verbose_name = _("Opinions and rectification")

    def ready(self):
        from tongxin.answers import sources  # noqa: F401  (the app's own task sources)
        from tongxin.core.extensions import entry, menu
        from tongxin.core.permissions import Perm

        menu(
            key="answers",
            label=_("Opinions and tasks"),
            order=45,
            entries=[
                entry(_("My opinions"), "answers:opinion-mine", lambda scope: True),
                entry(_("My tasks"), "answers:task-mine", lambda scope: True),
                entry(
                    _("Opinions"),
                    "answers:opinion-list",
                    lambda scope: scope.has(Perm.OPINION_VIEW),
                ),
                entry(
                    _("Rectification tasks"),
                    "answers:task-list",
                    lambda scope: scope.has(Perm.TASK_VIEW),
                ),
                entry(
                    _("Task figures"),
                    "answers:figures",
                    lambda scope: scope.has(Perm.TASK_VIEW),
                ),
                entry(
                    _("Responsibility lists"),
                    "answers:resp-list",
                    lambda scope: scope.has(Perm.LIST_VIEW),
                ),
                entry(
                    _("Tour guidance"),
                    "answers:tour-list",
                    lambda scope: scope.has(Perm.TOUR_VIEW),
                ),
            ],
        )
