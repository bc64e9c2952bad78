"""A generic rule runner: rules are small objects that turn facts into findings.

Nothing here knows a domain. A rule set's loader produces the facts (whatever its rules read:
rows, counts, dates); the settings (each rule's on/off switch and thresholds, usually rows of
a table) are passed in, so the runner knows no model either. Organisation health
(`tongxin.orgs.health`) is the first rule set; meeting compliance will be another.

    class TooSmall(Rule):
        code = "too_small"
        label = gettext_lazy("Too small")
        value = 3

        def evaluate(self, facts, settings):
            least = settings[self.code].value
            for unit in facts.units:
                if unit.size < least:
                    yield self.finding(unit.name, unit.court, f"{unit.size} < {least}", unit.url)

    findings = run(RuleSet([TooSmall()]), facts, settings_from_rows(Table.objects.all()))

This module must import no domain app (a test checks it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any


@dataclass(slots=True)
class Finding:
    """One broken rule: what (subject), where (court), why (reason) and where to act (url)."""

    rule: str
    subject: str
    court: str
    reason: str
    url: str
    label: str = ""  # the rule's label in the active language


@dataclass(frozen=True, slots=True)
class Setting:
    """A rule's switch and thresholds as stored; None means "the rule's default"."""

    enabled: bool = True
    value: int | None = None
    value_max: int | None = None


class Rule:
    """A rule: its code, label and threshold defaults, and what it finds in the facts.

    Subclasses set the class attributes and implement `evaluate`; `value_help` says what the
    threshold means (None thresholds: the rule has none).
    """

    code: str = ""
    label: Any = ""  # str or lazy translation
    value: int | None = None
    value_max: int | None = None
    value_help: Any = ""

    @property
    def default(self) -> Setting:
        return Setting(True, self.value, self.value_max)

    def evaluate(self, facts: Any, settings: Settings) -> Iterable[Finding]:
        """The findings of this rule; `settings[code]` gives any rule's resolved setting."""
        raise NotImplementedError

    def count(self, facts: Any, settings: Settings) -> int:
        """How many findings `evaluate` yields. Override with an aggregate where the facts
        are a database table, so counting needs no loop over every finding."""
        return sum(1 for _ in self.evaluate(facts, settings))

    def window(self, facts: Any, settings: Settings, start: int, stop: int) -> list[Finding]:
        """Findings `start` to `stop` (excluded) of `evaluate`, in its order. Override to
        fetch only those (a page of a long list)."""
        return list(islice(self.evaluate(facts, settings), start, stop))

    def finding(self, subject: str, court: str, reason: str, url: str) -> Finding:
        return Finding(self.code, subject, court, reason, url, str(self.label))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class Settings(Mapping[str, Setting]):
    """Every rule's setting, complete: stored values where given, the rule's defaults else."""

    def __init__(self, ruleset: RuleSet, stored: Mapping[str, Setting] | None = None):
        stored = stored or {}
        self.ruleset = ruleset  # the rules these settings are for
        self._by_code: dict[str, Setting] = {}
        for rule in ruleset.values():
            row = stored.get(rule.code)
            if row is None:
                self._by_code[rule.code] = rule.default
            else:
                self._by_code[rule.code] = Setting(
                    row.enabled,
                    rule.value if row.value is None else row.value,
                    rule.value_max if row.value_max is None else row.value_max,
                )

    def __getitem__(self, code: str) -> Setting:
        return self._by_code[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_code)

    def __len__(self) -> int:
        return len(self._by_code)

    def enabled(self, code: str) -> bool:
        return self._by_code[code].enabled


class RuleSet(Mapping[str, Rule]):
    """Rules by code, in the order given (the order of findings and of counts)."""

    def __init__(self, name: str, rules: Iterable[Rule]):
        self.name = name
        self._rules: dict[str, Rule] = {}
        for rule in rules:
            if not rule.code:
                raise ValueError(f"{rule!r} has no code")
            if rule.code in self._rules:
                raise ValueError(f"Rule set {name} has two rules coded {rule.code}")
            self._rules[rule.code] = rule

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules)

    def __len__(self) -> int:
        return len(self._rules)

    def __repr__(self) -> str:
        return f"<RuleSet {self.name}: {', '.join(self._rules)}>"


def settings_from_rows(rows: Iterable[Any]) -> dict[str, Setting]:
    """Stored settings from table rows with `code`, `is_enabled`, `value`, `value_max`."""
    return {
        row.code: Setting(row.is_enabled, row.value, getattr(row, "value_max", None))
        for row in rows
    }


def run(
    ruleset: RuleSet, facts: Any, settings: Mapping[str, Setting] | Settings | None = None
) -> list[Finding]:
    """Apply every enabled rule of the set to the facts, in the set's order.

    `settings` holds the stored settings by code; a rule without one runs with its defaults,
    so an empty table still checks everything. Codes unknown to the set are ignored.
    """
    resolved = settings if isinstance(settings, Settings) else Settings(ruleset, settings)
    out: list[Finding] = []
    for code, rule in ruleset.items():
        if resolved.enabled(code):
            out.extend(rule.evaluate(facts, resolved))
    return out


def counts(ruleset: RuleSet, findings: Iterable[Finding]) -> list[tuple[str, str, int]]:
    """(code, label, count) for every rule of the set, in its order, zeros included."""
    tally = Counter(finding.rule for finding in findings)
    return [(code, str(rule.label), tally[code]) for code, rule in ruleset.items()]


class Findings(Sequence[Finding]):
    """The findings of a rule set, computed lazily: a page of a long list asks each enabled
    rule for its count (`Rule.count`) and then only for the findings it shows
    (`Rule.window`); iterating runs every rule (`Rule.evaluate`), as `run` does. In the
    set's order, like `run`. A Django Paginator and an export take it as a list.

    `only(code)` is the findings of one rule, sharing the counts already made; `tally()` is
    (code, label, count) for every rule of the set, zeros included (a disabled rule: 0)."""

    def __init__(
        self,
        ruleset: RuleSet,
        facts: Any,
        settings: Mapping[str, Setting] | Settings | None = None,
        *,
        codes: Iterable[str] | None = None,
        _counts: dict[str, int] | None = None,
    ):
        self.ruleset = ruleset
        self.facts = facts
        self.settings = settings if isinstance(settings, Settings) else Settings(ruleset, settings)
        wanted = list(ruleset) if codes is None else [c for c in ruleset if c in set(codes)]
        self.codes = [code for code in wanted if self.settings.enabled(code)]
        self._counts = {} if _counts is None else _counts

    def only(self, code: str) -> Findings:
        """The findings of one rule (none for an unknown or disabled code)."""
        return Findings(self.ruleset, self.facts, self.settings, codes=[code], _counts=self._counts)

    def count_of(self, code: str) -> int:
        if code not in self._counts:
            self._counts[code] = self.ruleset[code].count(self.facts, self.settings)
        return self._counts[code]

    def tally(self) -> list[tuple[str, str, int]]:
        return [
            (code, str(rule.label), self.count_of(code) if self.settings.enabled(code) else 0)
            for code, rule in self.ruleset.items()
        ]

    def __len__(self) -> int:
        return sum(self.count_of(code) for code in self.codes)

    def __iter__(self) -> Iterator[Finding]:
        for code in self.codes:
            yield from self.ruleset[code].evaluate(self.facts, self.settings)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return list(self)[index]
            return self._window(start, stop)
        size = len(self)
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("finding index out of range")
        return self._window(index, index + 1)[0]

    def _window(self, start: int, stop: int) -> list[Finding]:
        out: list[Finding] = []
        offset = 0  # where the current rule's findings begin in the whole list
        for code in self.codes:
            if start >= stop:
                break
            n = self.count_of(code)
            if start < offset + n:
                rule = self.ruleset[code]
                part = rule.window(
                    self.facts, self.settings, start - offset, min(stop, offset + n) - offset
                )
                out.extend(part)
                start = offset + n
            offset += n
        return out
