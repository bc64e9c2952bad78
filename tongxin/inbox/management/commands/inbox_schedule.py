from django.core.management.base import BaseCommand

from tongxin.inbox.tasks import schedule_next


class Command(BaseCommand):
    help = "Queue the periodic inbox job on the background worker (once; it re-queues itself)."

    def handle(self, *args, **options):
        if schedule_next(delay_seconds=0):
            self.stdout.write("The inbox job is queued; the worker runs it periodically.")
        else:
            self.stdout.write(
                "Nothing queued: a run is already waiting, or the task backend cannot defer "
                "(run `manage.py inbox_tick` from cron instead)."
            )
