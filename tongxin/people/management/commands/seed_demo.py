import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongxin.orgs.models import Court
from tongxin.people import demo


class Command(BaseCommand):
    help = (
        "Fill an empty database with deterministic demo data (small, province or national scale)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "province", "national"], default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when courts already exist."
        )

    def handle(self, *args, scale, seed: int, if_empty: bool, **options):
        if Court.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already present; nothing to do.")
                return
            raise CommandError(
                "The database already has courts; seed_demo fills an empty database only."
            )
        started = time.perf_counter()
        result = demo.seed(scale=scale, seed=seed, log=self.stdout.write)
        self.stdout.write(f"Seeded {scale} scale in {time.perf_counter() - started:.1f} s.")
        if result["users"]:
            self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
            for username, role, where in result["users"]:
                self.stdout.write(f"  {username:<11} {role} — {where}")
