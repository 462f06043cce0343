"""Every form of the site shell survives generated input: signing up and in, passwords,
languages, notification settings, the notification list and trying a failed file again."""

import pytest
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from hypothesis import given
from hypothesis import strategies as st

from portal.api.tokens import api_token_create
from portal.forms import (
    ApiTokenForm,
    BackupCodesForm,
    EmailFrequencyForm,
    OutboxPasswordResetForm,
    ResendConfirmationForm,
    SecondFactorCodeForm,
    SignUpForm,
    TurnOffSecondFactorForm,
)
from portal.models import TokenScope
from tests.example_app.jobs import SLOW_EXPORT
from tests.factories.portal import UserFactory, add_notification, authenticator
from tests.properties.engine import Endpoint, Scene, profile
from tests.properties.strategies import post_data
from workflows.models import FileJob


def visitor():
    UserFactory(email="known@example.org")
    return Scene(None)


def signed_in(page=None):
    def scene():
        return Scene(UserFactory(), page=reverse(page) if page else None)

    return scene


def token_scene():
    user = UserFactory()
    token, _key = api_token_create(actor=user, name="Case system", scope=TokenScope.READ)
    return Scene(user, {"pk": token.pk}, page=reverse("api_tokens"))


def code_scene():
    """A grant officer who gave the password and is asked for the code."""
    user = UserFactory(grant_officer=True)
    authenticator(user)
    return Scene(user, page=reverse("two_factor_verify"), second_factor=False)


def second_factor_scene(**traits):
    """A user with an authenticator app and backup codes, on their two-factor page."""

    def scene():
        user = UserFactory(**traits)
        authenticator(user)
        backup = StaticDevice.objects.create(user=user, name="Backup codes")
        StaticToken.objects.create(device=backup, token="abcd2345")
        return Scene(user, page=reverse("two_factor"))

    return scene


def language_scene():
    return Scene(None, page=reverse("home"))


def reset_confirm_scene():
    user = UserFactory()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return Scene(
        None,
        {"uidb64": uid, "token": "set-password"},
        page=reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}),
    )


def notification_scene():
    user = UserFactory()
    notification = add_notification(user)
    add_notification(UserFactory())
    return Scene(user, {"pk": notification.pk}, page=reverse("workflows:notifications"))


def read_all_scene():
    user = UserFactory()
    add_notification(user)
    return Scene(user, page=reverse("workflows:notifications"))


def failed_job_scene():
    user = UserFactory()
    job = FileJob.objects.create(
        owner=user,
        kind=SLOW_EXPORT,
        fingerprint="failed",
        language="en",
        state=FileJob.State.FAILED,
        error="ValueError: the figures do not add up",
    )
    return Scene(user, {"pk": job.pk}, page=job.get_absolute_url())


ENDPOINTS = [
    Endpoint("login", visitor, (AuthenticationForm,)),
    Endpoint("logout", signed_in("home")),
    Endpoint("password_change", signed_in(), (PasswordChangeForm,)),
    Endpoint("password_reset", visitor, (OutboxPasswordResetForm,)),
    Endpoint("password_reset_confirm", reset_confirm_scene, (SetPasswordForm,)),
    Endpoint("notification_settings", signed_in(), (EmailFrequencyForm,)),
    Endpoint("signup", visitor, (SignUpForm,)),
    Endpoint("two_factor_enrol", signed_in(), (SecondFactorCodeForm,)),
    Endpoint("api_tokens", signed_in(), (ApiTokenForm,), renders_on_success=True),
    Endpoint("api_token_revoke", token_scene),
    Endpoint("two_factor_verify", code_scene, (SecondFactorCodeForm,)),
    Endpoint(
        "two_factor_backup_codes",
        second_factor_scene(),
        (BackupCodesForm,),
        renders_on_success=True,
    ),
    Endpoint("two_factor_turn_off", second_factor_scene(), (TurnOffSecondFactorForm,)),
    Endpoint("signup_resend", visitor, (ResendConfirmationForm,)),
    Endpoint("switch_language", language_scene, label="visitor"),
    Endpoint("switch_language", signed_in("home"), label="signed-in"),
    # Django's own language view, which the portal's switcher hands over to: no page links it.
    Endpoint("set_language", language_scene, on_page=False),
    Endpoint("workflows:notification_read", notification_scene),
    Endpoint("workflows:notifications_read_all", read_all_scene),
    Endpoint("workflows:file_job_retry", failed_job_scene),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@profile()
@given(data=st.data())
def test_a_site_form_never_fails_and_a_refusal_changes_nothing(target, data):
    target.send(data.draw(post_data(target.form, target.fields)))
