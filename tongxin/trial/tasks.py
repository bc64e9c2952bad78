"""Background jobs of the trial app: thin, they call a service."""

from django_tasks import task

from tongxin.trial.indicators import period, periods_of_year


@task()
def compute_indicators_task(key: str, all_of_year: bool = False) -> int:
    """Compute and store the indicators of a period (`compute_indicators`), or of a year, its
    quarters and months (for a scheduler; the import does not queue it yet)."""
    from tongxin.trial.services import save_indicators

    keys = periods_of_year(int(key)) if all_of_year else [key]
    return sum(save_indicators(period(each)) for each in keys)
