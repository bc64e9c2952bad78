from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tongxin.accounts.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token for a user and print it once (only its digest is stored). "
        "Use it as: Authorization: Bearer <token>."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="A label to recognise the token by.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive: its tokens would not work.")
        row, token = api_token_create(user=user, name=name)
        # The token alone on stdout, so that scripts can capture it; the note goes to stderr.
        self.stdout.write(token)
        self.stderr.write(
            f"Token {row.name!r} ({row.prefix}…) created for {username}. "
            "Copy it now: it will not be shown again."
        )
