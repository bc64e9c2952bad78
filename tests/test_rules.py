"""The generic rule runner (tongxin.core.rules)."""

import ast
from pathlib import Path
from types import SimpleNamespace

import pytest

from tongxin.core import rules
from tongxin.core.rules import Finding, Rule, RuleSet, Setting, Settings

# A fake rule set over fake facts: shelves of a library -------------------------------------


class Overfull(Rule):
    code = "overfull"
    label = "Shelf too full"
    value = 10

    def evaluate(self, facts, settings):
        most = settings[self.code].value
        for shelf in facts.shelves:
            if shelf["books"] > most:
                yield self.finding(shelf["name"], facts.town, f"{shelf['books']} > {most}", "/s")


class Dusty(Rule):
    code = "dusty"
    label = "Shelf not dusted"
    value = 30
    value_max = 90

    def evaluate(self, facts, settings):
        warn, alarm = settings[self.code].value, settings[self.code].value_max
        for shelf in facts.shelves:
            if shelf["days"] > warn:
                level = "alarm" if shelf["days"] > alarm else "warn"
                yield self.finding(shelf["name"], facts.town, level, "/d")


LIBRARY = RuleSet("library", [Overfull(), Dusty()])
FACTS = SimpleNamespace(
    town="Ely",
    shelves=[
        {"name": "A", "books": 12, "days": 5},
        {"name": "B", "books": 3, "days": 100},
        {"name": "C", "books": 10, "days": 31},
    ],
)


def test_a_fake_rule_set_runs_with_its_defaults():
    found = rules.run(LIBRARY, FACTS, {})
    assert [(f.rule, f.subject, f.reason) for f in found] == [
        ("overfull", "A", "12 > 10"),
        ("dusty", "B", "alarm"),
        ("dusty", "C", "warn"),
    ]
    assert found[0] == Finding("overfull", "A", "Ely", "12 > 10", "/s", "Shelf too full")
    assert rules.run(LIBRARY, FACTS) == found  # no settings at all: defaults


def test_stored_settings_switch_rules_and_move_thresholds():
    stored = {"overfull": Setting(enabled=False), "dusty": Setting(True, 50, None)}
    found = rules.run(LIBRARY, FACTS, stored)
    assert [(f.rule, f.subject, f.reason) for f in found] == [("dusty", "B", "alarm")]


def test_settings_fill_defaults_and_ignore_unknown_codes():
    rows = [
        SimpleNamespace(code="dusty", is_enabled=True, value=None, value_max=60),
        SimpleNamespace(code="gone", is_enabled=True, value=1, value_max=None),
    ]
    settings = Settings(LIBRARY, rules.settings_from_rows(rows))
    assert settings["dusty"] == Setting(True, 30, 60)
    assert settings["overfull"] == Setting(True, 10, None)
    assert set(settings) == {"overfull", "dusty"}
    assert rules.run(LIBRARY, FACTS, settings) == rules.run(
        LIBRARY, FACTS, rules.settings_from_rows(rows)
    )


def test_counts_cover_every_rule_in_order():
    found = rules.run(LIBRARY, FACTS)
    assert rules.counts(LIBRARY, found) == [
        ("overfull", "Shelf too full", 1),
        ("dusty", "Shelf not dusted", 2),
    ]
    assert rules.counts(LIBRARY, []) == [
        ("overfull", "Shelf too full", 0),
        ("dusty", "Shelf not dusted", 0),
    ]


def test_a_rule_set_refuses_duplicate_or_missing_codes():
    with pytest.raises(ValueError):
        RuleSet("twice", [Overfull(), Overfull()])
    with pytest.raises(ValueError):
        RuleSet("nameless", [Rule()])
    assert list(LIBRARY) == ["overfull", "dusty"] and "dusty" in LIBRARY


def test_a_disabled_rule_is_not_even_evaluated():
    class Exploding(Rule):
        code = "boom"

        def evaluate(self, facts, settings):
            raise AssertionError("evaluated")

    assert rules.run(RuleSet("x", [Exploding()]), None, {"boom": Setting(enabled=False)}) == []


def test_the_runner_imports_no_domain_app():
    """tongxin.core.rules is domain-free: it imports nothing from tongxin but core and lib."""
    source = Path(rules.__file__).read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    ours = {name for name in imported if name.split(".")[0] == "tongxin"}
    assert all(name.split(".")[1] in ("core", "lib") for name in ours), ours
    assert not {name for name in imported if name.split(".")[0] == "django"}
