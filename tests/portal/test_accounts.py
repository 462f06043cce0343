import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories.portal import PASSWORD, UserFactory
from workflows import delivery
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


def reset_messages():
    return OutboxMessage.objects.filter(event="accounts.password_reset")


def test_login_with_the_right_password_signs_the_user_in(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == user


def test_login_with_a_wrong_password_shows_an_error_and_signs_nobody_in(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert b'role="alert"' in response.content
    assert not response.context["user"].is_authenticated


def test_logout_signs_the_user_out(client):
    sign_in(client, UserFactory())
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_password_change_needs_a_signed_in_user(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_saves_the_new_password(client):
    user = UserFactory()
    sign_in(client, user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-secret-2026",
            "new_password2": "a-much-longer-secret-2026",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("a-much-longer-secret-2026")


def test_password_change_with_a_wrong_old_password_keeps_the_old_one(client):
    user = UserFactory()
    sign_in(client, user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "a-much-longer-secret-2026",
            "new_password2": "a-much-longer-secret-2026",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_writes_one_email_to_the_outbox_and_sends_nothing_itself(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    message = reset_messages().get()
    assert message.recipient == user
    assert message.channel == OutboxMessage.Channel.EMAIL
    assert message.key.startswith(f"password-reset:{user.pk}:")
    assert message.context["reset_url"].startswith("http://")
    assert "/accounts/password/reset/" in message.context["reset_url"]
    assert message.published_at is None
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_password_reset_for_an_unknown_address_looks_the_same_and_writes_nothing(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.org")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert not OutboxMessage.objects.exists()
    assert callbacks == []


def test_password_reset_for_an_inactive_account_writes_nothing(client):
    user = UserFactory(inactive=True)
    client.post(reverse("password_reset"), {"email": user.email})
    assert not reset_messages().exists()


def test_password_reset_double_click_writes_one_message(client):
    user = UserFactory()
    with time_machine.travel("2026-03-02 09:00:00 +05:00", tick=False):
        client.post(reverse("password_reset"), {"email": user.email})
        client.post(reverse("password_reset"), {"email": user.email})
    assert reset_messages().count() == 1


def test_delivered_reset_mail_carries_a_link_that_sets_a_new_password(client):
    user = UserFactory()
    client.post(reverse("password_reset"), {"email": user.email})
    message = reset_messages().get()

    assert delivery.deliver(message.pk) is True

    [email] = mail.outbox
    assert email.to == [user.email]
    assert "password" in email.subject.lower()
    assert message.context["reset_url"] in email.body
    assert user.username in email.body
    path = re.search(r"https?://[^/]+(/\S+)", email.body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-secret-for-2026", "new_password2": "fresh-secret-for-2026"},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("fresh-secret-for-2026")


def test_a_used_reset_link_is_refused(client):
    user = UserFactory()
    client.post(reverse("password_reset"), {"email": user.email})
    link = reset_messages().get().context["reset_url"]
    path = re.sub(r"^https?://[^/]+", "", link)
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-secret-for-2026", "new_password2": "fresh-secret-for-2026"},
    )
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert b"no longer valid" in again.content


def test_the_reset_token_is_not_in_the_message_key_that_becomes_the_message_id(client):
    user = UserFactory()
    client.post(reverse("password_reset"), {"email": user.email})
    message = reset_messages().get()
    token = message.context["reset_url"].rstrip("/").rsplit("/", 1)[1]
    assert token not in message.key
    delivery.deliver(message.pk)
    [email] = mail.outbox
    assert token not in email.extra_headers["Message-ID"]
