"""The compliance engine: each verdict, period boundaries, rules with history, the
hand-computed year of one branch, and joint meetings."""

import datetime

import pytest

from tests.meetings.conftest import committee
from tests.meetings.engine import line, set_present, verdicts
from tests.meetings.factories import held, meeting
from tongxin.meetings import compliance
from tongxin.meetings.models import ComplianceRule

D = datetime.date
NA, ND, OK = "not_applicable", "not_due", "compliant"
MISS, QUO, MIN = "missing", "quorum_not_met", "minutes_missing"


def test_defaults_are_shipped_by_the_data_migration(db):
    rules = {r.activity: r for r in ComplianceRule.objects.filter(court=None)}
    assert set(rules) == {"general", "committee", "group", "lesson", "theme_day", "org_life",
                          "democratic_life", "centre_study", "warning"}  # fmt: skip
    assert (rules["general"].cadence, rules["general"].quorum_num, rules["general"].quorum_den,
            rules["general"].quorum_strict) == ("quarterly", 1, 2, True)  # fmt: skip
    assert (rules["democratic_life"].quorum_num, rules["democratic_life"].quorum_den,
            rules["democratic_life"].quorum_strict) == (2, 3, False)  # fmt: skip
    assert rules["committee"].needs == "committee"
    assert rules["democratic_life"].kinds == ["party_group"]


def test_each_failing_verdict_and_compliant(branch_of):
    a, _ = branch_of(4)
    b, _ = branch_of(4)
    c, _ = branch_of(4)
    d, _ = branch_of(4)
    held(a, held_on=D(2025, 2, 10))  # all present, minutes, signed
    held(b, held_on=D(2025, 2, 10), present=2)  # 2 of 4: not more than half
    held(c, held_on=D(2025, 2, 10), signed=False)
    # d: nothing in Q1
    result, _ = verdicts([a, b, c, d])
    assert line(result, a, "general")[:3] == [ND, OK, OK]
    assert line(result, b, "general")[:3] == [ND, ND, QUO]
    assert line(result, c, "general")[:3] == [ND, ND, MIN]
    assert line(result, d, "general")[:3] == [ND, ND, MISS]


def test_minutes_without_text_is_minutes_missing(branch_of):
    a, _ = branch_of(3)
    held(a, held_on=D(2025, 1, 10), minutes="   ")
    result, _ = verdicts([a])
    assert line(result, a, "general")[2] == MIN


def test_not_due_until_the_record_window_closes(branch_of):
    a, _ = branch_of(3)
    # Q1 missing: judged only once the 15 days to enter the record have passed.
    early, _ = verdicts([a], today=D(2025, 4, 15))
    late, _ = verdicts([a], today=D(2025, 4, 16))
    assert line(early, a, "general")[2] == ND
    assert line(late, a, "general")[2] == MISS
    # Months after today are not due whatever happened.
    assert line(late, a, "general")[5] == ND


def test_not_applicable_by_kind_and_without_committee(branch_of):
    a, _ = branch_of(3)
    result, cells = verdicts([a])
    assert set(line(result, a, "democratic_life")) == {NA}  # a Party group's rule
    assert set(line(result, a, "committee")) == {NA}  # no committee
    assert set(line(result, a, "group")) == {NA}  # a cell's rule


def test_quarter_boundaries(branch_of):
    a, _ = branch_of(3)
    held(a, held_on=D(2025, 3, 31))  # last day of Q1
    held(a, held_on=D(2025, 7, 1))  # first day of Q3
    result, _ = verdicts([a])
    assert line(result, a, "general")[:9] == [ND, ND, OK, ND, ND, MISS, OK, OK, OK]


def test_organisation_founded_mid_year(branch_of):
    a, _ = branch_of(3, founded_on=D(2025, 5, 10))
    held(a, held_on=D(2025, 8, 1))
    result, _ = verdicts([a])
    # Q1, Q2 began before it existed; Q3 is judged.
    assert line(result, a, "general")[:9] == [NA] * 6 + [ND, OK, OK]
    # Monthly: May began before the founding, June after.
    theme = line(result, a, "theme_day")
    assert theme[:5] == [NA] * 5 and theme[5] == MISS


def test_committee_formed_mid_year(branch_of):
    a, people = branch_of(3)
    committee(a, people[0], D(2025, 3, 10))
    held(a, kind="committee", held_on=D(2025, 4, 3))
    result, _ = verdicts([a])
    assert line(result, a, "committee")[:5] == [NA, NA, NA, OK, MISS]


def test_rule_changed_mid_year_judges_each_period_by_its_rule(branch_of):
    a, people = branch_of(3)
    committee(a, people[0], D(2020, 1, 1))
    ComplianceRule.objects.create(
        activity="committee", court=a.court, effective_from=D(2025, 7, 1),
        applies_to="branch", needs="committee", cadence="quarterly",
    )  # fmt: skip
    held(a, kind="committee", held_on=D(2025, 8, 20))
    result, _ = verdicts([a])
    assert line(result, a, "committee") == [MISS] * 6 + [ND, OK, OK, ND, ND, MISS]


def test_a_quorum_given_to_another_activity_reads_its_attendance(branch_of):
    """The engine loads attendance counts for the activities some version judges by a
    quorum: a court giving lessons one from July must see who attended them."""
    a, _ = branch_of(4)
    ComplianceRule.objects.create(
        activity="lesson", court=a.court, effective_from=D(2025, 7, 1), applies_to="branch",
        cadence="quarterly", quorum_num=1, quorum_den=2, quorum_strict=True,
    )  # fmt: skip
    held(a, kind="lesson", held_on=D(2025, 5, 10), present=1)  # before: no quorum asked
    held(a, kind="lesson", held_on=D(2025, 8, 10), present=1)  # 1 of 4: not more than half
    held(a, kind="lesson", held_on=D(2025, 11, 10), present=3)
    result, _ = verdicts([a])
    assert line(result, a, "lesson")[3:] == [ND, OK, OK, ND, ND, QUO, ND, OK, OK]


def test_a_subtree_rule_does_not_reach_other_courts(branch_of):
    from tests.factories import CourtFactory

    a, _ = branch_of(3)
    other_court = CourtFactory(code="测02")
    b, _ = branch_of(3, parent_court=other_court)
    ComplianceRule.objects.create(
        activity="theme_day", court=a.court, effective_from=D(2025, 1, 1),
        applies_to="branch", cadence="monthly", is_enabled=False,
    )  # fmt: skip
    result, _ = verdicts([a, b])
    assert set(line(result, a, "theme_day")) == {NA}
    assert set(line(result, b, "theme_day")) == {MISS}


def test_democratic_life_quorum_two_thirds_inclusive(db):
    from tests.factories import CourtFactory, MembershipFactory, OrganisationFactory, PersonFactory

    court = CourtFactory(code="测09")
    group = OrganisationFactory(court=court, kind="party_group")
    members = [PersonFactory(court=court) for _ in range(6)]
    for person in members:
        MembershipFactory(person=person, organisation=group)
    m = held(group, kind="democratic_life", held_on=D(2025, 12, 10), present=4)  # 4/6 = 2/3
    result, _ = verdicts([group])
    assert line(result, group, "democratic_life")[11] == OK
    set_present(m, members[:3])  # 3/6 < 2/3
    result, _ = verdicts([group])
    assert line(result, group, "democratic_life")[11] == QUO


def test_planned_and_cancelled_meetings_do_not_count(branch_of):
    a, _ = branch_of(3)
    meeting(a, held_on=D(2025, 2, 1), status="planned")
    meeting(a, held_on=D(2025, 2, 2), status="cancelled")
    result, _ = verdicts([a])
    assert line(result, a, "general")[2] == MISS


def test_joint_meeting_counts_for_each_organisation(branch_of):
    a, _ = branch_of(3)
    b, _ = branch_of(3)
    held(a, held_on=D(2025, 2, 10), joint=[b])
    result, _ = verdicts([a, b])
    assert line(result, a, "general")[2] == OK
    assert line(result, b, "general")[2] == OK


def test_joint_meeting_quorum_is_per_organisation(branch_of):
    a, pa = branch_of(2)
    b, pb = branch_of(2)
    m = held(a, held_on=D(2025, 2, 10), joint=[b])
    set_present(m, pa)  # all of a, none of b
    result, _ = verdicts([a, b])
    assert line(result, a, "general")[2] == OK
    assert line(result, b, "general")[2] == QUO


def test_cell_shows_the_worst_verdict_and_its_rule(branch_of):
    a, _ = branch_of(3)
    held(a, held_on=D(2025, 3, 5))
    _result, cells = verdicts([a])
    cell = cells[(a.pk, D(2025, 3, 1))]
    assert cell.code == MISS  # theme day, lesson... missing in March
    assert cell.rule in {"theme_day", "lesson"}
    assert {v.rule: v.code for v in cell.verdicts}["general"] == OK


def test_hand_computed_year_of_one_branch(branch_of):
    """The issue's year, worked out on paper (docs/organisational-life.md, "A worked year"):
    eight full members and a probationary one; the committee formed on 10 March; from
    1 July the court makes committee meetings quarterly; a general meeting on the last day
    of Q1; one with exactly half the voting members present."""
    branch, people = branch_of(8, probationary=1)
    full = people[:8]
    committee(branch, people[0], D(2025, 3, 10))
    ComplianceRule.objects.create(
        activity="committee", court=branch.court, effective_from=D(2025, 7, 1),
        applies_to="branch", needs="committee", cadence="quarterly",
    )  # fmt: skip
    q1 = held(branch, held_on=D(2025, 3, 31))
    set_present(q1, full[:5])  # 5 of 8 > half
    q2 = held(branch, held_on=D(2025, 5, 20))
    set_present(q2, [*full[:4], people[8]])  # 4 of 8 voting (+ the probationary): half
    q3 = held(branch, held_on=D(2025, 8, 5), signed=False)
    set_present(q3, full[:6])
    held(branch, kind="committee", held_on=D(2025, 4, 15))
    held(branch, kind="committee", held_on=D(2025, 6, 30))
    held(branch, kind="committee", held_on=D(2025, 9, 30))
    result, _ = verdicts([branch])
    assert line(result, branch, "general") == [
        ND, ND, OK,  # Q1: the meeting of 31 March counts from March
        ND, ND, QUO,  # Q2: 4 of 8 is not more than half
        ND, ND, MIN,  # Q3: quorate, not signed off
        ND, ND, MISS,  # Q4: none
    ]  # fmt: skip
    assert line(result, branch, "committee") == [
        NA, NA, NA,  # no committee on 1 Jan, 1 Feb, 1 Mar (formed on the 10th)
        OK, MISS, OK,  # monthly: April held, May not, June on its last day
        ND, ND, OK,  # quarterly from July: held 30 September
        ND, ND, MISS,  # Q4: none
    ]  # fmt: skip


@pytest.mark.parametrize(
    "month,cadence,expected",
    [
        (D(2025, 5, 1), "quarterly", (D(2025, 4, 1), D(2025, 6, 30))),
        (D(2025, 12, 1), "half_yearly", (D(2025, 7, 1), D(2025, 12, 31))),
        (D(2024, 2, 1), "monthly", (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2025, 3, 1), "yearly", (D(2025, 1, 1), D(2025, 12, 31))),
    ],
)
def test_period_of(month, cadence, expected):
    assert compliance.period_of(month, cadence) == expected


def _per_term_lessons(court):
    """From 2025 on, party lessons once per committee term (replacing quarterly)."""
    return ComplianceRule.objects.create(
        activity="lesson", court=court, effective_from=D(2024, 1, 1), applies_to="branch",
        cadence="per_term", times=1, minutes_required=False, signoff_required=False,
    )  # fmt: skip


def test_per_term_cadence_is_judged_over_each_committee_term(branch_of):
    from tongxin.orgs.models import CommitteeTerm

    a, _ = branch_of(4)
    b, _ = branch_of(4)
    c, _ = branch_of(4)  # no term recorded: the rule does not apply
    _per_term_lessons(a.court)
    # a: a term 2023-03 to 2025-06, a lesson held in 2023 (before the judged year: counted),
    # then a new term from 2025-07 with nothing held yet (not due until it ends).
    CommitteeTerm.objects.create(organisation=a, starts_on=D(2023, 3, 1), ends_on=D(2025, 6, 30))
    CommitteeTerm.objects.create(organisation=a, starts_on=D(2025, 7, 1), ends_on=D(2028, 6, 30))
    held(a, kind="lesson", held_on=D(2023, 5, 10))
    # b: a term ending 2025-09 without a lesson: missing once the record window has passed.
    CommitteeTerm.objects.create(organisation=b, starts_on=D(2022, 10, 1), ends_on=D(2025, 9, 30))
    result, _ = verdicts([a, b, c])
    assert line(result, a, "lesson") == [OK] * 6 + [ND] * 6
    assert line(result, b, "lesson") == [ND] * 8 + [MISS] + [NA] * 3
    assert line(result, c, "lesson") == [NA] * 12
    # Judged before b's term ended (and within its 15 days to record), it is not due yet.
    early, _ = verdicts([b], today=D(2025, 10, 10))
    assert line(early, b, "lesson")[:9] == [ND] * 9


def test_per_term_activity_is_planned_before_the_term_ends(branch_of):
    from tongxin.meetings import planning
    from tongxin.orgs.models import CommitteeTerm

    a, _ = branch_of(4)
    _per_term_lessons(a.court)
    CommitteeTerm.objects.create(organisation=a, starts_on=D(2022, 10, 1), ends_on=D(2025, 9, 30))
    lessons = [p for p in planning.propose(a, 2025) if p.kind == "lesson"]
    assert [p.held_on for p in lessons] == [D(2025, 8, 1)]  # two months before the end
    held(a, kind="lesson", held_on=D(2024, 3, 1))  # held within the term already
    assert not [p for p in planning.propose(a, 2025) if p.kind == "lesson"]
    assert not [p for p in planning.propose(a, 2026) if p.kind == "lesson"]
