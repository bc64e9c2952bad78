"""Background jobs of the trial app: thin, they call a service."""

import logging

from django.db import transaction
from django_tasks import task

from tongxin.trial.indicators import period, periods_of_year


@task()
def compute_indicators_task(key: str, all_of_year: bool = False) -> int:
    """Compute and store the indicators of a period (`compute_indicators`), or of a year, its
    quarters and months (queued by a browser import for each year it changed)."""
    from tongxin.trial.services import save_indicators

    keys = periods_of_year(int(key)) if all_of_year else [key]
    return sum(save_indicators(period(each)) for each in keys)


logger = logging.getLogger(__name__)


def recompute_after_import(counts: dict) -> None:
    """Once the import's transaction commits, queue the indicators of every year whose cases
    it inserted or updated (a year, its quarters and months: what the pages read)."""
    if not (counts.get("inserted") or counts.get("updated")):
        return
    years = sorted({int(year) for year in counts.get("years") or []})

    def queue():
        for year in years:
            try:
                compute_indicators_task.enqueue(str(year), all_of_year=True)
            except Exception:  # the import stands; `compute_indicators` can be run by hand
                logger.exception("could not queue the indicators of %s", year)

    transaction.on_commit(queue)
