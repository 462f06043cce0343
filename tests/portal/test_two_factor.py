"""Staff sign in with a password and a code from an authenticator app (or a backup code); a
staff member without an app sets one up at the first sign-in. NGO users may add one. A system
administrator resets the second factor of someone who lost their phone."""

import base64
import io
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_TOTP_SECRET
from portal.services import user_reset_second_factor
from tests.conftest import sign_in
from tests.factories.portal import PASSWORD, UserFactory, authenticator, authenticator_code
from workflows.audit import history
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db


def log_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def path_of(response):
    return response["Location"].split("?")[0]


def code_from(secret):
    return f"{totp(base64.b32decode(secret)):06d}"


def shown_secret(response):
    return re.search(r'<code class="secret">([A-Z2-7]+)</code>', response.content.decode())[1]


def enrol(client):
    """Set up an app from the secret the enrolment page shows; return the backup codes page."""
    page = client.get(reverse("two_factor_enrol"))
    return client.post(reverse("two_factor_enrol"), {"code": code_from(shown_secret(page))})


@pytest.mark.parametrize(
    "role", ["procurement_officer", "evaluator", "approver", "grant_officer", "system_admin"]
)
def test_a_staff_member_without_an_app_is_sent_to_set_one_up_after_the_password(client, role):
    user = UserFactory(**{role: True})
    log_in(client, user)
    response = client.get(reverse("notification_settings"))
    assert path_of(response) == reverse("two_factor_enrol")
    assert parse_qs(urlsplit(response["Location"]).query) == {"next": ["/accounts/notifications/"]}


def test_the_enrolment_page_shows_the_secret_as_text_qr_code_and_app_address(client):
    user = UserFactory(evaluator=True)
    sign_in(client, user, second_factor=False)
    response = client.get(reverse("two_factor_enrol"))
    html = response.content.decode()
    secret = shown_secret(response)
    assert "<svg" in html and 'class="qr-code"' in html
    address = unescape(re.search(r'<code class="secret">(otpauth://[^<]+)</code>', html)[1])
    assert address.startswith(f"otpauth://totp/Social%20contracting%20portal%3A{user.username}?")
    assert f"secret={secret}" in address
    assert shown_secret(client.get(reverse("two_factor_enrol"))) == secret


def test_confirming_the_apps_code_turns_it_on_and_shows_ten_backup_codes_once(client):
    user = UserFactory(evaluator=True)
    sign_in(client, user, second_factor=False)
    response = enrol(client)
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("notification_settings")).status_code == 200
    page = client.get(reverse("two_factor")).content.decode()
    assert "10 unused backup codes" in page
    assert not any(code in page for code in codes)
    assert [entry.action for entry in history(user)] == ["second_factor_enrolled"]


def test_a_wrong_code_at_enrolment_turns_nothing_on(client):
    user = UserFactory(approver=True)
    sign_in(client, user, second_factor=False)
    client.get(reverse("two_factor_enrol"))
    response = client.post(reverse("two_factor_enrol"), {"code": "000000"})
    assert response.status_code == 200
    assert "This code is not right." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert path_of(client.get(reverse("home"))) == reverse("two_factor_enrol")


def test_after_the_password_a_staff_member_with_an_app_is_asked_for_the_code(client):
    user = UserFactory(procurement_officer=True)
    device = authenticator(user)
    response = log_in(client, user)
    assert response.status_code == 302
    asked = client.get(response["Location"])
    assert path_of(asked) == reverse("two_factor_verify")
    verify = asked["Location"]
    assert "This code is not right." in client.post(verify, {"code": "123456"}).content.decode()
    assert client.get(reverse("notification_settings")).status_code == 302
    # After a wrong code the app's codes are refused for a second, then for 2, 4, 8...
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        signed = client.post(verify, {"code": authenticator_code(device)})
    assert signed["Location"] == "/"
    assert client.get(reverse("notification_settings")).status_code == 200


def test_a_code_signs_in_once(client):
    user = UserFactory(grant_officer=True)
    device = authenticator(user)
    code = f"{totp(device.bin_key):06d}"
    log_in(client, user)
    assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
    other = Client()
    log_in(other, user)
    response = other.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert other.get(reverse("notification_settings")).status_code == 302


def test_a_backup_code_signs_in_once_when_the_phone_is_not_at_hand(client):
    user = UserFactory(evaluator=True)
    sign_in(client, user, second_factor=False)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", enrol(client).content.decode())
    first = Client()
    log_in(first, user)
    assert first.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 302
    assert first.get(reverse("notification_settings")).status_code == 200
    again = Client()
    log_in(again, user)
    assert again.post(reverse("two_factor_verify"), {"code": codes[0]}).status_code == 200
    assert "9 unused backup codes" in first.get(reverse("two_factor")).content.decode()


def test_the_code_page_goes_on_only_to_a_page_of_this_site(client):
    user = UserFactory(approver=True)
    device = authenticator(user)
    log_in(client, user)
    verify = f"{reverse('two_factor_verify')}?next=https://evil.example.com/"
    assert client.post(verify, {"code": authenticator_code(device)})["Location"] == "/"


def test_an_ngo_user_signs_in_with_the_password_alone_until_they_add_an_app(client):
    user = UserFactory()
    log_in(client, user)
    assert client.get(reverse("notification_settings")).status_code == 200
    assert "Two-factor sign-in is off." in client.get(reverse("two_factor")).content.decode()
    enrol(client)
    other = Client()
    log_in(other, user)
    assert path_of(other.get(reverse("notification_settings"))) == reverse("two_factor_verify")


def test_an_account_with_an_app_cannot_set_up_another_over_it(client):
    user = UserFactory(evaluator=True)
    sign_in(client, user)
    assert client.get(reverse("two_factor_enrol"))["Location"] == reverse("two_factor")


def test_the_admin_needs_the_code_as_well(client):
    admin = UserFactory(system_admin=True)
    authenticator(admin)
    sign_in(client, admin, second_factor=False)
    assert path_of(client.get(reverse("admin:index"))) == reverse("two_factor_verify")
    sign_in(client, admin)
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admins_own_login_sends_to_the_portals_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('login')}?next=/admin/"


def test_logging_out_works_before_the_code(client):
    user = UserFactory(evaluator=True)
    authenticator(user)
    sign_in(client, user, second_factor=False)
    assert client.post(reverse("logout")).status_code == 302
    assert path_of(client.get(reverse("notification_settings"))) == reverse("login")


def test_a_system_administrator_resets_a_lost_phone_from_the_user_list_audited(client):
    admin = UserFactory(system_admin=True)
    user = UserFactory(evaluator=True)
    sign_in(Client(), user)  # the app is set up
    StaticDevice.objects.create(user=user, name="Backup codes")
    sign_in(client, admin)
    response = client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [user.pk]},
        follow=True,
    )
    assert "Two-factor sign-in was reset for 1 account" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    [entry] = history(user)
    assert (entry.action, entry.actor) == ("second_factor_reset", admin)
    assert entry.data == {"devices": ["Authenticator app", "Backup codes"]}
    again = Client()
    log_in(again, user)
    assert path_of(again.get(reverse("home"))) == reverse("two_factor_enrol")


def test_only_a_system_administrator_may_reset_and_a_repeat_records_nothing():
    user = UserFactory(evaluator=True)
    authenticator(user)
    with pytest.raises(DomainError):
        user_reset_second_factor(actor=UserFactory(approver=True), user=user)
    admin = UserFactory(system_admin=True)
    assert user_reset_second_factor(actor=admin, user=user) == 1
    assert user_reset_second_factor(actor=admin, user=user) == 0
    assert [entry.action for entry in history(user)] == ["second_factor_reset"]


def test_the_demo_staff_sign_in_with_the_published_secret(client):
    out = io.StringIO()
    call_command("load_demo", force=True, stdout=out)
    assert f"oathtool --totp -b {DEMO_TOTP_SECRET}" in out.getvalue()
    for username, password in [("approver", "demo-approver-2026"), ("admin", "demo-admin-2026")]:
        browser = Client()
        response = browser.post(reverse("login"), {"username": username, "password": password})
        assert path_of(browser.get(response["Location"])) == reverse("two_factor_verify")
        signed = browser.post(reverse("two_factor_verify"), {"code": code_from(DEMO_TOTP_SECRET)})
        assert signed.status_code == 302
        assert browser.get(reverse("notification_settings")).status_code == 200
    # Loading the demo again keeps the one app with the published secret.
    call_command("load_demo", force=True, stdout=io.StringIO())
    assert TOTPDevice.objects.filter(user__username="approver").count() == 1
