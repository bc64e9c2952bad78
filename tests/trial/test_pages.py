"""The trial pages and API on the hand-made cases of test_indicators: the health check with
its ranges, the charts' figures, the drill-down, long-pending cases, a judge's own page, the
case chain and who may see it, junk parameters, constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CourtFactory
from tests.trial.files import csv_bytes, row
from tests.trial.test_indicators import CASES
from tongxin.trial.indicators import period
from tongxin.trial.services import save_indicators


@pytest.fixture
def computed(world, judges):
    import io

    from tongxin.trial.services import check_file, store_rows

    # The member's own staff record is a judge with one case of their own.
    own = world.members[5]
    own.staff_number, own.category = "M006", "judge"
    own.save()
    mine = [*CASES, row("(2024)苏0102民初8号", "2024-02-01", judge="M006")]
    result, accepted = check_file(io.BytesIO(csv_bytes(mine)))
    assert result.rejected == []
    store_rows(accepted, batch_id=1)
    for key in ("2024", "2024-01", "2024-02", "2024-03"):
        save_indicators(period(key))
    return judges


def test_the_health_check_shows_each_indicator_against_its_range(world, computed, client_for):
    body = client_for("trial").get(f"/trial/courts/{world.basic.pk}/?period=2024").content.decode()
    assert 'data-testid="indicator-closure_rate"' in body
    assert "63.64%" in body  # 7 closed of 11 (the member's pending case added)
    assert "at least 70.00%" in body and "Outside" in body and "Within" in body
    assert 'data-testid="chart-departments"' in body and 'data-testid="chart-judges"' in body


def test_the_charts_give_trend_and_distributions_in_name_order(world, computed, client_for):
    client = client_for("leader")
    base = f"/trial/courts/{world.basic.pk}/chart"
    trend = client.get(f"{base}/trend/?period=2024&code=received").json()
    assert trend["labels"][:3] == ["2024-01", "2024-02", "2024-03"]
    assert trend["series"][0]["data"][:4] == [1, 2, 2, None]  # April was not computed
    departments = client.get(f"{base}/departments/?period=2024&code=received").json()
    assert departments["labels"] == ["民一庭", "民二庭"]  # names, never a ranking
    assert departments["series"][0]["data"] == [5, 4]
    judges = client.get(f"{base}/judges/?period=2024&code=received").json()
    assert len(judges["labels"]) == 3


def test_drill_down_to_the_cases_behind_a_number(world, computed, client_for):
    client = client_for("trial")
    body = client.get(
        f"/trial/courts/{world.basic.pk}/cases/?period=2024&code=pending_over_12_months"
    ).content.decode()
    assert "(2022)苏0102民初7号" in body and "(2024)苏0102民初5号" not in body
    body = client.get(
        f"/trial/courts/{world.basic.pk}/cases/?period=2024&code=on_time_rate&case_type=民初"
    ).content.decode()
    assert 'data-testid="case-total">5 cases' in body


def test_long_pending_cases(world, computed, client_for):
    body = client_for("trial").get(f"/trial/courts/{world.basic.pk}/pending/").content.decode()
    assert "(2022)苏0102民初7号" in body


def test_a_judge_sees_their_own_page_and_not_another(world, computed, client_for):
    client = client_for("member")
    response = client.get("/trial/mine/")
    assert response.status_code == 302 and response["Location"].endswith(
        f"/trial/judges/{world.members[5].pk}/"
    )
    body = client.get(f"/trial/judges/{world.members[5].pk}/?period=2024").content.decode()
    assert 'data-testid="indicator-received"' in body
    cases = client.get(f"/trial/judges/{world.members[5].pk}/cases/?period=2024&code=received")
    assert "(2024)苏0102民初8号" in cases.content.decode()
    assert client.get(f"/trial/judges/{computed['J001'].pk}/").status_code == 404
    assert client.get(f"/trial/courts/{world.basic.pk}/").status_code == 404
    api = client.get(f"/api/v1/trial/judges/{world.members[5].pk}/indicators?period=2024")
    assert {v["code"]: v["value"] for v in api.json()["values"]}["received"] == 1


def test_the_case_chain_and_who_sees_it(world, computed, client_for):
    body = client_for("trial").get("/trial/case/?number=（2024）苏01民终2号").content.decode()
    for number in ("(2024)苏0102民初3号", "(2024)苏01民终2号", "(2024)苏0102民初6号"):
        assert number in body
    assert "2 derived cases" in body
    api = client_for("leader").get("/api/v1/trial/cases/(2024)苏0102民初6号").json()
    assert [c["case_number"] for c in api["chain"]] == [
        "(2024)苏0102民初3号",
        "(2024)苏01民终2号",
        "(2024)苏0102民初6号",
    ]
    assert api["derived_cases"] == 2 and api["case"]["depth"] == 2
    # Outside the subtree: not found (the same answer as for a number that does not exist).
    assert (
        "case-not-found"
        in client_for("outsider").get("/trial/case/?number=(2024)苏0102民初3号").content.decode()
    )
    assert client_for("outsider").get("/api/v1/trial/cases/(2024)苏0102民初3号").status_code == 404
    # A judge sees the cases of the chain that are their own only.
    member = client_for("member").get("/trial/case/?number=(2024)苏0102民初8号").content.decode()
    assert "(2024)苏0102民初8号" in member
    assert (
        "case-not-found"
        in client_for("member").get("/trial/case/?number=(2024)苏0102民初3号").content.decode()
    )


def test_the_api_gives_values_by_court_department_and_case_type(world, computed, client_for):
    client = client_for("trial")
    base = f"/api/v1/trial/courts/{world.basic.pk}/indicators"
    court = client.get(f"{base}?period=2024").json()
    rate = {v["code"]: v for v in court["values"]}["closure_rate"]
    assert (rate["numerator"], rate["denominator"]) == (7, 11)
    assert rate["range"] == [0.7, None] and rate["within_range"] is False
    dept = client.get(f"{base}?period=2024&department=民二庭").json()
    assert {v["code"]: v["value"] for v in dept["values"]}["received"] == 4
    civil = client.get(f"{base}?period=2024&case_type=民初").json()
    assert {v["code"]: v["value"] for v in civil["values"]}["received"] == 7
    assert client.get(f"{base}?period=2024Q9").status_code == 400
    assert client.get(f"{base}?case_type=民字").status_code == 400


JUNK = ["period=2024Q9", "period=%00", "code=nope", "case_type=xx", "page=-1", "page=abc",
        "page=99999999999", "months=x", "department=%00", "number=" + "号" * 500]  # fmt: skip


@pytest.mark.parametrize("query", JUNK)
def test_junk_parameters_never_give_a_500(world, computed, client_for, query):
    client = client_for("trial")
    for path in (
        f"/trial/courts/{world.basic.pk}/",
        f"/trial/courts/{world.basic.pk}/cases/",
        f"/trial/courts/{world.basic.pk}/pending/",
        f"/trial/courts/{world.basic.pk}/chart/judges/",
        f"/trial/judges/{computed['J001'].pk}/",
        "/trial/case/",
        "/trial/",
    ):
        assert client.get(f"{path}?{query}").status_code == 200, path


def test_the_court_list_takes_constant_queries(world, client_for):
    client = client_for("trial")
    client.get("/trial/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/trial/").status_code == 200
    for number in range(30):
        CourtFactory(code=f"苏01{number + 10:02d}", parent=world.inter, level="basic")
    with CaptureQueriesContext(connection) as many:
        body = client.get("/trial/").content.decode()
    assert "苏0139" in body
    assert len(many) == len(few)
