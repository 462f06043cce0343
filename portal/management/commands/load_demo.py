"""Load demo accounts (and the demo data other apps add) for trying the portal locally."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DEMO_TOTP_SECRET, DemoData, builders


class Command(BaseCommand):
    help = (
        "Create demo accounts for every role with fixed, printed passwords, plus the demo data "
        "other apps provide. Safe to run again. Refuses when DJANGO_DEBUG is off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load demo data even though DJANGO_DEBUG is off (never on a real site).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo accounts have published passwords; refusing to load them while "
                "DJANGO_DEBUG is off. Use --force only on a throw-away installation."
            )
        demo = DemoData(stdout=self.stdout)
        with transaction.atomic():
            for build in builders():
                build(demo)
        self.print_logins(demo.logins)

    def print_logins(self, logins):
        headers = ("username", "password", "role", "email", "opening passphrase")
        rows = [
            headers,
            *((x.username, x.password, x.role, x.email, x.passphrase) for x in logins),
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
        line = "  ".join(f"{{:<{width}}}" for width in widths)
        self.stdout.write(self.style.SUCCESS("Demo accounts (for demonstrations only):"))
        self.stdout.write(line.format(*headers))
        self.stdout.write(line.format(*("-" * width for width in widths)))
        for row in rows[1:]:
            self.stdout.write(line.format(*row))
        self.stdout.write(f"Log in at {settings.SITE_URL}/accounts/login/")
        self.stdout.write(
            f"Staff accounts then ask for a code from an authenticator app holding the secret "
            f"{DEMO_TOTP_SECRET}; compute it with: oathtool --totp -b {DEMO_TOTP_SECRET}"
        )
