import time

from django.core.management.base import BaseCommand, CommandError

from tongxin.orgs.facts import facts_recount


class Command(BaseCommand):
    help = (
        "Recount the maintained organisation facts (what organisation health reads) from the "
        "memberships, posts, terms and people, and store them. With --check, only report what "
        "differs and exit with status 1 if anything does (writes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare only: list the differences, exit 1 if there are any, write nothing.",
        )

    def handle(self, *args, check: bool, **options):
        started = time.perf_counter()
        diff = facts_recount(write=not check)
        seconds = time.perf_counter() - started
        if not diff:
            self.stdout.write(f"The facts agree with a full recount ({seconds:.1f} s).")
            return
        for line in diff.lines():
            self.stdout.write(line)
        if check:
            raise CommandError(
                "The facts differ from a full recount: run `manage.py recount_facts` to repair "
                "them, and look for a writer that bypasses the services.",
                returncode=1,
            )
        self.stdout.write(f"Repaired the facts from a full recount ({seconds:.1f} s).")
