from django.conf import settings
from django.core.management.base import BaseCommand

from tongxin.accounts.models import RoleGrant
from tongxin.people.demo import DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo accounts (one per role) and their password."

    def handle(self, *args, **options):
        names = [name for name, _role in DEMO_USERS]
        grants = {
            g.user.username: g
            for g in RoleGrant.objects.filter(user__username__in=names).select_related(
                "user", "court", "organisation__court"
            )
        }
        if not grants:
            self.stdout.write("No demo accounts in this database.")
            return
        self.stdout.write(f"Demo accounts (password: {settings.DEMO_PASSWORD}):")
        for name in names:
            grant = grants.get(name)
            if grant:
                where = (
                    grant.court.name_zh
                    if grant.court
                    else (f"{grant.organisation.name_zh} ({grant.organisation.court.name_zh})")
                )
                self.stdout.write(f"  {name:<11} {grant.get_role_display()} — {where}")
