"""python manage.py compute_indicators --period 2024|2024Q3|2024-07 (the background job's work)."""

import time

from django.core.management.base import BaseCommand, CommandError

from tongxin.trial.indicators import PeriodError, period, periods_of_year
from tongxin.trial.services import save_indicators


class Command(BaseCommand):
    help = (
        "Compute every trial indicator per court, department and judge for a period "
        "(2024, 2024Q3 or 2024-07; --all-of-year 2024 for the year, its quarters and months)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[])
        parser.add_argument("--all-of-year", type=int)
        parser.add_argument("--no-case-types", action="store_true")

    def handle(self, *args, period: list, all_of_year, no_case_types: bool, **options):
        keys = list(period)
        if all_of_year:
            keys += periods_of_year(all_of_year)
        if not keys:
            raise CommandError("Give --period (e.g. 2024, 2024Q3, 2024-07) or --all-of-year.")
        for key in keys:
            try:
                which = _period(key)
            except PeriodError:
                raise CommandError(f"{key}: a period is 2024, 2024Q3 or 2024-07") from None
            started = time.perf_counter()
            count = save_indicators(which, by_case_type=not no_case_types)
            self.stdout.write(f"{key}: {count} values in {time.perf_counter() - started:.1f} s")


_period = period
