"""The answers app through the inbox: notices on assignment and decisions, reminders from the
periodic job (once per deadline), and the "my work" lines."""

import datetime

from django.utils import timezone

from tests.answers.factories import opinion as make_opinion
from tests.answers.factories import task as make_task
from tongxin.answers import services
from tongxin.answers.models import Task
from tongxin.inbox.models import Notice
from tongxin.inbox.selectors import waiting_for
from tongxin.inbox.services import tick


def test_assignment_submission_and_answer_notify_the_other_side(world):
    member, party = world.users["member"], world.users["party"]
    task = make_task(world)
    assert Notice.objects.filter(user=member, event_key=f"answers.task.assigned:{task.pk}").exists()
    services.task_act(user=member, task=task, action="submit", text="<p>完成</p>")
    assert (
        Notice.objects.filter(user=party, event_key__startswith="answers.task.submit:").count() == 1
    )
    o = make_opinion(world)
    services.opinion_answer(user=party, opinion=o, answer="<p>答复</p>")
    assert Notice.objects.filter(user=member, event_key=f"answers.opinion.answered:{o.pk}").exists()


def test_the_periodic_job_reminds_once(world):
    task = make_task(world)
    Task.objects.filter(pk=task.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=5)
    )
    tick()
    tick()
    member = world.users["member"]
    assert Notice.objects.filter(user=member, event_key__startswith="answers.overdue:").count() == 1
    escalated = Notice.objects.filter(event_key__startswith="answers.escalated:")
    assert set(escalated.values_list("user__username", flat=True)) == {"party", "leader"}


def test_my_work_lines(world):
    member, party = world.users["member"], world.users["party"]
    task = make_task(world, days=3)
    make_opinion(world)
    lines = {str(w.label): w.count for code, w in waiting_for(member) if code == "answers.work"}
    assert lines == {"Tasks due": 1}
    services.task_act(user=member, task=task, action="submit", text="<p>完成</p>")
    lines = {str(w.label): w.count for code, w in waiting_for(party) if code == "answers.work"}
    assert lines == {"Tasks to verify": 1, "Opinions to triage": 1}
