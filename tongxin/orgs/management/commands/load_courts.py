from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tongxin.orgs.models import Court
from tongxin.orgs.reference import courts, english_name
from tongxin.orgs.services import court_save


class Command(BaseCommand):
    help = (
        "Load the court tree from the 2018 court-code table (idempotent: existing codes are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", help="Only this high court's code and below, e.g. 苏")

    @transaction.atomic
    def handle(self, *args, province=None, **options):
        rows = courts()
        if province and not any(r.code == province and r.level == "high" for r in rows):
            raise CommandError(f"No high court with code {province!r} in the table.")
        by_internal = {}
        created = 0
        for row in rows:
            if province and row.level != "spc" and not row.code.startswith(province):
                continue
            court = Court.objects.filter(code=row.code).first()
            if court is None:
                parent = by_internal.get(row.parent_internal_id)
                court = court_save(
                    actor=None,
                    court=Court(),
                    changes={
                        "code": row.code,
                        "name_zh": row.name_zh,
                        "name_en": english_name(row.name_zh),
                        "level": row.level,
                        "kind": row.kind,
                        "province": row.province,
                        "parent": parent,
                    },
                )
                created += 1
            by_internal[row.internal_id] = court
        self.stdout.write(
            f"{created} courts created, {len(by_internal) - created} already present."
        )
