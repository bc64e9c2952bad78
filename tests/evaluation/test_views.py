"""The pages: a rater's sheet, a person's explanation and review, a ballot, the committee's
lists (constant queries), and junk on every form without a server error."""

import datetime

import pytest
from django.urls import reverse

from tests.evaluation.access import PAGES, made
from tests.evaluation.factories import cycle_make
from tongxin.evaluation import services
from tongxin.evaluation.models import Ballot, RaterAssignment, Receipt, ReviewRequest, SealedBallot


def test_a_rater_sees_only_their_people_drafts_then_submits_once(world, client_for):
    state = made(world)
    other = services.rater_assign(
        actor=world.users["party"],
        cycle=state.rating,
        rater=world.members[6],
        ratee=world.members[2],
        group="leader",
    )
    client = client_for("member")
    url = reverse("evaluation:rating", args=[state.rating.pk])
    page = client.get(url)
    assert world.members[0].name in page.content.decode()
    assert world.members[2].name not in page.content.decode()  # another rater's person
    mine = RaterAssignment.objects.get(cycle=state.rating, rater=world.members[5])
    for junk in ("101", "abc", "-5", "x" * 5000, "\x00"):
        response = client.post(url, {f"s{mine.pk}": junk, "submit": "1"})
        assert response.status_code == 200
        assert "0 to 100" in response.content.decode()
    assert client.post(url, {f"s{mine.pk}": "88", "draft": "1"}).status_code == 302
    assert RaterAssignment.objects.get(pk=mine.pk).score == 88
    client.post(url, {f"s{mine.pk}": "91", "submit": "1"})
    assert client.post(url, {f"s{mine.pk}": "10", "submit": "1"}).status_code == 200
    assert RaterAssignment.objects.get(pk=mine.pk).score == 91
    assert RaterAssignment.objects.get(pk=other.pk).score is None


def test_a_person_reads_why_and_asks_for_review(world, client_for):
    cycle = cycle_make(world, name="复核")
    services.cycle_compute(actor=world.users["party"], cycle=cycle)
    services.cycle_publish(
        actor=world.users["party"],
        cycle=cycle,
        until=datetime.date.today() + datetime.timedelta(days=3),
    )
    result = cycle.results.get(person=world.members[5])
    client = client_for("member")
    url = reverse("evaluation:result-mine", args=[result.pk])
    page = client.get(url).content.decode()
    assert "组织生活出勤" in page and "no record: left out" in page
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and not ReviewRequest.objects.exists()
    assert client.post(url, {"reason": "考勤有误"}).status_code == 302
    assert ReviewRequest.objects.get().reason == "考勤有误"
    assert client_for("secretary").get(url).status_code == 404  # not their result


def test_a_member_votes_once_on_the_page(world, client_for):
    state = made(world)
    client = client_for("member")
    url = reverse("evaluation:poll-vote", args=[state.poll.pk])
    page = client.get(url).content.decode()
    assert world.members[5].name not in page.split("<form")[1]  # not graded by themselves
    key = f"i{world.members[0].pk}"
    assert client.post(url, {key: "excellent"}).status_code == 302
    assert "You have voted" in client.get(url).content.decode()
    client.post(url, {key: "unqualified"})
    assert Receipt.objects.filter(poll=state.poll).count() == 1
    assert SealedBallot.objects.filter(poll=state.poll).count() == 1
    assert not Ballot.objects.filter(poll=state.poll).exists()


@pytest.mark.parametrize("path", ["/evaluation/cycles/", "/evaluation/democratic/"])
def test_lists_take_constant_queries(world, client_for, path):
    client = client_for("party")
    for i in range(2):
        cycle_make(world, open_it=False, name=f"周期{i}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for i in range(2, 8):
        cycle_make(world, open_it=False, name=f"周期{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    # The header's "my work" counts of every installed app are part of each page's cost.
    assert len(many) == len(few)


def test_cycle_page_queries_do_not_grow_with_results(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory

    client = client_for("party")

    def count(name):
        cycle = cycle_make(world, name=name)
        services.cycle_compute(actor=world.users["party"], cycle=cycle)
        url = reverse("evaluation:cycle-detail", args=[cycle.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        return len(queries), len(page.context["page"].object_list)

    small = count("小")
    for _ in range(15):
        PersonFactory(court=world.basic)
    large = count("大")
    assert small[1] == 10 and large[1] == 25
    assert small[0] == large[0]


JUNK = ["", "x" * 5000, "中文", "2024-13-45", "-1", "\x00", "99999999999999999999999", "{]"]
FORM_FIELDS = [
    "court",
    "year",
    "name",
    "categories",
    "rate",
    "approval",
    "opens_on",
    "rating_closes_on",
    "reason",
    "until",
    "rater",
    "ratee",
    "group",
    "grade",
    "answer",
    "definition",
    "organisation",
    "text",
    "decision",
    "note",
    "quarter",
    "outcome",
    "text1",
    "text2",
    "s1",
    "i1",
]
ROLE_FOR = {
    "evaluation:rating": "member",
    "evaluation:result-mine": "member",
    "evaluation:self-evaluation": "member",
    "evaluation:poll-vote": "member",
    "evaluation:commitments-mine": "member",
    "evaluation:commitment-progress": "member",
    "evaluation:scheme-edit": "admin",
}


@pytest.mark.parametrize("junk", JUNK)
def test_every_form_answers_junk_without_a_server_error(world, client_for, junk):
    for name, (builder, _row) in PAGES.items():
        if name.endswith(("xlsx", "pdf")):
            continue
        client = client_for(
            ROLE_FOR.get(name, "party" if "democratic" not in name else "secretary")
        )
        url = reverse(name, kwargs=builder(world) if builder else None)
        response = client.post(url, {field: junk for field in FORM_FIELDS})
        assert response.status_code < 500, (name, response.status_code)


def test_selection_pages_from_nomination_to_honours(world, client_for):
    from tongxin.evaluation.models import Nomination, Selection

    client = client_for("party")
    response = client.post(
        reverse("evaluation:selection-create"),
        {"court": world.basic.pk, "year": 2025, "kind": "four_strong"},
    )
    selection = Selection.objects.get()
    assert response.status_code == 302
    detail = reverse("evaluation:selection-detail", args=[selection.pk])
    client.post(
        reverse("evaluation:selection-nominate", args=[selection.pk]),
        {"organisation": world.branch.pk},
    )
    nomination = Nomination.objects.get()
    assert "secretary" in client.get(detail).content.decode()
    client.post(
        reverse("evaluation:selection-vote-open", args=[selection.pk]), {"electorate": "members"}
    )
    selection.refresh_from_db()
    assert selection.status == "voting"
    until = datetime.date.today() + datetime.timedelta(days=3)
    client.post(
        reverse("evaluation:selection-publish", args=[selection.pk]), {"until": until.isoformat()}
    )
    selection.refresh_from_db()
    assert selection.status == "objection" and selection.objection_until == until
    response = client.post(
        reverse("evaluation:selection-close", args=[selection.pk]), {"honoured": [nomination.pk]}
    )
    assert response.status_code == 200  # refused: the objection period has not ended
    assert "not ended" in response.content.decode()


def test_the_results_api_pages_through_a_cycle(world, client_for):
    cycle = cycle_make(world, name="分页")
    services.cycle_compute(actor=world.users["party"], cycle=cycle)
    client = client_for("party")
    url = f"/api/v1/evaluation/cycles/{cycle.pk}/results"
    first = client.get(url, {"limit": 4}).json()
    second = client.get(url, {"limit": 4, "offset": 4}).json()
    everyone = client.get(url, {"limit": 500}).json()
    total = cycle.results.count()
    assert total > 4 and first["count"] == second["count"] == everyone["count"] == total
    assert len(first["items"]) == 4 and len(everyone["items"]) == total
    ids = [r["id"] for r in first["items"] + second["items"]]
    assert len(set(ids)) == len(ids) == min(8, total)
    assert ids == [r["id"] for r in everyone["items"]][: len(ids)]
    assert client.get(url, {"limit": 501}).status_code == 422
