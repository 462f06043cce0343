from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from portal import demo
from portal.models import Role, User

pytestmark = pytest.mark.django_db

EXPECTED = {
    "procurement": ("demo-procurement-2026", {Role.PROCUREMENT_OFFICER}),
    "evaluator1": ("demo-evaluator-2026", {Role.EVALUATOR}),
    "evaluator2": ("demo-evaluator-2026", {Role.EVALUATOR}),
    "evaluator3": ("demo-evaluator-2026", {Role.EVALUATOR}),
    "approver": ("demo-approver-2026", {Role.APPROVER}),
    "grants": ("demo-grants-2026", {Role.GRANT_OFFICER}),
    "payments": ("demo-payments-2026", {Role.GRANT_OFFICER}),
    "admin": ("demo-admin-2026", {Role.SYSTEM_ADMIN}),
    "ngo": ("demo-ngo-2026", set()),
}


def load(**options):
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def test_load_demo_creates_one_account_per_role_with_the_printed_passwords(settings):
    settings.DEBUG = True
    output = load()
    for username, (password, roles) in EXPECTED.items():
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert user.role_codes == frozenset(roles)
        assert username in output and password in output
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert not User.objects.get(username="procurement").is_staff


def test_load_demo_twice_creates_nothing_more_and_restores_the_passwords(settings):
    settings.DEBUG = True
    load()
    approver = User.objects.get(username="approver")
    approver.set_password("changed-by-someone")
    approver.save()
    before = User.objects.count()
    load()
    assert User.objects.count() == before
    approver.refresh_from_db()
    assert approver.check_password("demo-approver-2026")
    assert approver.groups.count() == 1


def test_load_demo_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG"):
        load()
    assert not User.objects.filter(username="admin").exists()


def test_load_demo_with_force_runs_when_debug_is_off(settings):
    settings.DEBUG = False
    load(force=True)
    assert User.objects.filter(username="ngo").exists()


def test_load_demo_runs_builders_added_later_after_the_accounts_exist(monkeypatch, settings):
    settings.DEBUG = True
    seen = []

    def later_builder(data):
        seen.append(sorted(data.users))

    monkeypatch.setattr(demo, "BUILDERS", [*demo.BUILDERS, later_builder])
    load()
    assert seen == [sorted(EXPECTED)]
