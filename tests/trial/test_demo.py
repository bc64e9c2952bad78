"""The demo: generated cases go through the real import and give indicators."""

import io

from django.core.management import call_command

from tongxin.trial.models import IndicatorValue
from tongxin.trial.store import CaseStore


def test_small_demo_imports_generated_cases_and_computes_indicators(db):
    out = io.StringIO()
    call_command("seed_demo", scale="small", seed=1, stdout=out)
    store = CaseStore()
    total, derived, pending, enforced = store.query(
        "SELECT count(*), count(origin_case_number), count(*) FILTER (WHERE closed_on IS NULL),"
        " count(*) FILTER (WHERE type_code = '执') FROM cases"
    )[0]
    assert total >= 3_000
    assert 0 < derived < total and 0 < pending < total and enforced > 0
    # The same seed gives the same cases (no rejected rows: the generator writes valid rows).
    assert "rejected by the import" not in out.getvalue()
    assert IndicatorValue.objects.filter(level="court", code="closure_rate").exists()
    assert IndicatorValue.objects.filter(level="judge").exists()
    appeals = store.query("SELECT count(*) FROM cases WHERE type_code = '民终'")[0][0]
    assert appeals > 0
