"""The generic rule runner (tongxin.core.rules), and the health rules on one facts row."""

import ast
import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tongxin.core import rules
from tongxin.core.rules import Finding, Findings, Rule, RuleSet, Setting, Settings
from tongxin.lib.dates import add_months
from tongxin.orgs import health
from tongxin.orgs.health import OrgFacts

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


@given(
    books=st.lists(st.integers(0, 20), max_size=12),
    start=st.integers(-3, 15),
    size=st.integers(0, 15),
    overfull_on=st.booleans(),
)
def test_lazy_findings_are_the_run_in_slices(books, start, size, overfull_on):
    shelves = [{"name": str(i), "books": n, "days": n * 7} for i, n in enumerate(books)]
    facts = SimpleNamespace(town="Ely", shelves=shelves)
    stored = {"overfull": Setting(enabled=overfull_on)}
    found = rules.run(LIBRARY, facts, stored)
    lazy = Findings(LIBRARY, facts, stored)
    assert len(lazy) == len(found)
    assert lazy[start : start + size] == found[start : start + size]
    assert list(lazy) == found
    assert lazy.tally() == rules.counts(LIBRARY, found)
    assert list(lazy.only("dusty")) == [f for f in found if f.rule == "dusty"]
    assert list(lazy.only("unknown")) == []
    if found:
        assert (lazy[0], lazy[-1]) == (found[0], found[-1])


def test_a_page_asks_the_rules_for_counts_and_its_window_only():
    class Counted(Rule):
        code = "counted"
        windows = []

        def evaluate(self, facts, settings):
            raise AssertionError("a page never evaluates every finding")

        def count(self, facts, settings):
            return 1000

        def window(self, facts, settings, start, stop):
            self.windows.append((start, stop))
            return [self.finding(str(n), "", "", "") for n in range(start, stop)]

    from django.core.paginator import Paginator

    lazy = Findings(RuleSet("big", [Counted()]), None)
    page = Paginator(lazy, 50).get_page(3)
    assert [f.subject for f in page] == [str(n) for n in range(100, 150)]
    assert Counted.windows == [(100, 150)] and lazy.tally() == [("counted", "", 1000)]


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


# The health rules on a hand-made facts row ----------------------------------------------
# The organisation rules are conditions on the facts table: each example writes one row
# with the figures given and runs the rule set on it.

TODAY = datetime.date(2026, 6, 15)


def _org(kind="branch", full=0, committee=0, secretary=False, term_ends=None):
    return OrgFacts(1, kind, "Org", "Court", "/o/1/", full, committee, secretary, term_ends)


@pytest.fixture
def facts_row(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory()


def _health(row, org, stored=None):
    from tongxin.orgs.models import OrganisationFacts, UnassignedMember

    OrganisationFacts.objects.filter(pk=row.pk).update(
        kind=org.kind,
        checked=True,
        full=org.full,
        committee=org.committee,
        secretary=org.secretary,
        # The current term: begun three years before its end (so before TODAY).
        last_starts=org.term_ends.replace(year=org.term_ends.year - 3) if org.term_ends else None,
        last_ends=org.term_ends,
        prev_starts=None,
        prev_ends=None,
    )
    facts = health.HealthFacts(
        organisations=OrganisationFacts.objects.filter(pk=row.pk, checked=True),
        people=UnassignedMember.objects.none(),
        today=TODAY,
    )
    return {f.rule for f in rules.run(health.RULES, facts, stored or {})}


@given(
    kind=st.sampled_from(["branch", "general_branch", "organ_committee"]),
    full=st.integers(0, 80),
    committee=st.integers(0, 12),
    secretary=st.booleans(),
    ends_in=st.none() | st.integers(-400, 400),
    least=st.integers(0, 10),
    most=st.integers(10, 60),
    committee_from=st.integers(1, 12),
)
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_health_rules_match_their_definitions(
    facts_row, kind, full, committee, secretary, ends_in, least, most, committee_from
):
    ends = None if ends_in is None else TODAY + datetime.timedelta(days=ends_in)
    stored = {
        "branch_too_small": Setting(True, least, None),
        "branch_too_large": Setting(True, most, None),
        "committee_missing": Setting(True, committee_from, None),
    }
    found = _health(facts_row, _org(kind, full, committee, secretary, ends), stored)
    branch = kind == "branch"
    expected = {
        "branch_too_small": branch and full < least,
        "branch_too_large": branch and full > most,
        "committee_missing": branch and full >= committee_from and committee <= 1,
        "committee_size": committee > 1
        and (not branch or full >= committee_from)
        and not 3 <= committee <= 7,
        "secretary_missing": not secretary,
        "term_missing": ends is None and (committee > 1 or secretary),
        "term_overdue": ends is not None and ends < TODAY,
        "term_ending": ends is not None and TODAY <= ends <= add_months(TODAY, 6),
        "member_unassigned": False,
    }
    assert found == {code for code, broken in expected.items() if broken}


@pytest.mark.parametrize(
    ("months", "ends", "ending"),
    [
        (6, datetime.date(2026, 12, 15), True),
        (6, datetime.date(2026, 12, 16), False),
        (0, TODAY, True),
        (1, datetime.date(2026, 7, 15), True),
        (1, datetime.date(2026, 7, 16), False),
    ],
)
def test_term_ending_threshold_in_months(facts_row, months, ends, ending):
    stored = {"term_ending": Setting(True, months, None)}
    found = _health(facts_row, _org(secretary=True, full=3, term_ends=ends), stored)
    assert ("term_ending" in found) == ending


def test_committee_size_uses_the_committee_threshold_even_when_that_rule_is_off(facts_row):
    org = _org(full=5, committee=2, secretary=True, term_ends=datetime.date(2028, 1, 1))
    off = {"committee_missing": Setting(False, 5, None)}
    assert _health(facts_row, org, off) == {"committee_size"}
    assert _health(facts_row, org, {"committee_missing": Setting(False, 6, None)}) == set()
