from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tongxin.accounts.services import grant_create
from tongxin.core.exceptions import ApplicationError
from tongxin.core.permissions import Role
from tongxin.orgs.models import Court


class Command(BaseCommand):
    help = "Grant a court role to a user, creating the account if needed (first administrator)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=[r for r in Role.values])
        parser.add_argument("court_code")
        parser.add_argument("--password", help="Password for a new account")

    def handle(self, *args, username, role, court_code, password=None, **options):
        court = Court.objects.filter(code=court_code).first()
        if court is None:
            raise CommandError(f"No court with code {court_code!r}.")
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            if not password:
                raise CommandError("A new account needs --password.")
            user = User.objects.create_user(username=username, password=password)
        try:
            grant_create(actor=None, user=user, role=role, court=court)
        except ApplicationError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"{username}: {Role(role).label} on {court.name_zh}")
