"""A guessed password gets five tries: then signing in pauses for 15 minutes for that account
name and that address, with one message whether the account exists or not. Password reset
and sign-up take a few requests an hour."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import User
from tests.factories.portal import PASSWORD, UserFactory
from tests.portal.test_signup import NEW_PASSWORD
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

PAUSED = "Too many failed sign-in attempts. Signing in is paused for 15 minutes"
TOO_MANY = "Too many requests. Please try again in an hour."


def log_in(client, username, password="wrong-password", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def fail(client, username, times=5, **extra):
    """Sign in with a wrong password ``times`` times; the fifth failure starts the pause."""
    for attempt in range(1, times + 1):
        response = log_in(client, username, **extra)
        assert response.status_code == (429 if attempt == 5 else 200)
        assert (PAUSED in response.content.decode()) is (attempt == 5)


def page(response):
    """The page as any visitor would see it, without its form's one-time token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def signed_in(client):
    return client.get(reverse("home")).context["user"].is_authenticated


def test_the_right_password_after_five_wrong_ones_is_refused_with_a_pause(client):
    user = UserFactory()
    fail(client, user.username)
    response = log_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert PAUSED in response.content.decode()
    assert not signed_in(client)


def test_four_wrong_passwords_do_not_stop_the_right_one(client):
    user = UserFactory()
    fail(client, user.username, times=4)
    assert log_in(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_account_that_does_not_exist_is_paused_the_same_way(client):
    user = UserFactory()
    fail(client, user.username)
    fail(client, "nobody-here", **{"REMOTE_ADDR": "10.0.0.2"})
    known = log_in(client, user.username)
    unknown = log_in(client, "nobody-here", REMOTE_ADDR="10.0.0.2")
    assert known.status_code == unknown.status_code == 429
    assert page(known) == page(unknown)
    assert PAUSED in page(known)


def test_a_wrong_password_reads_the_same_for_an_unknown_account(client):
    user = UserFactory()
    known = log_in(client, user.username)
    unknown = log_in(client, "nobody-here")
    assert known.status_code == unknown.status_code == 200
    assert page(known).replace(user.username, "nobody-here") == page(unknown)


def test_five_failures_from_one_address_pause_every_account_from_it_but_not_elsewhere():
    user = UserFactory()
    attacker = Client(REMOTE_ADDR="10.0.0.7")
    for number in range(5):
        log_in(attacker, f"guess{number}")
    assert log_in(attacker, user.username, PASSWORD).status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    assert log_in(elsewhere, user.username, PASSWORD).status_code == 302


def test_five_failures_for_one_account_pause_it_from_every_address():
    user = UserFactory()
    for number in range(5):
        log_in(Client(REMOTE_ADDR=f"10.0.1.{number}"), user.username)
    assert log_in(Client(REMOTE_ADDR="10.0.2.1"), user.username, PASSWORD).status_code == 429


def test_signing_in_works_again_after_the_pause(client):
    user = UserFactory()
    fail(client, user.username)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert log_in(client, user.username, PASSWORD).status_code == 302


def test_the_pause_is_explained_in_the_visitors_language(client):
    fail(client, "nobody-here")
    client.cookies["django_language"] = "ru"
    with translation.override("en"):  # what the request activates ends with it
        response = log_in(client, "nobody-here")
    assert response.status_code == 429
    assert "Слишком много неудачных попыток входа" in response.content.decode()


def test_behind_a_proxy_each_client_is_counted_by_the_address_the_proxy_saw(settings):
    settings.PORTAL_PROXY_COUNT = 1
    user = UserFactory()
    proxy = {"REMOTE_ADDR": "172.16.0.1"}
    for number in range(5):
        # A forged first hop does not make each try look like a new client.
        forwarded = f"192.0.2.{number}, 198.51.100.9"
        log_in(Client(), f"guess{number}", HTTP_X_FORWARDED_FOR=forwarded, **proxy)
    same = log_in(Client(), user.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy)
    other = log_in(Client(), user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert same.status_code == 429
    assert other.status_code == 302


def reset_mails():
    return OutboxMessage.objects.filter(event="accounts.password_reset")


def test_a_fourth_reset_for_one_address_within_the_hour_is_refused_and_mails_nothing(client):
    user = UserFactory()
    for number in range(3):
        browser = Client(REMOTE_ADDR=f"10.0.3.{number}")
        assert browser.post(reverse("password_reset"), {"email": user.email}).status_code == 302
    reset_mails().delete()
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert not reset_mails().exists()


def test_a_sixth_reset_from_one_browser_is_refused_even_for_unknown_addresses(client):
    user = UserFactory()
    for number in range(5):
        client.post(reverse("password_reset"), {"email": f"nobody{number}@example.org"})
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 429
    assert not reset_mails().exists()
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        assert client.post(reverse("password_reset"), {"email": user.email}).status_code == 302
    assert reset_mails().count() == 1


def sign_up(client, number):
    return client.post(
        reverse("signup"),
        {
            "full_name": "Ogulgerek Atayeva",
            "email": f"ogulgerek{number}@example.org",
            "username": f"ogulgerek{number}",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "language": "en",
        },
    )


def test_a_sixth_sign_up_from_one_browser_within_the_hour_is_refused_and_opens_nothing(client):
    for number in range(5):
        assert sign_up(client, number).status_code == 302
    response = sign_up(client, 5)
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert not User.objects.filter(username="ogulgerek5").exists()
    assert (
        Client(REMOTE_ADDR="10.0.4.1")
        .post(reverse("signup_resend"), {"email": "ogulgerek0@example.org"})
        .status_code
        == 302
    )
