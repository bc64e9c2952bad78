"""Delete expired export files and jobs; declare interrupted jobs failed (run daily by cron)."""

from django.core.management.base import BaseCommand

from tongxin.core.exports import export_cleanup


class Command(BaseCommand):
    help = (
        "Delete export files and jobs older than EXPORT_KEEP_DAYS, mark jobs running for "
        "longer than EXPORT_STALE_MINUTES as failed, and remove files no finished job names."
    )

    def handle(self, *args, **options):
        done = export_cleanup()
        self.stdout.write(
            f"{done['expired']} expired jobs deleted, {done['interrupted']} interrupted, "
            f"{done['orphans']} stray files removed."
        )
