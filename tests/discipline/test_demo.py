"""The demo seeder writes chains that verify, corrections and courts without entries."""

from django.utils import timezone

from tongxin.discipline.chain import verify_register
from tongxin.discipline.demo import seed
from tongxin.discipline.models import RegisterEntry
from tongxin.discipline.selectors import quarter_of, quarterly_summary


def test_demo_chains_verify_and_leave_zero_reports(world):
    today = timezone.localdate()
    result = seed(scale="small", seed=3, today=today, log=lambda *a: None)
    assert result["entries"] == RegisterEntry.objects.count() > 0
    assert verify_register().ok
    # The demo member's court always has entries, recorded by them.
    assert RegisterEntry.objects.filter(recorder=world.users["member"]).count() >= 8
    kinds = set(RegisterEntry.objects.values_list("kind", flat=True))
    assert len(kinds) >= 3
    year, quarter = quarter_of(today)
    rows = quarterly_summary(
        user=world.users["discipline"], court=world.high, year=year, quarter=quarter
    )
    assert any(row.zero for row in rows)
