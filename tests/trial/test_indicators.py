"""Every indicator on a small hand-made file with its answer worked out by hand
(docs/trial-indicators.md), including cases pending across period ends, excluded days, an
extended time limit, zero denominators and a judge who does not match."""

import io
import json

import pytest
from django.core.management import call_command

from tests.trial.files import csv_bytes, row
from tongxin.trial.compute import COURT, DEPARTMENT, JUDGE, compute
from tongxin.trial.indicators import INDICATORS, period
from tongxin.trial.services import check_file, save_indicators, store_rows

# fmt: off
CASES = [
    # basic court 苏0102: judges J001 (民一庭) and J002 (民二庭)
    row("(2023)苏0102民初1号", "2023-10-01", "2024-02-01", "判决"),                        # A
    row("(2024)苏0102民初1号", "2024-01-10", "2024-03-10", "调解"),                        # B
    row("(2024)苏0102民初2号", "2024-02-01", "2024-06-01", "撤诉", judge="J002", dept="民二庭",
        procedure="简易程序", excluded="40"),                                              # C
    row("(2024)苏0102民初3号", "2024-03-01", "2024-10-01", "判决", judge="J002", dept="民二庭"),  # D
    row("(2024)苏0102民初4号", "2024-03-01", "2024-10-01", "判决", limit="270"),            # E
    row("(2024)苏0102民初5号", "2024-11-01", judge="J002", dept="民二庭"),                  # F
    row("(2022)苏0102民初7号", "2022-06-01"),                                              # G
    row("(2024)苏0102执1号", "2024-04-01", "2024-08-01", "执行完毕", claimed="1000", recovered="1000"),  # H
    row("(2024)苏0102执2号", "2024-05-01", "2024-09-01", "终结本次执行", judge="J002", dept="民二庭",
        claimed="3000", recovered="500"),                                                  # I
    # intermediate court 苏01: appeals by I001
    row("(2024)苏01民终1号", "2024-03-15", "2024-05-01", "改判", judge="I001", dept="民一庭",
        origin="(2023)苏0102民初1号"),                                                      # K
    row("(2024)苏01民终2号", "2024-10-20", "2024-12-20", "发回重审", judge="I001", dept="民一庭",
        origin="(2024)苏0102民初3号"),                                                      # L
    row("(2024)苏01民终3号", "2024-11-01", judge="I001", dept="民一庭", origin="(2024)苏0102民初4号"),  # M
    # the remanded case tried again at first instance
    row("(2024)苏0102民初6号", "2024-12-28", origin="(2024)苏01民终2号"),                   # N
]
# fmt: on


@pytest.fixture
def loaded(judges):
    result, accepted = check_file(io.BytesIO(csv_bytes(CASES)))
    assert result.rejected == []
    store_rows(accepted, batch_id=1)
    return judges


def values(results, level, *, court, department="", judge=None, case_type=""):
    for result in results:
        if (result.level, result.court_id, result.case_type) != (level, court, case_type):
            continue
        if level == DEPARTMENT and result.department != department:
            continue
        if level == JUDGE and result.judge_id != judge:
            continue
        return {code: value for code, (_n, _d, value) in result.values.items()}
    raise AssertionError("no such result")


def test_the_year_at_the_basic_court(world, loaded):
    v = values(compute(period("2024")), COURT, court=world.basic.pk)
    assert v["received"] == 8
    assert v["closed"] == 7
    assert v["pending_at_start"] == 2
    assert v["pending_at_end"] == 3
    assert v["closure_rate"] == pytest.approx(0.7)
    assert v["closure_to_intake"] == pytest.approx(7 / 8)
    # C on time only with its 40 excluded days; E only with its extended limit; D late.
    assert v["on_time_rate"] == pytest.approx(6 / 7)
    assert v["mean_duration_days"] == pytest.approx(977 / 7)
    assert v["median_duration_days"] == 123
    assert v["pending_over_12_months"] == 1
    assert v["pending_over_12_months_ratio"] == pytest.approx(0.1)
    assert v["appeal_rate"] == pytest.approx(3 / 5)
    assert v["acceptance_rate"] == pytest.approx(2 / 5)
    assert v["reversal_remand_rate"] == pytest.approx(2 / 5)
    assert v["reversal_to_remand_ratio"] is None  # no second-instance case: no value, not 0
    assert v["mediation_withdrawal_rate"] == pytest.approx(2 / 5)
    assert v["case_to_matter_ratio"] == pytest.approx(10 / 7)  # D → L → N, E → M
    assert v["enforcement_completion_rate"] == pytest.approx(1 / 2)
    assert v["enforcement_recovery_rate"] == pytest.approx(1500 / 4000)


def test_the_year_at_the_intermediate_court(world, loaded):
    v = values(compute(period("2024")), COURT, court=world.inter.pk)
    assert (v["received"], v["closed"], v["pending_at_end"]) == (3, 2, 1)
    assert v["reversal_to_remand_ratio"] == pytest.approx(1.0)
    assert v["mediation_withdrawal_rate"] == 0
    assert v["appeal_rate"] is None and v["enforcement_recovery_rate"] is None


def test_judges_and_departments(world, loaded):
    results = compute(period("2024"))
    j1, j2 = loaded["J001"].pk, loaded["J002"].pk
    one = values(results, JUDGE, court=world.basic.pk, judge=j1)
    assert (one["received"], one["closed"], one["pending_at_start"], one["pending_at_end"]) == (
        4,
        4,
        2,
        2,
    )
    assert one["closure_rate"] == pytest.approx(4 / 6)
    assert one["appeal_rate"] == pytest.approx(2 / 3)
    two = values(results, JUDGE, court=world.basic.pk, judge=j2)
    assert (two["received"], two["closed"]) == (4, 3)
    assert two["appeal_rate"] == pytest.approx(1 / 2)
    assert values(results, DEPARTMENT, court=world.basic.pk, department="民一庭") == one
    assert values(results, DEPARTMENT, court=world.basic.pk, department="民二庭") == two
    # A judge with no case has no row; J003 is not in the results.
    assert not [r for r in results if r.judge_id == loaded["J003"].pk]


def test_a_quarter_and_a_month(world, loaded):
    q1 = values(compute(period("2024Q1")), COURT, court=world.basic.pk)
    assert (q1["received"], q1["closed"], q1["pending_at_start"], q1["pending_at_end"]) == (
        4,
        2,
        2,
        4,
    )
    assert q1["closure_rate"] == pytest.approx(1 / 3)
    assert q1["appeal_rate"] == pytest.approx(1 / 2)
    july = values(compute(period("2024-07")), COURT, court=world.basic.pk)
    assert (july["received"], july["closed"], july["pending_at_start"]) == (0, 0, 5)
    assert july["closure_rate"] == 0
    assert july["closure_to_intake"] is None  # zero denominator: no value
    assert july["mean_duration_days"] is None and july["median_duration_days"] is None


def test_by_case_type(world, loaded):
    results = compute(period("2024"), by_case_type=True)
    civil = values(results, COURT, court=world.basic.pk, case_type="民初")
    assert (civil["received"], civil["closed"]) == (6, 5)
    assert civil["enforcement_completion_rate"] is None
    enforcement = values(results, COURT, court=world.basic.pk, case_type="执")
    assert enforcement["enforcement_completion_rate"] == pytest.approx(0.5)
    assert (enforcement["received"], enforcement["closed"]) == (2, 2)


def test_compute_indicators_stores_values_and_indicators_prints_them(world, loaded):
    from tongxin.trial.models import IndicatorValue

    out = io.StringIO()
    call_command("compute_indicators", "--period", "2024", stdout=out)
    assert "2024:" in out.getvalue()
    stored = IndicatorValue.objects.get(
        court=world.basic, period="2024", level="court", case_type="", code="closure_rate"
    )
    assert (stored.numerator, stored.denominator, stored.value) == (7, 10, pytest.approx(0.7))
    assert IndicatorValue.objects.filter(
        period="2024", level="court", case_type="民初", court=world.basic
    ).exists()
    # Computing again replaces, never doubles.
    count = IndicatorValue.objects.count()
    call_command("compute_indicators", "--period", "2024", stdout=io.StringIO())
    assert IndicatorValue.objects.count() == count

    out = io.StringIO()
    call_command("indicators", "--court", "苏0102", "--period", "2024", "--json", stdout=out)
    rows = {r["code"]: r for r in json.loads(out.getvalue())}
    assert set(rows) == {item.code for item in INDICATORS}
    assert rows["closure_rate"]["numerator"] == 7 and rows["closure_rate"]["denominator"] == 10
    assert rows["closure_rate"]["within_range"] is True  # range: at least 70%
    assert rows["reversal_to_remand_ratio"]["value"] is None
    assert rows["reversal_to_remand_ratio"]["within_range"] is None

    # A judge by case type: not stored, computed from the store.
    out = io.StringIO()
    call_command(
        "indicators", "--court", "苏0102", "--period", "2024", "--case-type", "民初",
        "--judge", "J002", "--json", stdout=out,
    )  # fmt: skip
    rows = {r["code"]: r for r in json.loads(out.getvalue())}
    assert rows["received"]["value"] == 3 and rows["closed"]["value"] == 2  # C, D, F; C, D


@pytest.mark.parametrize(
    "args, message",
    [
        (["--court", "苏0102", "--period", "2024Q5"], "a period is"),
        (["--court", "无此", "--period", "2024"], "no court"),
        (["--court", "苏0102", "--period", "2024", "--case-type", "民字"], "not a case-type"),
        (["--court", "苏0102", "--period", "2024", "--judge", "nobody"], "no judge"),
    ],
)
def test_the_indicators_command_refuses_bad_arguments(world, args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("indicators", *args)


def test_judge_year_indicators_for_the_evaluation_app(world, loaded):
    from tongxin.trial.selectors import judge_year_indicators

    save_indicators(period("2024"))
    found = judge_year_indicators([loaded["J001"].pk, loaded["J003"].pk], 2024)
    assert list(found) == [loaded["J001"].pk]  # J003 had no case
    closure = found[loaded["J001"].pk]["closure_rate"]
    assert closure["value"] == pytest.approx(4 / 6)
    assert closure["range"] == (0.7, None) and closure["within"] is False
