"""Helpers of the evaluation tests: fake sources standing in for the parallel apps, and a
cycle over the world's basic court."""

import contextlib
import datetime

from tongxin.evaluation import services, sources
from tongxin.evaluation.models import Scheme

YEAR = 2025


@contextlib.contextmanager
def fake_sources(data: dict[str, dict[int, object]]):
    """Register sources answering from `data` ({code: {pid: value}}), then remove them
    (restoring any source of that code registered before)."""
    from tongxin.evaluation.sources_apps import ADAPTERS

    # The other apps' facts (installed beside this one) are left out unless given here: the
    # tests decide every fact the scheme reads.
    apps_codes = {adapter[0] for adapter in ADAPTERS} - set(data)
    saved = {code: sources._SOURCES.get(code) for code in set(data) | apps_codes}
    for code in apps_codes:
        sources.unregister(code)
    calls = []
    for code, values in data.items():

        def fetch(person_ids, year, values=values, code=code):
            calls.append((code, tuple(sorted(person_ids)), year))
            return {pid: v for pid, v in values.items() if pid in person_ids}

        sources.register(code, code)(fetch)
    try:
        yield calls
    finally:
        for code, before in saved.items():
            if before is None and code in data:
                sources.unregister(code)
            elif before is not None:
                sources._SOURCES[code] = before


def judge_scheme():
    return Scheme.objects.get(code="default-judge")


def cycle_make(world, *, open_it=True, rate=20, approval="", name="年度考核"):
    actor = world.users["party"]
    cycle = services.cycle_create(
        actor=actor,
        court=world.basic,
        year=YEAR,
        name=name,
        categories=["judge"],
        schemes={"judge": judge_scheme().pk},
        opens_on=datetime.date(YEAR, 12, 1),
        rating_closes_on=datetime.date(YEAR, 12, 31),
        rate=rate,
        approval=approval,
    )
    if open_it:
        cycle = services.cycle_open(actor=actor, cycle=cycle)
    return cycle
