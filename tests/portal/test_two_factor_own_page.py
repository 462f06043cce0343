"""On their two-factor page, users make new backup codes (the old ones stop working), and NGO
users turn two-factor sign-in off with their password and a current code; staff may not.
What removes the second factor removes passkeys as well."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from portal.services import user_reset_second_factor
from tests.conftest import sign_in
from tests.factories.portal import PASSWORD, UserFactory, authenticator, authenticator_code
from tests.portal.test_two_factor import enrol, log_in
from workflows.audit import history

pytestmark = pytest.mark.django_db

CODE = re.compile(r"<li><code>([a-z2-7]{8})</code></li>")


def enrolled(client, user):
    """Sign ``user`` in, set up their app through its page; return their backup codes."""
    sign_in(client, user, second_factor=False)
    codes = CODE.findall(enrol(client).content.decode())
    assert len(codes) == 10
    return codes


def seen_on(page):
    return re.search(r'name="seen" value="(\d*)"', page.content.decode())[1]


def signs_in_with(user, code):
    other = Client()
    log_in(other, user)
    other.post(reverse("two_factor_verify"), {"code": code})
    return other.get(reverse("notification_settings")).status_code == 200


def test_new_backup_codes_are_shown_once_and_the_old_ones_stop_working(client):
    user = UserFactory(evaluator=True)
    old = enrolled(client, user)
    page = client.get(reverse("two_factor"))
    assert "Make new backup codes" in page.content.decode()

    response = client.post(reverse("two_factor_backup_codes"), {"seen": seen_on(page)})

    new = CODE.findall(response.content.decode())
    assert len(set(new)) == 10 and not set(new) & set(old)
    again = client.get(reverse("two_factor")).content.decode()
    assert "10 unused backup codes" in again and not any(code in again for code in new)
    assert signs_in_with(user, new[0])
    assert not signs_in_with(user, old[0])
    assert history(user).filter(action="backup_codes_replaced", actor=user).count() == 1


def test_a_second_submit_of_the_same_form_replaces_nothing_more(client):
    user = UserFactory()
    enrolled(client, user)
    seen = seen_on(client.get(reverse("two_factor")))
    first = CODE.findall(
        client.post(reverse("two_factor_backup_codes"), {"seen": seen}).content.decode()
    )

    second = client.post(reverse("two_factor_backup_codes"), {"seen": seen}, follow=True)

    assert "Your backup codes were replaced a moment ago" in second.content.decode()
    assert not CODE.findall(second.content.decode())
    assert set(StaticDevice.objects.get(user=user).token_set.values_list("token", flat=True)) == (
        set(first)
    )
    assert history(user).filter(action="backup_codes_replaced").count() == 1


def test_an_account_without_an_app_makes_no_backup_codes(client):
    user = UserFactory()
    sign_in(client, user)

    response = client.post(reverse("two_factor_backup_codes"), {"seen": ""}, follow=True)

    assert "Set up an authenticator app before making backup codes." in response.content.decode()
    assert not StaticDevice.objects.filter(user=user).exists()


def test_an_ngo_user_turns_two_factor_off_with_the_password_and_a_current_code(client):
    user = UserFactory()
    enrolled(client, user)
    device = TOTPDevice.objects.get(user=user)
    url = reverse("two_factor_turn_off")

    wrong_code = client.post(url, {"password": PASSWORD, "code": "000000"})
    assert "This code is not right." in wrong_code.content.decode()
    # After a wrong code the app's codes are refused for a second, then for 2, 4, 8...
    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        code = authenticator_code(device)
        wrong_password = client.post(url, {"password": "not it", "code": code})
        assert "Your password was not entered right." in wrong_password.content.decode()
        assert TOTPDevice.objects.filter(user=user).exists()
        assert not history(user).filter(action="second_factor_turned_off").exists()

        done = client.post(url, {"password": PASSWORD, "code": authenticator_code(device)})
        client.post(url, {"password": PASSWORD, "code": "123456"})

    assert done["Location"] == reverse("two_factor")
    assert "Two-factor sign-in is off." in client.get(reverse("two_factor")).content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    [entry] = history(user).filter(action="second_factor_turned_off")
    assert entry.actor == user
    assert entry.data == {"devices": ["Authenticator app", "Backup codes"]}
    again = Client()
    log_in(again, user)
    assert again.get(reverse("notification_settings")).status_code == 200


def test_a_backup_code_confirms_turning_two_factor_off_and_passkeys_go_too(client):
    user = UserFactory()
    codes = enrolled(client, user)
    WebAuthnCredential.objects.create(
        user=user, name="Laptop", credential_id=b"credential", public_key=b"key"
    )

    client.post(reverse("two_factor_turn_off"), {"password": PASSWORD, "code": codes[3]})

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not WebAuthnCredential.objects.filter(user=user).exists()
    [entry] = history(user).filter(action="second_factor_turned_off")
    assert entry.data == {"devices": ["Authenticator app", "Backup codes", "Laptop"]}


def test_staff_cannot_turn_two_factor_off(client):
    user = UserFactory(procurement_officer=True)
    device = authenticator(user)
    sign_in(client, user)
    page = client.get(reverse("two_factor")).content.decode()
    assert "it cannot be turned off" in page
    assert reverse("two_factor_turn_off") not in page

    response = client.post(
        reverse("two_factor_turn_off"),
        {"password": PASSWORD, "code": authenticator_code(device)},
        follow=True,
    )

    assert "Two-factor sign-in is required for staff accounts." in response.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not history(user).filter(action="second_factor_turned_off").exists()


def test_a_reset_for_a_lost_phone_removes_the_passkeys_too():
    user = UserFactory(evaluator=True)
    authenticator(user)
    WebAuthnCredential.objects.create(
        user=user, name="Phone", credential_id=b"credential", public_key=b"key"
    )

    removed = user_reset_second_factor(actor=UserFactory(system_admin=True), user=user)

    assert removed == 2
    assert not WebAuthnCredential.objects.filter(user=user).exists()
