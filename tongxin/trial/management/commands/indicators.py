"""python manage.py indicators --court 京0105 --period 2024 [--case-type 民初] [--judge S001] --json"""

import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from tongxin.orgs.models import Court
from tongxin.people.models import Person
from tongxin.trial.caseno import case_types
from tongxin.trial.compute import COURT, JUDGE
from tongxin.trial.indicators import PeriodError, period
from tongxin.trial.selectors import shown, values_for


class Command(BaseCommand):
    help = (
        "Print a court's (or a judge's) indicators for a period: code, value, numerator, "
        "denominator, range, within range (stored values, else computed from the store)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--court", required=True, help="court code as in case numbers")
        parser.add_argument("--period", required=True, help="2024, 2024Q3 or 2024-07")
        parser.add_argument("--case-type", default="", help="a case-type code, e.g. 民初")
        parser.add_argument("--judge", help="the judge's staff number")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, court, period: str, case_type: str, judge, json: bool, **options):
        found = Court.objects.filter(code=court).first()
        if found is None:
            raise CommandError(f"no court with the code {court}")
        try:
            _check(period)
        except PeriodError:
            raise CommandError(f"{period}: a period is 2024, 2024Q3 or 2024-07") from None
        if case_type and case_type not in case_types():
            raise CommandError(f"{case_type}: not a case-type code")
        judge_id = None
        if judge:
            person = Person.objects.filter(court=found, staff_number=judge).first()
            if person is None:
                raise CommandError(f"no judge {judge} in {court}")
            judge_id = person.pk
        values = values_for(
            court_id=found.pk,
            period_key=period,
            level=JUDGE if judge_id else COURT,
            judge_id=judge_id,
            case_type=case_type,
        )
        rows = [item.as_dict for item in shown(values, found.level, judge=bool(judge_id))]
        if json:
            self.stdout.write(_dumps(rows))
            return
        for row in rows:
            value = "—" if row["value"] is None else f"{row['value']:.4g}"
            mark = {True: "ok", False: "outside", None: ""}[row["within_range"]]
            self.stdout.write(
                f"{row['code']:<32} {value:>10}  {row['numerator']}/{row['denominator']}  "
                f"{row['range'] or ''} {mark}"
            )


def _check(key):
    return period(key)


def _dumps(rows):
    return jsonlib.dumps(rows, ensure_ascii=False, indent=1)
