"""In the browser: a new staff member sets up an authenticator app at the first sign-in and
signs in with its codes afterwards; a demo staff account signs in with the published secret."""

import base64
import io

import pytest
from django.core.management import call_command
from django_otp.oath import totp

from portal.demo import DEMO_TOTP_SECRET
from tests.e2e.steps import Steps
from tests.factories.portal import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


def code_from(secret):
    return f"{totp(base64.b32decode(secret)):06d}"


def password_step(steps, username, password):
    steps.page.goto("/accounts/login/")
    steps.label("Username").fill(username)
    steps.label("Password").fill(password)
    steps.click("Log in")


def test_a_new_staff_member_sets_up_an_app_and_signs_in_with_its_codes(new_page):
    user = UserFactory(procurement_officer=True)
    steps = Steps(new_page())
    password_step(steps, user.username, PASSWORD)
    assert "/accounts/two-factor/enrol/" in steps.page.url
    assert steps.page.locator("figure.qr-code svg").is_visible()
    secret = steps.page.locator("code.secret").first.inner_text()
    steps.label("Code").fill(code_from(secret))
    steps.click("Turn on two-factor sign-in")
    assert steps.heading() == "Your backup codes"
    assert steps.page.locator(".backup-codes li").count() == 10
    steps.link("I have kept them, continue")
    assert steps.page.url.endswith("/")
    assert user.full_name in steps.page.locator("header").inner_text()

    again = Steps(new_page())
    again.log_in(user)  # password, then the app's next code
    assert again.page.url.endswith("/")


def test_a_demo_staff_account_signs_in_with_the_published_secret(new_page):
    call_command("load_demo", force=True, stdout=io.StringIO())
    page = new_page()
    password_step(Steps(page), "approver", "demo-approver-2026")
    assert "/accounts/two-factor/verify/" in page.url
    steps = Steps(page, "tk")  # signed in, the page speaks the account's language
    steps.label("Code").fill(code_from(DEMO_TOTP_SECRET))
    steps.click("Sign in")
    assert "/accounts/" not in page.url
    assert page.locator("header").get_by_role("button", name=steps.t("Log out")).is_visible()
