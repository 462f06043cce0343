import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories.portal import UserFactory, add_notification

pytestmark = pytest.mark.django_db


def test_home_page_introduces_the_portal_to_visitors(client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Social contracting portal" in html
    assert "Yenme" in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert reverse("login") in html
    assert "portal/portal.css" in html


def test_visitors_see_public_links_but_no_notifications(client):
    html = client.get(reverse("home")).content.decode()
    assert "Tenders" in html
    assert "Notifications" not in html
    assert "My organisation" not in html


def test_an_ngo_user_sees_their_organisation_and_notifications_with_the_unread_count(client):
    user = UserFactory()
    add_notification(user)
    add_notification(user)
    add_notification(user, read=True)
    sign_in(client, user)
    html = client.get(reverse("home")).content.decode()
    assert "My organisation" in html
    assert 'href="/notifications/"' in html
    assert '<span class="badge">2<span class="visually-hidden"> unread' in html


def test_staff_do_not_see_my_organisation_and_only_admins_see_administration(client):
    sign_in(client, UserFactory(evaluator=True))
    html = client.get(reverse("home")).content.decode()
    assert "My organisation" not in html
    assert reverse("admin:index") not in html

    sign_in(client, UserFactory(system_admin=True))
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()


def test_messages_are_shown_in_a_status_area(client):
    sign_in(client, UserFactory())
    response = client.post(reverse("switch_language"), {"language": "xx", "next": "/"}, follow=True)
    html = response.content.decode()
    assert 'class="messages" role="status"' in html
    assert "This language is not available." in html


def test_the_language_switcher_offers_the_three_languages(client):
    html = client.get(reverse("home")).content.decode()
    for code in ("tk", "ru", "en"):
        assert f'name="language" value="{code}"' in html


def test_switching_language_saves_it_on_the_signed_in_users_account(client):
    user = UserFactory(language="en")
    sign_in(client, user)
    response = client.post(reverse("switch_language"), {"language": "ru", "next": "/tenders/"})
    assert response.status_code == 302
    assert response.url == "/tenders/"
    user.refresh_from_db()
    assert user.language == "ru"
    assert client.get(reverse("home")).context["LANGUAGE_CODE"] == "ru"


def test_switching_language_as_a_visitor_sets_the_language_cookie(client):
    response = client.post(reverse("switch_language"), {"language": "tk", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tk"
    assert client.get(reverse("home")).context["LANGUAGE_CODE"] == "tk"


def test_switching_to_an_unknown_language_changes_nothing(client):
    user = UserFactory(language="en")
    sign_in(client, user)
    client.post(reverse("switch_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"


def test_switching_language_redirects_only_to_this_site(client):
    response = client.post(
        reverse("switch_language"), {"language": "en", "next": "https://evil.example.com/"}
    )
    assert response.status_code == 302
    assert "evil.example.com" not in response.url


def test_the_language_switch_only_accepts_posts(client):
    assert client.get(reverse("switch_language")).status_code == 405
