import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from portal.models import User
from portal.services import user_confirm_email, user_sign_up
from tests.conftest import sign_in
from tests.factories.portal import PASSWORD, UserFactory
from workflows import audit, delivery
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "saplings-in-the-karakum-2026"
CONFIRM_EVENT = "accounts.confirm_email"
EXISTING_EVENT = "accounts.signup_existing_account"


def sign_up(client, **changes):
    data = {
        "full_name": "Ogulgerek Atayeva",
        "email": "ogulgerek@example.org",
        "username": "ogulgerek",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "language": "en",
        **changes,
    }
    return client.post(reverse("signup"), data)


def messages_for(event):
    return OutboxMessage.objects.filter(event=event)


def delivered_link(message):
    """Deliver the outbox message as a worker would and return the path of the mailed link."""
    assert delivery.deliver(message.pk) is True
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/accounts/signup/confirm/\S+)", body).group(1)


def signed_up_account(client, **changes):
    sign_up(client, **changes)
    user = User.objects.get(email=changes.get("email", "ogulgerek@example.org"))
    return user, messages_for(CONFIRM_EVENT).filter(recipient=user).latest("id")


def signed_in_user(client):
    return client.get(reverse("home")).context["user"]


def test_a_new_account_is_confirmed_by_mail_and_lands_on_organisation_registration(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("signup_sent")
    user = User.objects.get(email="ogulgerek@example.org")
    assert not user.is_active
    assert user.full_name == "Ogulgerek Atayeva"
    assert user.check_password(NEW_PASSWORD)
    message = messages_for(CONFIRM_EVENT).get()
    assert message.recipient == user
    assert message.channel == OutboxMessage.Channel.EMAIL

    path = delivered_link(message)
    [email] = mail.outbox
    assert email.to == ["ogulgerek@example.org"]
    assert "confirm" in email.subject.lower()
    assert "ogulgerek" in email.body

    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("providers:register")
    user.refresh_from_db()
    assert user.is_active
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.context["user"] == user
    assert "Now register your organisation" in page.content.decode()


def test_an_account_cannot_log_in_before_its_address_is_confirmed(client):
    sign_up(client)
    response = client.post(reverse("login"), {"username": "ogulgerek", "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


def test_the_confirmation_mail_is_written_to_the_outbox_and_published_only_on_commit(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        sign_up(client)
    message = messages_for(CONFIRM_EVENT).get()
    assert message.published_at is None
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_link_is_not_in_the_message_key_that_becomes_the_message_id(client):
    _user, message = signed_up_account(client)
    token = message.context["confirm_url"].rstrip("/").rsplit("/", 1)[1]
    assert token not in message.key
    delivered_link(message)
    assert token not in mail.outbox[0].extra_headers["Message-ID"]


def test_sign_up_and_confirmation_are_audited(client):
    user, message = signed_up_account(client)
    client.get(delivered_link(message))
    entries = list(audit.history(user))
    assert [entry.action for entry in entries] == ["signed_up", "email_confirmed"]
    assert all(entry.actor == user for entry in entries)
    assert entries[0].data == {"language": "en"}
    assert (entries[1].source_state, entries[1].target_state) == ("inactive", "active")


def test_an_expired_link_is_refused_with_a_way_to_ask_for_a_new_one(client):
    with time_machine.travel("2026-03-02 09:00:00 +05:00", tick=False):
        user, message = signed_up_account(client)
        path = delivered_link(message)
    with time_machine.travel("2026-03-05 09:01:00 +05:00", tick=False):
        response = client.get(path)
        assert response.status_code == 400
        html = response.content.decode()
        assert "expired" in html
        assert reverse("signup_resend") in html
        user.refresh_from_db()
        assert not user.is_active
        assert not signed_in_user(client).is_authenticated

        response = client.post(reverse("signup_resend"), {"email": user.email})
        assert response.url == reverse("signup_sent")
        fresh = messages_for(CONFIRM_EVENT).exclude(pk=message.pk).get()
        assert client.get(delivered_link(fresh)).url == reverse("providers:register")
    user.refresh_from_db()
    assert user.is_active


def test_a_link_on_its_last_day_still_works(client):
    with time_machine.travel("2026-03-02 09:00:00 +05:00", tick=False):
        user, message = signed_up_account(client)
        path = delivered_link(message)
    with time_machine.travel("2026-03-05 08:59:00 +05:00", tick=False):
        assert client.get(path).url == reverse("providers:register")
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize(
    "tamper",
    [
        lambda path: path[:-6] + ("A" if path[-6] != "A" else "B") + path[-5:],
        lambda path: path.replace("/confirm/", "/confirm/x"),
        lambda path: "/accounts/signup/confirm/not-a-token/",
    ],
    ids=["signature", "payload", "garbage"],
)
def test_a_tampered_link_is_refused_and_opens_nothing(client, tamper):
    user, message = signed_up_account(client)
    response = client.get(tamper(delivered_link(message)))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    assert [entry.action for entry in audit.history(user)] == ["signed_up"]


def test_following_the_link_twice_is_harmless(client):
    user, message = signed_up_account(client)
    path = delivered_link(message)
    client.get(path)
    again = client.get(path)
    assert again.status_code == 302
    assert again.url == reverse("providers:register")
    assert signed_in_user(client) == user
    assert [entry.action for entry in audit.history(user)] == ["signed_up", "email_confirmed"]


def test_a_used_link_in_another_browser_asks_to_log_in_instead_of_signing_in(client):
    _user, message = signed_up_account(client)
    path = delivered_link(message)
    client.get(path)
    other_browser = Client()
    response = other_browser.get(path)
    expected = f"{reverse('login')}?{urlencode({'next': reverse('providers:register')})}"
    assert response.url == expected
    assert not signed_in_user(other_browser).is_authenticated


def test_a_link_cannot_reopen_an_account_deactivated_after_confirmation(client):
    user, message = signed_up_account(client)
    path = delivered_link(message)
    client.get(path)
    client.logout()
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(path)
    assert response.status_code == 400
    user.refresh_from_db()
    assert not user.is_active


def test_an_existing_address_gets_the_same_answer_and_its_owner_a_reminder(client):
    owner = UserFactory(email="Owner@Example.org", username="owner")
    response = sign_up(client, email="owner@example.org", username="someone-else")
    assert response.status_code == 302
    assert response.url == reverse("signup_sent")
    assert User.objects.filter(email__iexact="owner@example.org").count() == 1
    assert not User.objects.filter(username="someone-else").exists()
    assert not messages_for(CONFIRM_EVENT).exists()
    message = messages_for(EXISTING_EVENT).get()
    assert message.recipient == owner

    assert delivery.deliver(message.pk) is True
    [email] = mail.outbox
    assert email.to == ["Owner@Example.org"]
    assert "already" in email.subject
    assert "owner" in email.body
    assert reverse("password_reset") in email.body
    assert reverse("login") in email.body
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_the_owner_of_an_existing_address_is_reminded_at_most_once_a_day(client):
    UserFactory(email="owner@example.org")
    with time_machine.travel("2026-03-02 09:00:00 +05:00", tick=False):
        sign_up(client, email="owner@example.org", username="first-try")
        sign_up(client, email="owner@example.org", username="second-try")
    assert messages_for(EXISTING_EVENT).count() == 1
    with time_machine.travel("2026-03-03 09:00:00 +05:00", tick=False):
        sign_up(client, email="owner@example.org", username="third-try")
    assert messages_for(EXISTING_EVENT).count() == 2


def test_an_address_of_a_deactivated_account_gets_nothing(client):
    UserFactory(email="closed@example.org", inactive=True)
    response = sign_up(client, email="closed@example.org", username="fresh")
    assert response.url == reverse("signup_sent")
    assert not OutboxMessage.objects.exists()
    client.post(reverse("signup_resend"), {"email": "closed@example.org"})
    assert not OutboxMessage.objects.exists()


def test_signing_up_again_before_confirming_renews_the_account_and_retires_the_old_link(client):
    user, first = signed_up_account(client)
    old_path = delivered_link(first)
    sign_up(
        client,
        username="ogulgerek-a",
        password1="another-long-passphrase-77",
        password2="another-long-passphrase-77",
        language="ru",
    )
    assert User.objects.filter(email="ogulgerek@example.org").count() == 1
    user.refresh_from_db()
    assert (user.username, user.language) == ("ogulgerek-a", "ru")
    assert user.check_password("another-long-passphrase-77")
    assert [entry.note for entry in audit.history(user)] == [
        "",
        "Details replaced by a new sign-up.",
    ]
    assert client.get(old_path).status_code == 400

    second = messages_for(CONFIRM_EVENT).exclude(pk=first.pk).get()
    assert client.get(delivered_link(second)).url == reverse("providers:register")
    user.refresh_from_db()
    assert user.is_active


def test_a_double_click_on_sign_up_keeps_the_first_link_working(client):
    with time_machine.travel("2026-03-02 09:00:00 +05:00", tick=False):
        sign_up(client)
        sign_up(client)
        user = User.objects.get(email="ogulgerek@example.org")
        assert [entry.action for entry in audit.history(user)] == ["signed_up"]
        message = messages_for(CONFIRM_EVENT).get()
        assert client.get(delivered_link(message)).url == reverse("providers:register")


def test_a_username_taken_in_any_letter_case_is_shown_next_to_the_field(client):
    UserFactory(username="Ogulgerek", email="someone@example.org")
    response = sign_up(client)
    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "This username is taken. Choose another one."
    ]
    assert not User.objects.filter(email="ogulgerek@example.org").exists()
    assert not OutboxMessage.objects.exists()


def test_password_rule_errors_are_shown_next_to_the_password_fields(client):
    response = sign_up(client, password1="123", password2="123")
    assert response.status_code == 200
    password_errors = response.context["form"].errors["password1"]
    too_short = "This password is too short. It must contain at least 8 characters."
    assert too_short in password_errors
    assert "This password is entirely numeric." in password_errors
    assert 'class="field field--error"' in response.content.decode()
    assert not User.objects.exists()


def test_a_password_like_the_username_is_refused(client):
    response = sign_up(client, password1="ogulgerek1", password2="ogulgerek1")
    password_errors = response.context["form"].errors["password1"]
    assert "The password is too similar to the username." in password_errors


def test_passwords_that_differ_are_shown_on_the_confirmation_field(client):
    response = sign_up(client, password2=NEW_PASSWORD + "x")
    assert response.context["form"].errors["password2"] == ["The two password fields didn’t match."]
    assert not User.objects.exists()


def test_the_chosen_language_is_saved_on_the_account(client):
    sign_up(client, language="tk")
    assert User.objects.get(email="ogulgerek@example.org").language == "tk"


def test_the_language_offered_first_is_the_one_the_visitor_reads(client):
    response = client.get(reverse("signup"), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.context["form"]["language"].value() == "ru"


def test_an_unknown_language_is_refused_by_the_form(client):
    response = sign_up(client, language="de")
    assert "language" in response.context["form"].errors
    assert not User.objects.exists()


def test_a_signed_in_user_is_sent_away_from_sign_up(client):
    sign_in(client, UserFactory())
    assert client.get(reverse("signup")).url == reverse("home")
    response = sign_up(client, email="new@example.org", username="new")
    assert response.url == reverse("home")
    assert not User.objects.filter(email="new@example.org").exists()


def test_the_service_refuses_a_signed_in_actor():
    with pytest.raises(DomainError) as refused:
        user_sign_up(
            actor=UserFactory(),
            full_name="Someone",
            email="new@example.org",
            username="new",
            password=NEW_PASSWORD,
            language="en",
        )
    assert refused.value.code == "signed_in"


def test_confirming_twice_through_the_service_activates_once(client):
    user, message = signed_up_account(client)
    token = message.context["confirm_url"].rstrip("/").rsplit("/", 1)[1]
    assert user_confirm_email(actor=None, token=token) == (user, True)
    assert user_confirm_email(actor=None, token=token) == (user, False)
    assert audit.history(user).filter(action="email_confirmed").count() == 1


def test_sign_up_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = sign_up(client)
    assert response.status_code == 403
    assert not User.objects.exists()


def test_an_account_created_inactive_by_an_administrator_gets_no_link(client):
    UserFactory(email="staff@example.org", inactive=True)
    client.post(reverse("signup_resend"), {"email": "staff@example.org"})
    assert not OutboxMessage.objects.exists()


def test_asking_for_a_link_for_an_unknown_address_looks_the_same(client):
    response = client.post(reverse("signup_resend"), {"email": "nobody@example.org"})
    assert response.url == reverse("signup_sent")
    assert not OutboxMessage.objects.exists()


def test_visitors_find_sign_up_in_the_header_and_on_the_login_page(client):
    home = client.get(reverse("home")).content.decode()
    assert reverse("signup") in home
    assert "Register your organisation" in home
    assert reverse("signup") in client.get(reverse("login")).content.decode()


def test_signed_in_users_see_no_sign_up_link_in_the_header(client):
    sign_in(client, UserFactory())
    assert reverse("signup") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("language", "confirmed"),
    [
        ("tk", "E-poçta salgyňyz tassyklandy we siz ulgama girdiňiz."),
        ("ru", "Ваш адрес электронной почты подтверждён, и вы вошли в систему."),
    ],
    ids=["tk", "ru"],
)
def test_the_confirmation_message_is_in_the_language_chosen_at_sign_up(client, language, confirmed):
    _user, message = signed_up_account(client, language=language)
    path = delivered_link(message)
    # The mail is opened in another browser, one that reads English.
    mail_reader = Client(HTTP_ACCEPT_LANGUAGE="en")

    page = mail_reader.get(path, follow=True)

    assert page.redirect_chain[-1][0] == reverse("providers:register")
    assert confirmed in page.content.decode()
