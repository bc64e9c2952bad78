import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from tongxin.inbox import services


class Command(BaseCommand):
    help = (
        "Run the inbox job once: every app's reminders, then the e-mail digests "
        "(for cron, or to try it by hand; the worker runs it periodically)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Judge reminders as of this date (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError("--today must be a date like 2026-12-01") from None
        result = services.tick(today=day)
        self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))
