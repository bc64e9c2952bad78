"""Import an Excel file from the command line: the same checks and services as the page.

It commits in the foreground whatever the size: no background worker is needed (the page
hands large commits to one, see docs/import-formats.md).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from tongxin.core.exceptions import ApplicationError
from tongxin.transfer import commit as committing
from tongxin.transfer import downloads, registry, services


class Command(BaseCommand):
    help = "Check an Excel file as the import page does; with --commit, write the accepted rows."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[kind.name for kind in registry.kinds()])
        parser.add_argument("path")
        parser.add_argument(
            "--user", required=True, help="The account the import acts as (its roles apply)."
        )
        parser.add_argument(
            "--commit", action="store_true", help="Write the accepted rows (all or none)."
        )

    def handle(self, *args, kind, path, user, commit, **options):
        actor = get_user_model().objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user {user!r}.")
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file at {path}.")
        upload = SimpleUploadedFile(file.name, file.read_bytes())
        try:
            batch = services.import_preview(actor=actor, kind=kind, upload=upload)
            for reject in downloads.all_rejects(batch):
                self.stdout.write(
                    f"row {reject.get('row')}: {reject.get('column', '')} {reject.get('reason', '')}"
                )
            self.stdout.write(
                f"{batch.created_count} to create, {batch.changed_count} to change, "
                f"{batch.unchanged_count} unchanged, {batch.rejected_count} rows rejected (batch {batch.pk})."
            )
            if commit:
                committing.import_commit(actor=actor, batch=batch)
                self.stdout.write("Committed.")
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
