"""The passkey script shows the server's refusals as they come; they come in the user's
language, though the passkey app itself ships no Turkmen or Russian catalogue."""

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories.portal import UserFactory, authenticator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "State is missing or invalid. Please begin the operation first"),
        ("tk", "Amalyň ýagdaýy ýok ýa-da nädogry. Ilki amaly başlaň"),
        ("ru", "Состояние операции отсутствует или неверно. Сначала начните операцию"),
    ],
)
def test_a_passkey_answer_without_its_question_is_refused_in_the_users_language(
    client, language, message
):
    user = UserFactory(language=language)
    authenticator(user)
    sign_in(client, user, second_factor=False)
    response = client.post(
        reverse("otp_webauthn:credential-authentication-complete"),
        data="{}",
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
