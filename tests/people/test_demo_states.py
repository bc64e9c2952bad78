"""The small demo shows every state of the membership records."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from tongxin.lib.dates import add_months
from tongxin.orgs.models import CommitteeTerm
from tongxin.people.models import DuesPayment, Person, Transfer


def test_the_demo_has_every_state(db):
    call_command("seed_demo", scale="small", seed=1, stdout=io.StringIO())
    today = timezone.localdate()
    early = CommitteeTerm.objects.filter(scheduled_ends_on__isnull=False)
    assert any(t.ends_on < t.scheduled_ends_on for t in early)  # an early election
    assert CommitteeTerm.objects.filter(postponed_until__isnull=False).exists()
    assert Transfer.objects.filter(status=Transfer.Status.IN_TRANSIT).exists()
    assert DuesPayment.objects.filter(status="paid").exists()
    assert DuesPayment.objects.filter(status="exempt").exists()
    probationary = Person.objects.filter(political_status="probationary")
    year_ago = add_months(today, -12)
    assert probationary.filter(joined_party_on__lt=year_ago).exists()  # overdue conversion
    soon = year_ago + datetime.timedelta(days=30)
    assert probationary.filter(joined_party_on__gte=year_ago, joined_party_on__lt=soon).exists()
    women = Person.objects.filter(gender="f").values_list("name", flat=True)[:200]
    assert not any(name[-1] in "强军刚勇" for name in women)  # names plausible by gender
