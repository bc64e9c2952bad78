from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "tongxin.evaluation"
    label = "evaluation"
    verbose_name = _("Evaluation")

    def ready(self):
        from tongxin.core.extensions import entry, menu
        from tongxin.core.permissions import Perm

        menu(
            key="evaluation",
            label=_("Evaluation"),
            order=60,
            entries=[
                entry(_("My evaluation"), "evaluation:mine", lambda scope: True),
                entry(
                    _("Appraisal cycles"),
                    "evaluation:cycle-list",
                    lambda scope: scope.has(Perm.EVAL_VIEW),
                ),
                entry(
                    _("Selections"),
                    "evaluation:selection-list",
                    lambda scope: scope.has(Perm.EVAL_VIEW),
                ),
                entry(
                    _("Democratic evaluation"),
                    "evaluation:democratic-list",
                    lambda scope: scope.has(Perm.EVAL_BRANCH),
                ),
                entry(
                    _("Elections"),
                    "evaluation:election-list",
                    lambda scope: scope.has(Perm.EVAL_BRANCH),
                ),
            ],
        )
