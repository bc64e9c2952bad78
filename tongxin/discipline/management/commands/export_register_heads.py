"""Write the head hash of each day of every chain (register and audit log) as JSON, for
safekeeping outside the database; `verify_register --heads FILE` checks against it."""

from pathlib import Path

from django.core.management.base import BaseCommand

from tongxin.discipline.heads import day_heads, dumps


class Command(BaseCommand):
    help = "Export the head hash of each day of every hash chain (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("--out", help="file to write (default: standard output)")
        parser.add_argument("--register-only", action="store_true")

    def handle(self, *args, out=None, register_only=False, **options):
        text = dumps(day_heads(audit=not register_only))
        if out:
            Path(out).write_text(text, encoding="utf-8")
            self.stdout.write(f"written to {out}")
        else:
            self.stdout.write(text, ending="")
