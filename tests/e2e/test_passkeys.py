"""In the browser: a staff member adds a passkey on their two-factor page and, at the next
sign-in, gives it instead of the app's code. Chromium's virtual authenticator (DevTools
Protocol) stands in for the device's fingerprint reader."""

import pytest
from django_otp_webauthn.models import WebAuthnCredential

from tests.e2e.steps import Steps
from tests.factories.portal import PASSWORD, UserFactory
from workflows.audit import history

pytestmark = pytest.mark.e2e


@pytest.fixture
def passkey_origin(settings, live_server):
    """Passkeys belong to the address the browser sees: the live server's."""
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [live_server.url]
    settings.OTP_WEBAUTHN_RP_ID = "localhost"


def virtual_authenticator(page):
    """A platform authenticator that always finds its user present and verified."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


def test_a_staff_member_adds_a_passkey_and_signs_in_with_it(page, passkey_origin):
    user = UserFactory(procurement_officer=True)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    steps = Steps(page)
    virtual_authenticator(page)
    steps.log_in(user)

    page.goto("/accounts/two-factor/")
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_text("Registration successful!").wait_for()
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1
    assert history(user).filter(action="passkey_added", actor=user).exists()
    page.reload()
    assert page.get_by_text("You have added 1 passkey.").is_visible()

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    steps.label("Username").fill(user.username)
    steps.label("Password").fill(PASSWORD)
    steps.click("Log in")
    assert "/accounts/two-factor/verify/" in page.url
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)

    assert page.locator("header").get_by_role("button", name="Log out").is_visible()
    assert WebAuthnCredential.objects.get(user=user).last_used_at is not None
    assert not [error for error in errors if "Content Security Policy" in error]
