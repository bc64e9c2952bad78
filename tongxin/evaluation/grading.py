"""The grading engine: pure functions, no database, no Django (property-tested).

Input: a frozen scheme (criteria tree, rules, thresholds, tie order) and, per person, the
facts their sources gave (`facts[source_code] = value`) and their raters' scores by group.
Output: per person the raw score of every criterion with how it was reached, the final
score, the vetoes that applied and the computed grade; per unit (a court) the quota.

The order of the steps is the domain's (docs/evaluation.md):
1. raw scores per criterion, bottom-up: a leaf scores its source's value on 0-100; a node is
   the weighted mean of its children that have a score (a criterion without a record is left
   out and its siblings' weights scaled up; the explanation says so);
2. vetoes first: each rule whose condition holds caps the grade (no "excellent", at most
   "basically competent") or takes the grade away ("no grade"); flags only inform;
3. grades by the thresholds, then "excellent" for the best of those eligible (final at or
   above the excellent threshold, no cap), at most the quota: floor(rate x assessed);
   candidates are ranked by final score, then by the configured tie-break criteria; a group
   still tied that would cross the quota line goes to the committee (status TIE): never
   silently over the quota, never broken by an arbitrary key such as an id.
The result never depends on the order of the input (a test shuffles it).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import NamedTuple

EXCELLENT = "excellent"  # 优秀
COMPETENT = "competent"  # 称职
BASIC = "basic"  # 基本称职
INCOMPETENT = "incompetent"  # 不称职
GRADES = (EXCELLENT, COMPETENT, BASIC, INCOMPETENT)
RANK = {grade: i for i, grade in enumerate(GRADES)}

# Rule effects, strongest last.
FLAG = "flag"  # shown to the committee, grade unchanged
NO_EXCELLENT = "no_excellent"
CAP_BASIC = "cap_basic"
NO_GRADE = "no_grade"
EFFECTS = (FLAG, NO_EXCELLENT, CAP_BASIC, NO_GRADE)

# Result statuses.
GRADED = "graded"
TIE = "tie"  # at the quota line: the committee decides between excellent and competent
UNGRADED = "ungraded"

TWO = Decimal("0.01")


@functools.lru_cache(maxsize=4096)
def _dec(value) -> Decimal:
    """A scheme's number as a Decimal (weights and bounds repeat for every person: cached)."""
    return Decimal(str(value))


class SchemeError(ValueError):
    """The scheme itself is wrong (weights, unknown source or scoring); `problems` lists
    every problem as (criterion path, message key, detail)."""

    def __init__(self, problems: list[tuple[str, str, str]]):
        super().__init__("; ".join(f"{p}: {m} {d}".strip() for p, m, d in problems))
        self.problems = problems


class Pooled(NamedTuple):
    """A rater group's submitted scores as their exact sum and count (loaded aggregated):
    the engine only needs the mean and the count."""

    total: Decimal
    count: int


_NONE: Mapping = MappingProxyType({})


class Person(NamedTuple):
    """One person assessed (a tuple: built hundreds of thousands of times per cycle)."""

    pid: int
    unit: str  # the quota is counted per unit (a court)
    facts: Mapping[str, object] = _NONE
    ratings: Mapping[str, tuple[Decimal, ...] | Pooled] = _NONE


@dataclass(slots=True)
class Outcome:
    """`scores` (code -> raw score text, None: left out) and `groups` (rater criterion code
    -> each group's mean and count) are what is stored; `criteria`, the explanation, is
    rebuilt from them with the scheme and the facts (explain_criteria)."""

    pid: int
    unit: str
    scores: dict[str, str | None]
    final: Decimal | None
    vetoes: list[dict]
    grade: str | None  # computed grade (None: no grade, or a tie the committee decides)
    status: str
    rank: int | None = None  # place among the excellent candidates of the unit
    groups: dict[str, dict] = field(default_factory=dict)
    facts: Mapping[str, object] = field(default_factory=dict, repr=False)
    tree: tuple = field(default=(), repr=False)

    @property
    def criteria(self) -> dict[str, dict]:
        """code -> {"score", "weight", "used", "detail", "source"}."""
        return explain_criteria(self.tree, self.scores, self.groups, self.facts)


# Scheme validation -----------------------------------------------------------------------


def check_scheme(scheme: Mapping, sources: Iterable[str] | None = None) -> None:
    """Raise SchemeError listing every problem: weights of each level summing to 100, codes
    unique, each leaf a known source and scoring, rules well-formed."""
    problems: list[tuple[str, str, str]] = []
    known = set(sources) if sources is not None else None
    seen: set[str] = set()

    def walk(nodes, path):
        if not nodes:
            problems.append((path or "/", "empty", ""))
            return
        total = sum(Decimal(str(n.get("weight", 0))) for n in nodes)
        if total != 100:
            problems.append((path or "/", "weights", str(total)))
        for node in nodes:
            code = str(node.get("code", ""))
            where = f"{path}/{code}"
            if not code or code in seen:
                problems.append((where, "code", code))
            seen.add(code)
            if Decimal(str(node.get("weight", 0))) < 0:
                problems.append((where, "negative", ""))
            if node.get("children"):
                walk(node["children"], where)
                continue
            scoring = node.get("scoring") or {}
            kind = scoring.get("kind")
            if kind not in SCORERS:
                problems.append((where, "scoring", str(kind)))
            if kind == "raters":
                groups = scoring.get("groups") or {}
                if sum(Decimal(str(w)) for w in groups.values()) != 100:
                    problems.append((where, "group_weights", str(groups)))
            elif known is not None and node.get("source") not in known:
                problems.append((where, "source", str(node.get("source"))))

    walk(scheme.get("tree") or [], "")
    for rule in scheme.get("rules") or []:
        if rule.get("effect") not in EFFECTS:
            problems.append((f"rule:{rule.get('code')}", "effect", str(rule.get("effect"))))
        if rule.get("test") not in TESTS:
            problems.append((f"rule:{rule.get('code')}", "test", str(rule.get("test"))))
        if known is not None and rule.get("source") not in known:
            problems.append((f"rule:{rule.get('code')}", "source", str(rule.get("source"))))
    for code in scheme.get("tie_order") or []:
        if code not in seen:
            problems.append((f"tie:{code}", "code", code))
    if problems:
        raise SchemeError(problems)


def sources_used(scheme: Mapping) -> set[str]:
    found = {r["source"] for r in scheme.get("rules") or []}

    def walk(nodes):
        for node in nodes:
            if node.get("children"):
                walk(node["children"])
            elif (node.get("scoring") or {}).get("kind") != "raters":
                found.add(node["source"])

    walk(scheme.get("tree") or [])
    return found


# Scoring of a leaf -----------------------------------------------------------------------


_HUNDRED = Decimal(100)


def _clamp(value: Decimal) -> Decimal:
    return _HUNDRED if value > _HUNDRED else _ZERO if value < _ZERO else value


def _ratio(value, scoring, explain=False):
    share = Decimal(str(value)) * 100
    return _clamp(share), f"{share:.1f}%" if explain else None


def _target(value, scoring, explain=False):
    target = Decimal(str(scoring["target"]))
    score = _clamp(Decimal(str(value)) / target * 100)
    return score, f"{value} / {target}" if explain else None


def _map(value, scoring, explain=False):
    table = scoring["map"]
    if str(value) not in table:
        return None, str(value)
    return _dec(table[str(value)]), str(value)


def _range(value, scoring, explain=False):
    """An indicator scored against its reasonable range, not by rank among colleagues:
    inside the range 100; outside, 100 less `penalty` points per range width away."""
    indicator = scoring.get("indicator")
    if indicator is not None:
        if not isinstance(value, Mapping) or indicator not in value:
            return None, ""
        entry = value[indicator]
        value = entry.get("value") if isinstance(entry, Mapping) else entry
        bounds = (entry.get("range") if isinstance(entry, Mapping) else None) or scoring["range"]
    else:
        bounds = scoring["range"]
    if value is None:
        return None, ""
    # A range may be open on one side (the trial app's "at least 90%": [90, None]).
    low, high = (None if b is None else Decimal(str(b)) for b in bounds)
    v = Decimal(str(value))
    shown = f"[{'' if low is None else low}, {'' if high is None else high}]" if explain else ""
    if (low is None or low <= v) and (high is None or v <= high):
        return Decimal(100), f"{v} in {shown}" if explain else None
    if low is not None and high is not None:
        width = (high - low) or Decimal(1)
    else:
        width = abs(low if low is not None else high) or Decimal(1)
    distance = (low - v) if low is not None and v < low else (v - high)
    penalty = Decimal(str(scoring.get("penalty", 50)))
    return _clamp(100 - distance / width * penalty), f"{v} outside {shown}" if explain else None


def _raters(ratings, scoring, explain=False):
    """Each rater group's mean, weighted by the group weights of the groups that rated.
    A group's scores are a sequence, or a Pooled sum and count."""
    weights = 0
    weighted = 0
    detail = {}
    for group, weight in scoring["groups"].items():
        scores = ratings.get(group)
        if not scores:
            continue
        if type(scores) is Pooled:
            total, count = scores
        else:
            total, count = sum(scores, _ZERO), len(scores)
        mean = total / count
        weight = _dec(weight)
        weights += weight
        weighted += mean * weight
        detail[group] = {"mean": str(mean.quantize(TWO)), "count": count}
    if not detail:
        return None, detail
    return _clamp(weighted / weights), detail


SCORERS = {"ratio": _ratio, "target": _target, "map": _map, "range": _range, "raters": _raters}


# Rules -----------------------------------------------------------------------------------


def _test(rule, value) -> bool:
    test, arg = rule["test"], rule.get("value")
    if value is None:
        return False
    if test == "nonempty":
        return bool(value)
    if test == "any_in":
        items = value if isinstance(value, list | tuple) else [value]
        kinds = {i.get("kind") if isinstance(i, Mapping) else i for i in items}
        return bool(kinds & set(arg))
    if test == "gt":
        return Decimal(str(value)) > Decimal(str(arg))
    if test == "eq":
        return str(value) == str(arg)
    if test == "true":
        return value is True
    return False


TESTS = ("nonempty", "any_in", "gt", "eq", "true")


# The engine ------------------------------------------------------------------------------


def _compile(nodes) -> tuple:
    """The tree as tuples (code, weight, weight text, children or None, scorer, scoring,
    source): the per-node lookups done once per scheme, not once per person."""
    return tuple(
        (
            node["code"],
            _dec(node["weight"]),
            str(_dec(node["weight"])),
            _compile(node["children"]) if node.get("children") else None,
            None if node.get("children") else SCORERS[node["scoring"]["kind"]],
            node.get("scoring"),
            node.get("source", ""),
        )
        for node in nodes
    )


_ZERO = Decimal(0)


def _score_tree(tree: tuple, person: Person, scores: dict, groups: dict) -> Decimal | None:
    """The raw score of each criterion into `scores` (text rounded to the cent, None: no
    record, left out), the rater groups' means and counts into `groups`; returns the
    weighted mean of the criteria scored (their weights scaled up to the whole)."""
    total = _ZERO
    weighted = _ZERO
    used = False
    facts = person.facts
    for code, weight, _text, children, scorer, scoring, source in tree:
        if children is not None:
            score = _score_tree(children, person, scores, groups)
        elif scorer is _raters:
            score, detail = _raters(person.ratings, scoring)
            if detail:
                groups[code] = detail
        else:
            value = facts.get(source)
            score = None if value is None else scorer(value, scoring)[0]
        if score is None:
            scores[code] = None
            continue
        scores[code] = str(score.quantize(TWO, ROUND_HALF_UP))
        used = True
        total += weight
        weighted += score * weight
    if not used or total == 0:
        return None
    return weighted / total


def explain_criteria(tree: tuple, scores: Mapping, groups: Mapping, facts: Mapping) -> dict:
    """The explanation of each criterion, rebuilt from what a result stores (its raw
    scores, rater groups and facts) and the compiled scheme it was computed with:
    code -> {"score", "weight", "used", "detail" (how the record was scored), "source"}."""
    out: dict[str, dict] = {}
    for code, _weight, weight_text, children, scorer, scoring, source in tree:
        if children is not None:
            out.update(explain_criteria(children, scores, groups, facts))
            detail = None
        elif scorer is _raters:
            detail = groups.get(code, {})
        else:
            value = facts.get(source)
            detail = "" if value is None else scorer(value, scoring, True)[1]
        score = scores.get(code)
        out[code] = {
            "score": score,
            "weight": weight_text,
            "used": score is not None,
            "detail": detail,
            "source": source,
        }
    return out


def criteria_of(scheme: Mapping, scores: Mapping, groups: Mapping, facts: Mapping) -> dict:
    """explain_criteria for a scheme definition."""
    return explain_criteria(_compile(scheme.get("tree") or ()), scores, groups, facts)


def thresholds(scheme: Mapping) -> dict[str, Decimal]:
    t = scheme.get("thresholds") or {}
    return {
        EXCELLENT: Decimal(str(t.get(EXCELLENT, 85))),
        COMPETENT: Decimal(str(t.get(COMPETENT, 60))),
        BASIC: Decimal(str(t.get(BASIC, 45))),
    }


def quota(rate: Decimal | int | str, assessed: int) -> int:
    """Explicit rounding: floor(rate% x assessed)."""
    return math.floor(Decimal(str(rate)) * assessed / 100)


def score_person(scheme: Mapping, person: Person, compiled: tuple | None = None) -> Outcome:
    """Raw scores, final score and vetoes of one person (no quota yet). `compiled`:
    (_compile(tree), thresholds) done once for many people (grade_many)."""
    tree, t = compiled or (_compile(scheme["tree"]), None)
    scores: dict[str, str | None] = {}
    groups: dict[str, dict] = {}
    final = _score_tree(tree, person, scores, groups)
    if final is not None:
        final = final.quantize(TWO, ROUND_HALF_UP)
    rules = scheme.get("rules")
    facts = person.facts
    vetoes = (
        [
            {
                "code": r["code"],
                "effect": r["effect"],
                "source": r["source"],
                "when_grade": r.get("when_grade", ""),
            }
            for r in rules
            if _test(r, facts.get(r["source"]))
        ]
        if rules
        else []
    )
    outcome = Outcome(
        person.pid, person.unit, scores, final, vetoes, None, UNGRADED, None, groups,
        facts, tree,
    )  # fmt: skip
    later = effects = ()
    if vetoes:
        # A rule with "when_grade" (two incompetent years in a row) applies after grading.
        later = [v for v in vetoes if v["when_grade"]]
        if later:
            outcome.vetoes = vetoes = [v for v in vetoes if not v["when_grade"]]
        effects = {v["effect"] for v in vetoes}
    if final is None or NO_GRADE in effects:
        return outcome
    t = t or thresholds(scheme)
    grade = COMPETENT if final >= t[COMPETENT] else BASIC if final >= t[BASIC] else INCOMPETENT
    if CAP_BASIC in effects and RANK[grade] < RANK[BASIC]:
        grade = BASIC
    if later:
        vetoes += [v for v in later if v["when_grade"] == grade]
    outcome.grade, outcome.status = grade, GRADED
    return outcome


_BARS = frozenset({NO_EXCELLENT, CAP_BASIC, NO_GRADE})


def _eligible(scheme, outcome: Outcome, excellent: Decimal | None = None) -> bool:
    if outcome.status != GRADED or outcome.grade != COMPETENT:
        return False
    if outcome.vetoes and any(v["effect"] in _BARS for v in outcome.vetoes):
        return False
    bar = excellent if excellent is not None else thresholds(scheme)[EXCELLENT]
    return outcome.final >= bar


def _tie_key(scheme, outcome: Outcome) -> tuple:
    """Higher is better: the final score, then each configured criterion's raw score (a
    missing score ranks below any score)."""
    key = [outcome.final]
    for code in scheme.get("tie_order") or []:
        raw = outcome.scores.get(code)
        key.append(Decimal(raw) if raw is not None else Decimal(-1))
    return tuple(key)


def allot(outcomes: list[Outcome], limit: int, eligible, key) -> None:
    """Give "excellent" to the best eligible outcomes, at most `limit`; a tied group that
    would cross the line goes to the committee (status TIE, no grade yet)."""
    candidates = sorted((o for o in outcomes if eligible(o)), key=key, reverse=True)
    taken, i = 0, 0
    while i < len(candidates) and taken < limit:
        first = key(candidates[i])
        j = i
        while j < len(candidates) and key(candidates[j]) == first:
            j += 1
        group = candidates[i:j]
        if taken + len(group) <= limit:
            for o in group:
                o.grade, o.rank = EXCELLENT, taken + 1
            taken += len(group)
        else:
            for o in group:
                o.grade, o.status, o.rank = None, TIE, taken + 1
            break
        i = j


def grade_many(schemes: Mapping[str, Mapping], people: Iterable[tuple[str, Person]], rate):
    """Everyone assessed, each category with its scheme, one quota per unit (a court):
    floor(rate x everyone assessed there). Candidates of one scheme are ranked by final
    score then its tie-break criteria; candidates of different schemes by final score only
    (their criteria differ), so a tie between them goes to the committee.
    Returns {unit: {"quota": n, "outcomes": {pid: Outcome}}}."""
    return {
        unit: {"quota": limit, "outcomes": {o.pid: o for o in outcomes}}
        for unit, limit, outcomes in grade_units(schemes, people, rate)
    }


def grade_units(schemes: Mapping[str, Mapping], people: Iterable[tuple[str, Person]], rate):
    """grade_many one unit at a time: (unit, quota, outcomes) as each unit is graded, so that
    a caller can write a unit's results while the next is scored (services.cycle_compute)."""
    compiled = {c: (_compile(s["tree"]), thresholds(s)) for c, s in schemes.items()}
    units: dict[str, list[tuple[str, Person]]] = {}
    for category, person in people:
        units.setdefault(person.unit, []).append((category, person))
    for unit, members in units.items():
        category_of = {person.pid: c for c, person in members}
        single = len(set(category_of.values())) == 1
        outcomes = [score_person(schemes[c], person, compiled[c]) for c, person in members]
        limit = quota(rate, len(outcomes))

        def key(o, single=single, category_of=category_of):
            return _tie_key(schemes[category_of[o.pid]], o) if single else (o.final,)

        def eligible(o, category_of=category_of):
            c = category_of[o.pid]
            return _eligible(schemes[c], o, compiled[c][1][EXCELLENT])

        allot(outcomes, limit, eligible, key)
        yield unit, limit, outcomes


def grade_all(scheme: Mapping, people: Iterable[Person], rate) -> dict[str, dict]:
    """One scheme for everyone (see grade_many)."""
    return grade_many({"": scheme}, (("", p) for p in people), rate)
