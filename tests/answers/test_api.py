"""The API writes go through the services: same checks, same results as the pages."""

import json

from tests.answers.factories import task as make_task
from tongxin.answers.models import Opinion, Task


def _post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_opinion_round_trip_through_the_api(world, client_for):
    member, party = client_for("member"), client_for("party")
    bad = _post(member, "/api/v1/answers/opinions",
                {"topic": "work", "title": "t", "body": "<script>x</script>"})  # fmt: skip
    assert bad.status_code == 400 and Opinion.objects.count() == 0
    made = _post(member, "/api/v1/answers/opinions",
                 {"topic": "work", "title": "建议", "body": "<p>内容</p>", "hide_name": True})  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    leader = client_for("leader").get(f"/api/v1/answers/opinions/{pk}").json()
    assert leader["submitter"] is None
    answered = _post(party, f"/api/v1/answers/opinions/{pk}/answer", {"answer": "<p>已答复</p>"})
    assert answered.status_code == 200 and answered.json()["state"] == "answered"
    assert "已答复" in member.get(f"/api/v1/answers/opinions/{pk}").json()["answer"]


def test_task_life_through_the_api(world, client_for):
    task = make_task(world)
    member, party = client_for("member"), client_for("party")
    progress = _post(member, f"/api/v1/answers/tasks/{task.pk}/updates", {"text": "<p>进展</p>"})
    assert progress.status_code == 201
    assert _post(party, f"/api/v1/answers/tasks/{task.pk}/actions/accept", {}).status_code == 400
    done = _post(member, f"/api/v1/answers/tasks/{task.pk}/actions/submit", {"text": "<p>完成</p>"})
    assert done.json()["state"] == "submitted"
    assert _post(member, f"/api/v1/answers/tasks/{task.pk}/actions/accept", {}).status_code == 403
    closed = _post(party, f"/api/v1/answers/tasks/{task.pk}/actions/accept", {})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    kinds = [u["kind"] for u in member.get(f"/api/v1/answers/tasks/{task.pk}").json()["updates"]]
    assert kinds == ["created", "progress", "submitted", "accepted"]
    assert Task.objects.get(pk=task.pk).closed_on_time is True
