"""Demo data for trying the portal on a laptop: one account per role, extended by other apps.

``manage.py load_demo`` runs every builder in ``BUILDERS`` of each installed app's ``demo``
module, in the order of INSTALLED_APPS (so a provider builder finds the accounts made here).
A builder takes the shared ``DemoData`` and must be harmless to run again: it looks rows up
before creating them. Passwords are fixed and printed, so they are for demonstrations only.
"""

import base64
import io
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.contrib.auth.models import Group
from django.utils.module_loading import module_has_submodule
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import two_factor
from portal.models import Role, User

DEMO_EMAIL_DOMAIN = "example.org"
# Every demo staff account's authenticator app holds this published secret (base32), so
# anyone can compute its sign-in codes: `oathtool --totp -b <secret>`.
DEMO_TOTP_SECRET = "PORTALDEMOSTAFFTOTPSECRETKEY2345"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    email: str
    # The opening passphrase of a member of the demo tenders' opening committee.
    passphrase: str = ""


@dataclass
class DemoData:
    """What builders share: the accounts made so far, by username, the logins to print and
    where to report progress."""

    users: dict = field(default_factory=dict)
    logins: list = field(default_factory=list)
    stdout: object = field(default_factory=io.StringIO)

    def account(self, username, *, password, role_label, full_name, roles=(), superuser=False):
        """Create or update the demo account ``username`` so its password, roles and flags are
        the documented ones; return it."""
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@{DEMO_EMAIL_DOMAIN}", "full_name": full_name},
        )
        user.is_active = True
        user.is_staff = superuser
        user.is_superuser = superuser
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in roles))
        if roles or superuser:
            _give_demo_authenticator(user)
        self.users[username] = user
        self.logins.append(DemoLogin(username, password, str(role_label), user.email))
        return user


def _give_demo_authenticator(user):
    """Make the account's only authenticator app the one holding ``DEMO_TOTP_SECRET``."""
    key = base64.b32decode(DEMO_TOTP_SECRET).hex()
    devices = TOTPDevice.objects.filter(user=user)
    if devices.filter(key=key, confirmed=True).exists():
        devices.exclude(key=key).delete()
        return
    devices.delete()
    TOTPDevice.objects.create(user=user, name=two_factor.APP_DEVICE_NAME, key=key, confirmed=True)


STAFF_ACCOUNTS = [
    ("procurement", "demo-procurement-2026", "Aýna Orazowa", Role.PROCUREMENT_OFFICER),
    ("evaluator1", "demo-evaluator-2026", "Merdan Atayew", Role.EVALUATOR),
    ("evaluator2", "demo-evaluator-2026", "Jennet Nurýagdyýewa", Role.EVALUATOR),
    ("evaluator3", "demo-evaluator-2026", "Serdar Gurbanow", Role.EVALUATOR),
    ("approver", "demo-approver-2026", "Bahar Hojaýewa", Role.APPROVER),
    ("grants", "demo-grants-2026", "Döwlet Annaýew", Role.GRANT_OFFICER),
    # Four eyes: the payments "grants" approves are recorded by a second grant officer.
    ("payments", "demo-payments-2026", "Maral Orazgeldiýewa", Role.GRANT_OFFICER),
]


def build_staff_accounts(demo):
    for username, password, full_name, role in STAFF_ACCOUNTS:
        demo.account(
            username, password=password, role_label=role.label, full_name=full_name, roles=[role]
        )
    demo.account(
        "admin",
        password="demo-admin-2026",
        role_label=Role.SYSTEM_ADMIN.label,
        full_name="Kerim Berdiýew",
        roles=[Role.SYSTEM_ADMIN],
        superuser=True,
    )


def build_ngo_account(demo):
    demo.account(
        "ngo", password="demo-ngo-2026", role_label="NGO user", full_name="Gülälek Tanalowa"
    )


BUILDERS = [build_staff_accounts, build_ngo_account]


def builders():
    """Every app's demo builders, in the order of INSTALLED_APPS."""
    found = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            found.extend(getattr(import_module(f"{config.name}.demo"), "BUILDERS", []))
    return found
