"""Recompute every hash chain: the interference register's (one per court) and the audit
log's (one per court path). Names the first broken link of each chain and exits 1 when any
chain is broken, 0 when all hold. `--heads FILE` also checks head hashes exported earlier
(`export_register_heads`): a truncated tail or a rewritten chain is found against them."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongxin.core.chain import verify_audit
from tongxin.discipline.chain import verify_register
from tongxin.discipline.heads import loads


class Command(BaseCommand):
    help = "Verify the hash chains of the interference register and the audit log."

    def add_arguments(self, parser):
        parser.add_argument("--heads", help="a file written by export_register_heads")
        parser.add_argument("--skip-audit", action="store_true", help="the register only")

    def handle(self, *args, heads=None, skip_audit=False, **options):
        exported = []
        if heads:
            try:
                exported = loads(Path(heads).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"cannot read {heads}: {error}") from error
        reports = [("register", verify_register(exported))]
        if not skip_audit:
            reports.append(("audit log", verify_audit(exported)))
        broken = False
        for label, report in reports:
            self.stdout.write(f"{label}: {report.chains} chains, {report.links} entries")
            for item in report.breaks:
                broken = True
                self.stdout.write(f"BROKEN {label}: {item}")
        if broken:
            self.stdout.write("FAILED: at least one chain is broken")
            sys.exit(1)
        self.stdout.write("OK: every chain holds")
