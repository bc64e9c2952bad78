"""The demo fills the answers app at the small scale with every state the issue names."""

from django.core.management import call_command

from tongxin.answers.models import ListItem, Opinion, ResponsibilityList, Task, TourVisit


def test_seed_demo_small_has_every_state(db):
    call_command("seed_demo", scale="small", seed=3)
    assert set(Opinion.objects.values_list("state", flat=True)) == set(Opinion.State.values)
    assert Opinion.objects.filter(hide_name=True).exists()
    states = set(Task.objects.values_list("state", flat=True))
    assert {"open", "extension", "submitted", "closed"} <= states
    assert Task.objects.filter(closed_on_time=True).exists()
    assert Task.objects.filter(closed_on_time=False).exists()
    assert Task.objects.filter(times_extended__gt=0).exists()
    assert Task.objects.filter(times_sent_back__gt=0).exists()
    assert Task.objects.filter(source_type__model="finding").exists()
    assert Task.objects.filter(source_type__model="listitem").exists()
    assert set(ResponsibilityList.objects.values_list("kind", flat=True)) == set(
        ResponsibilityList.Kind.values
    )
    assert ListItem.objects.count() > 0
    assert TourVisit.objects.filter(findings__isnull=False).exists()
