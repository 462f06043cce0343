import hashlib
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from portal.api.tokens import api_token_create
from portal.models import ApiToken, TokenScope
from tests.conftest import sign_in
from tests.factories.portal import UserFactory, add_notification
from tests.portal.api_support import anonymous_client, token_client
from workflows.audit import history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def make_on_the_page(client, name="Case management", scope="read"):
    return client.post(reverse("api_tokens"), {"name": name, "scope": scope})


def test_a_token_made_on_the_user_s_page_is_shown_once_and_stored_as_its_sha256(client):
    user = UserFactory()
    sign_in(client, user)
    page = make_on_the_page(client).content.decode()
    key = re.search(r'<code class="token-key">([^<]+)</code>', page).group(1)
    token = ApiToken.objects.get(user=user)
    assert token.key_sha256 == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.filter(pk=token.pk).values().first())
    assert key not in client.get(reverse("api_tokens")).content.decode()
    assert token.prefix in client.get(reverse("api_tokens")).content.decode()
    assert history(token).get().data == {"name": "Case management", "scope": "read"}


def test_a_token_without_a_name_is_refused_on_the_page_and_nothing_is_stored(client):
    sign_in(client, UserFactory(language="ru"))
    response = make_on_the_page(client, name="  ")
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_token_opens_the_api_as_its_user():
    user = UserFactory()
    mine = add_notification(user)
    add_notification(UserFactory())
    body = token_client(user, TokenScope.READ).get("/api/notifications/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]


def test_a_revoked_token_is_refused(client):
    user = UserFactory(language="tk")
    sign_in(client, user)
    api = token_client(user)
    token = ApiToken.objects.get(user=user)
    client.post(reverse("api_token_revoke", args=[token.pk]))
    response = api.get("/api/notifications/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert history(token).last().action == "revoked"


def test_a_user_cannot_revoke_another_user_s_token(client):
    owner = UserFactory()
    token, _key = api_token_create(actor=owner, name="mine", scope=TokenScope.READ)
    sign_in(client, UserFactory())
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_unknown_token_is_refused_in_the_reader_s_language():
    client = anonymous_client(HTTP_ACCEPT_LANGUAGE="ru")
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/notifications/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["detail"] == "Токен недействителен или отозван."


def test_without_a_token_or_session_the_user_s_resources_are_refused():
    response = anonymous_client().get("/api/notifications/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_signed_in"


def test_a_read_only_token_cannot_post_and_changes_nothing():
    user = UserFactory(language="en")
    notification = add_notification(user)
    response = token_client(user, TokenScope.READ).post(
        f"/api/notifications/{notification.pk}/read/"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "This token may only read; use a read and write token."
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_read_and_write_token_marks_a_notification_read():
    user = UserFactory()
    notification = add_notification(user)
    response = token_client(user).post(f"/api/notifications/{notification.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None


def test_another_user_s_notification_is_not_found():
    notification = add_notification(UserFactory())
    client = token_client(UserFactory())
    assert client.get(f"/api/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/api/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_a_session_must_send_the_csrf_token_to_post():
    from rest_framework.test import APIClient

    user = UserFactory()
    notification = add_notification(user)
    client = APIClient(enforce_csrf_checks=True)
    sign_in(client, user)
    assert client.post(f"/api/notifications/{notification.pk}/read/").status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None


@override_settings(API_THROTTLE_RATE="3/minute")
def test_requests_are_counted_per_token():
    user = UserFactory()
    busy, other = token_client(user), token_client(user)
    answers = [busy.get("/api/notifications/") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert other.get("/api/notifications/").status_code == 200


def test_the_token_of_a_deactivated_user_is_refused():
    user = UserFactory()
    client = token_client(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get("/api/notifications/").status_code == 401


def test_a_program_reads_errors_in_its_user_s_language():
    client = token_client(UserFactory(language="tk"))
    response = client.get("/api/bids/999999/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Bu salgyda hiç zat tapylmady."
