"""The charts' figures: scoped like the lists, a constant number of queries, right sums."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MembershipFactory, PersonFactory
from tongxin.people.models import DuesPayment


def test_members_by_branch_counts_full_and_probationary(world, client_for):
    data = client_for("party").get("/charts/members/").json()
    index = data["labels"].index(world.branch.name_en)
    assert data["series"][0]["data"][index] == 9  # full
    assert data["series"][1]["data"][index] == 1  # probationary
    assert world.other_branch.name_en not in data["labels"]  # another province


def test_composition_adds_up_to_the_members_in_reach(world, client_for):
    data = client_for("party").get("/charts/composition/").json()
    groups = {g["name"]: sum(item["value"] for item in g["data"]) for g in data["groups"]}
    assert groups["Status"] == 10 and groups["Gender"] == 10 and groups["Age"] == 10
    assert groups["Position category"] == 10


def test_terms_ending_counts_the_current_term_in_its_month(world, client_for):
    term = world.branch.terms.get()
    today = timezone.localdate()
    term.ends_on = today + datetime.timedelta(days=40)
    term.save()
    data = client_for("party").get("/charts/terms/").json()
    month = term.ends_on.strftime("%Y-%m")
    assert data["series"][0]["data"][data["labels"].index(month)] == 1
    assert sum(data["series"][0]["data"]) == 1


def test_dues_by_month_sums_what_was_paid(world, client_for):
    today = timezone.localdate()
    DuesPayment.objects.create(
        person=world.members[1],
        organisation=world.branch,
        month=today.replace(day=1),
        amount=Decimal("120.00"),
        status="paid",
        paid_on=today,
        receipt="C1",
    )
    data = client_for("secretary").get("/charts/dues/").json()
    assert data["series"][0]["data"][today.month - 1] == 120.0
    assert client_for("discipline").get("/charts/dues/").status_code == 403
    assert client_for("party").get("/charts/unknown/").status_code == 404


def test_chart_queries_do_not_grow_with_the_data(world, client_for):
    client = client_for("party")

    def counts():
        out = {}
        for name in ("members", "composition", "terms", "dues"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(f"/charts/{name}/").status_code == 200
            out[name] = len(captured)
        return out

    before = counts()
    for _ in range(12):
        MembershipFactory(person=PersonFactory(court=world.basic), organisation=world.branch)
    assert counts() == before


def test_the_home_page_offers_the_charts_its_user_may_see(world, client_for):
    assert set(client_for("party").get("/").context["charts"]) == {
        "members",
        "composition",
        "terms",
        "dues",
    }
    assert client_for("member").get("/").context["charts"] == []
