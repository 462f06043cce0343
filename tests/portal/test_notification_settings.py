"""Choosing how emails reach a user: each one at once, or one summary a day."""

import pytest
from django.urls import reverse

from portal.services import user_set_email_frequency
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db

URL = "/accounts/notifications/"


def test_the_settings_page_lives_under_accounts():
    assert reverse("notification_settings") == URL


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_page_shows_the_current_choice_with_labels(client):
    user = UserFactory(email_frequency="daily")
    sign_in(client, user)

    html = client.get(URL).content.decode()

    assert 'value="daily" required id="id_email_frequency_1" checked' in html
    assert "One summary email a day" in html
    assert "<legend>How should emails about your work in the portal reach you?" in html
    assert "08:00" in html


def test_choosing_the_daily_summary_saves_it(client):
    user = UserFactory()
    sign_in(client, user)

    response = client.post(URL, {"email_frequency": "daily"}, follow=True)

    assert response.redirect_chain == [(URL, 302)]
    assert "Your notification settings are saved." in response.content.decode()
    user.refresh_from_db()
    assert user.email_frequency == "daily"


def test_an_unknown_choice_is_refused_next_to_the_field_and_nothing_changes(client):
    user = UserFactory()
    sign_in(client, user)

    response = client.post(URL, {"email_frequency": "hourly"})

    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    user.refresh_from_db()
    assert user.email_frequency == "immediate"


def test_nobody_may_change_another_users_choice():
    alice, mallory = UserFactory(), UserFactory()

    with pytest.raises(DomainError) as refused:
        user_set_email_frequency(actor=mallory, user=alice, frequency="daily")

    assert refused.value.code == "forbidden"
    alice.refresh_from_db()
    assert alice.email_frequency == "immediate"


def test_the_service_refuses_an_unknown_choice():
    alice = UserFactory()

    with pytest.raises(DomainError) as refused:
        user_set_email_frequency(actor=alice, user=alice, frequency="weekly")

    assert (refused.value.code, refused.value.field) == ("unknown_frequency", "email_frequency")


def test_saving_the_same_choice_again_writes_nothing(django_assert_num_queries):
    alice = UserFactory(email_frequency="daily")

    with django_assert_num_queries(0):
        user_set_email_frequency(actor=alice, user=alice, frequency="daily")


def test_the_notification_centre_links_to_the_settings(client):
    sign_in(client, UserFactory())

    html = client.get(reverse("workflows:notifications")).content.decode()

    assert f'href="{URL}"' in html
