"""The trial-quality indicators, defined as data (docs/trial-indicators.md).

Each indicator names its numerator and denominator as SQL aggregate expressions over the
`facts` relation (one row per case with its flags for the period, built by `FACTS_SQL` over
the case store), its unit, direction, reasonable range per court level and whether it
applies to judges. A zero denominator gives no value (None), never 0 or an error
(domain.md section 9: ranges and trends, no league tables).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

QUALITY, EFFICIENCY, EFFECT, COUNT = "quality", "efficiency", "effect", "count"
GROUPS = {
    QUALITY: _("Quality"),
    EFFICIENCY: _("Efficiency"),
    EFFECT: _("Effect"),
    COUNT: _("Counts"),
}
RATIO, DAYS, CASES = "ratio", "days", "cases"
HIGHER, LOWER, RANGE = "higher", "lower", "range"
LEVELS = ("spc", "high", "intermediate", "basic")


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    group: str
    numerator: str  # SQL aggregate over facts
    denominator: str | None  # None: the value is the numerator (counts, the median)
    unit: str = RATIO
    direction: str = RANGE
    ranges: dict = field(default_factory=dict)  # court level -> (low, high); None = open
    judges: bool = True
    complement: bool = False  # value = 1 - numerator / denominator

    def value(self, numerator, denominator):
        if self.denominator is None:
            return None if numerator is None else float(numerator)
        if not denominator or numerator is None:
            return None
        ratio = float(numerator) / float(denominator)
        return 1 - ratio if self.complement else ratio

    def range_for(self, level: str):
        return self.ranges.get(level) or self.ranges.get("*")

    def within(self, value, level: str):
        bounds = self.range_for(level)
        if value is None or bounds is None:
            return None
        low, high = bounds
        return (low is None or value >= low) and (high is None or value <= high)

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") else self.name_zh


def _all(low, high):
    return {"*": (low, high)}


CLOSED = "count(*) FILTER (WHERE closed_in)"
INDICATORS: tuple[Indicator, ...] = (
    Indicator("received", "收案数", "Cases received", COUNT, "count(*) FILTER (WHERE received)", None, CASES),
    Indicator("closed", "结案数", "Cases closed", COUNT, CLOSED, None, CASES),
    Indicator("pending_at_start", "旧存数", "Pending at start", COUNT, "count(*) FILTER (WHERE pending_start)", None, CASES),
    Indicator("pending_at_end", "未结数", "Pending at end", COUNT, "count(*) FILTER (WHERE pending_end)", None, CASES),
    Indicator(
        "closure_rate", "结案率", "Closure rate", EFFICIENCY, CLOSED,
        "count(*) FILTER (WHERE pending_start OR received)", ranges=_all(0.7, None),
    ),
    Indicator(
        "closure_to_intake", "结收比", "Closure-to-intake ratio", EFFICIENCY, CLOSED,
        "count(*) FILTER (WHERE received)", ranges=_all(0.9, 1.1),
    ),
    Indicator(
        "on_time_rate", "法定审限内结案率", "On-time closure rate", EFFICIENCY,
        "count(*) FILTER (WHERE closed_in AND on_time)",
        "count(*) FILTER (WHERE closed_in AND time_limit_days IS NOT NULL)",
        ranges=_all(0.9, 0.995),
    ),
    Indicator(
        "mean_duration_days", "平均结案时间", "Average duration (days)", EFFICIENCY,
        "sum(duration) FILTER (WHERE closed_in)", CLOSED, DAYS, LOWER,
        ranges={"basic": (None, 90), "intermediate": (None, 100), "*": (None, 120)},
    ),
    Indicator(
        "median_duration_days", "结案时间中位数", "Median duration (days)", EFFICIENCY,
        "median(duration) FILTER (WHERE closed_in)", None, DAYS, LOWER,
        ranges={"basic": (None, 75), "*": (None, 90)},
    ),
    Indicator(
        "pending_over_12_months", "超12个月未结案件数", "Pending over 12 months", EFFICIENCY,
        "count(*) FILTER (WHERE over_12)", None, CASES, LOWER,
    ),
    Indicator(
        "pending_over_12_months_ratio", "超12个月未结案件比", "Pending over 12 months ratio",
        EFFICIENCY, "count(*) FILTER (WHERE over_12)",
        "count(*) FILTER (WHERE pending_start OR received)", direction=LOWER,
        ranges=_all(None, 0.002),
    ),
    Indicator(
        "appeal_rate", "上诉率", "Appeal rate", EFFECT, "sum(appeals_in)",
        "count(*) FILTER (WHERE closed_in AND first_instance)", direction=LOWER,
        ranges={"basic": (None, 0.15), "*": (None, 0.25)},
    ),
    Indicator(
        "acceptance_rate", "一审服判息诉率", "First-instance acceptance rate", EFFECT,
        "sum(appeals_in)", "count(*) FILTER (WHERE closed_in AND first_instance)",
        direction=HIGHER, ranges=_all(0.85, None), complement=True,
    ),
    Indicator(
        "reversal_remand_rate", "一审判决改判发回率", "Reversal and remand rate", QUALITY,
        "sum(reversed_in)", "count(*) FILTER (WHERE closed_in AND first_instance)",
        direction=LOWER, ranges=_all(None, 0.03),
    ),
    Indicator(
        "reversal_to_remand_ratio", "二审改判发回比", "Reversal-to-remand ratio", QUALITY,
        "count(*) FILTER (WHERE closed_in AND second_instance AND closing_method = 'reversed')",
        "count(*) FILTER (WHERE closed_in AND second_instance AND closing_method = 'remanded')",
        direction=HIGHER, ranges={"intermediate": (1.0, None), "high": (1.5, None)},
    ),
    Indicator(
        "mediation_withdrawal_rate", "调撤率", "Mediation and withdrawal rate", EFFECT,
        "count(*) FILTER (WHERE closed_in AND mediable AND closing_method IN "
        "('mediation', 'withdrawal', 'appeal_withdrawn'))",
        "count(*) FILTER (WHERE closed_in AND mediable)", ranges=_all(0.3, 0.7),
    ),
    Indicator(
        "case_to_matter_ratio", "案-件比", "Case-to-matter ratio", EFFECT,
        "sum(chain_size) FILTER (WHERE root_in)", "count(*) FILTER (WHERE root_in)",
        direction=LOWER, ranges=_all(1.0, 1.4),
    ),
    Indicator(
        "enforcement_completion_rate", "执行完毕率", "Enforcement completion rate", EFFECT,
        "count(*) FILTER (WHERE closed_in AND enforcement AND closing_method = 'enforced')",
        "count(*) FILTER (WHERE closed_in AND enforcement)", ranges=_all(0.3, None),
    ),
    Indicator(
        "enforcement_recovery_rate", "执行到位率", "Actual recovery rate", EFFECT,
        "sum(enforcement_recovered) FILTER (WHERE closed_in AND enforcement)",
        "sum(enforcement_claimed) FILTER (WHERE closed_in AND enforcement)",
        ranges=_all(0.4, None), judges=True,
    ),
)  # fmt: skip
BY_CODE = {item.code: item for item in INDICATORS}


# Periods ----------------------------------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    key: str  # 2024, 2024Q3, 2024-07
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def kind(self) -> str:
        return "quarter" if "Q" in self.key else "month" if "-" in self.key else "year"

    @property
    def years(self) -> range:
        return range(self.start.year - 30, self.end.year + 1)


def _month_end(year: int, month: int) -> datetime.date:
    first_next = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


def period(key: str) -> Period:
    match = _PERIOD.match((key or "").strip())
    if not match:
        raise PeriodError(key)
    year = int(match[1])
    if match[2]:
        first = (int(match[2]) - 1) * 3 + 1
        return Period(key, datetime.date(year, first, 1), _month_end(year, first + 2))
    if match[3]:
        month = int(match[3])
        return Period(key, datetime.date(year, month, 1), _month_end(year, month))
    return Period(key, datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def periods_of_year(year: int) -> list[str]:
    return (
        [str(year)]
        + [f"{year}Q{q}" for q in range(1, 5)]
        + [f"{year}-{m:02d}" for m in range(1, 13)]
    )


# The cases behind each number (the drill-down): a predicate over the facts.
BEHIND = {
    "received": "received",
    "closed": "closed_in",
    "pending_at_start": "pending_start",
    "pending_at_end": "pending_end",
    "closure_rate": "pending_start OR received",
    "closure_to_intake": "received OR closed_in",
    "on_time_rate": "closed_in",
    "mean_duration_days": "closed_in",
    "median_duration_days": "closed_in",
    "pending_over_12_months": "over_12",
    "pending_over_12_months_ratio": "over_12",
    "appeal_rate": "first_instance AND (closed_in OR appeals_in > 0)",
    "acceptance_rate": "first_instance AND (closed_in OR appeals_in > 0)",
    "reversal_remand_rate": "first_instance AND (closed_in OR reversed_in > 0)",
    "reversal_to_remand_ratio": "second_instance AND closed_in "
    "AND closing_method IN ('reversed', 'remanded')",
    "mediation_withdrawal_rate": "closed_in AND mediable",
    "case_to_matter_ratio": "root_in",
    "enforcement_completion_rate": "closed_in AND enforcement",
    "enforcement_recovery_rate": "closed_in AND enforcement",
}
assert set(BEHIND) == set(BY_CODE)
