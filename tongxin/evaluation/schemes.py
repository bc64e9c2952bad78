"""The default schemes (data migration 0002) and the checks a scheme passes before saving.

Weights: each level of the tree sums to 100. Party-building facts come from the product's
sources, trial work from the judges' indicator values scored against their reasonable
ranges (for judges and judge assistants), the rest from raters by group.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from tongxin.core.exceptions import ApplicationError
from tongxin.evaluation import grading

RATERS = {
    "kind": "raters",
    "groups": {"leader": 40, "colleague": 30, "subordinate": 10, "masses": 20},
}
DEMOCRATIC = {
    "kind": "map",
    "map": {"excellent": 100, "qualified": 85, "basic": 60, "unqualified": 0},
}


def _party(weight):
    return {
        "code": "party",
        "label": "党建工作",
        "weight": weight,
        "children": [
            {
                "code": "attendance",
                "label": "组织生活出勤",
                "weight": 30,
                "source": "attendance_rate",
                "scoring": {"kind": "ratio"},
            },
            {
                "code": "study",
                "label": "学习时长",
                "weight": 20,
                "source": "study_hours",
                "scoring": {"kind": "target", "target": 40},
            },
            {
                "code": "democratic",
                "label": "民主评议",
                "weight": 30,
                "source": "democratic_grade",
                "scoring": DEMOCRATIC,
            },
            {
                "code": "commitments",
                "label": "承诺践诺",
                "weight": 20,
                "source": "commitments_fulfilled",
                "scoring": {"kind": "ratio"},
            },
        ],
    }


def _trial(weight):
    return {
        "code": "trial",
        "label": "审判执行工作",
        "weight": weight,
        "children": [
            {
                "code": "closure",
                "label": "结案率",
                "weight": 40,
                "source": "trial_indicators",
                "scoring": {"kind": "range", "indicator": "closure_rate", "range": [0.85, 1]},
            },
            {
                "code": "reversal",
                "label": "改判发回率",
                "weight": 30,
                "source": "trial_indicators",
                "scoring": {
                    "kind": "range",
                    "indicator": "reversal_remand_rate",
                    "range": [0, 0.03],
                },
            },
            {
                "code": "duration",
                "label": "平均审理天数",
                "weight": 30,
                "source": "trial_indicators",
                "scoring": {"kind": "range", "indicator": "mean_duration_days", "range": [20, 90]},
            },
        ],
    }


def _work(weight):
    return {
        "code": "work",
        "label": "工作实绩",
        "weight": weight,
        "children": [
            {
                "code": "tasks",
                "label": "牵头任务按时办结",
                "weight": 50,
                "source": "tasks_on_time",
                "scoring": {"kind": "ratio"},
            },
            {
                "code": "talks",
                "label": "谈心谈话",
                "weight": 50,
                "source": "talk_coverage",
                "scoring": {"kind": "ratio"},
            },
        ],
    }


def _rated(weight):
    return {"code": "rated", "label": "德能勤绩廉测评", "weight": weight, "scoring": RATERS}


HEAVY_SANCTIONS = [
    "serious_warning",
    "demerit",
    "major_demerit",
    "demotion",
    "removal",
    "probation",
    "expulsion",
]
# No default rule on interference: discipline's `interference_recorded` counts the entries a
# person recorded, not a failure to record (that shows as a warning or circular criticism).
RULES = [
    {
        "code": "warning",
        "label": "年度内受警告处分",
        "source": "sanctions",
        "test": "any_in",
        "value": ["warning"],
        "effect": grading.NO_EXCELLENT,
    },
    {
        "code": "heavy_sanction",
        "label": "受严重警告、记过及以上处分",
        "source": "sanctions",
        "test": "any_in",
        # discipline's Sanction codes heavier than a warning (docs/domain.md: no grade);
        # admonition talks and circular criticism are organisational treatment, no veto.
        "value": HEAVY_SANCTIONS,
        "effect": grading.NO_GRADE,
    },
    {
        "code": "incompetent_twice",
        "label": "连续两年不称职",
        "source": "previous_incompetent",
        "test": "true",
        "when_grade": grading.INCOMPETENT,
        "effect": grading.FLAG,
    },
]
THRESHOLDS = {"excellent": 85, "competent": 60, "basic": 45}


def default_definition(category: str) -> dict:
    if category in ("judge", "assistant"):
        tree = [_party(25), _trial(45), _rated(30)]
        tie = ["trial", "rated", "party"]
    else:
        tree = [_party(30), _work(30), _rated(40)]
        tie = ["work", "rated", "party"]
    return {"tree": tree, "rules": RULES, "thresholds": THRESHOLDS, "tie_order": tie}


DEFAULTS = [
    ("judge", "法官年度考核", "Judges' annual appraisal"),
    ("assistant", "法官助理年度考核", "Judge assistants' annual appraisal"),
    ("clerk", "书记员年度考核", "Clerks' annual appraisal"),
    ("police", "司法警察年度考核", "Judicial police annual appraisal"),
    ("admin", "司法行政人员年度考核", "Administrative staff annual appraisal"),
]

MESSAGES = {
    "weights": lambda d: _("the weights of this level sum to %(total)s, not 100") % {"total": d},
    "group_weights": lambda d: _("the rater group weights do not sum to 100"),
    "empty": lambda d: _("this level has no criteria"),
    "code": lambda d: _("a criterion needs a code of its own (%(code)s)") % {"code": d},
    "negative": lambda d: _("a weight cannot be negative"),
    "scoring": lambda d: _("unknown scoring %(kind)s") % {"kind": d},
    "source": lambda d: _("unknown source %(source)s") % {"source": d},
    "effect": lambda d: _("unknown rule effect %(effect)s") % {"effect": d},
    "test": lambda d: _("unknown rule test %(test)s") % {"test": d},
}


def scheme_problems(definition) -> list[str]:
    """Every problem of a scheme definition, in the reader's language (empty: fine)."""
    from tongxin.evaluation.sources import known_codes

    if not isinstance(definition, dict) or not isinstance(definition.get("tree"), list):
        return [_("A scheme needs a tree of criteria.")]
    try:
        grading.check_scheme(definition, known_codes())
    except grading.SchemeError as error:
        return [f"{path}: {MESSAGES[key](detail)}" for path, key, detail in error.problems]
    except (TypeError, ValueError, KeyError, ArithmeticError):
        return [_("The scheme is not well formed.")]
    return []


def scheme_check(definition) -> None:
    problems = scheme_problems(definition)
    if problems:
        raise ApplicationError(" ".join(problems), extra={"definition": problems})
