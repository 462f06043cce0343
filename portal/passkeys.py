"""Passkeys (WebAuthn, through django-otp-webauthn) as a second factor after the password.

The app's views answer its JavaScript (served from the portal's own static files); the one
that keeps a new passkey is wrapped so that adding it is written in the audit log, and the
script's messages come in Turkmen and Russian from the portal's ``djangojs`` catalogues.
"""

from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import urls as webauthn_urls
from django_otp_webauthn.views import CompleteCredentialRegistrationView

from workflows import audit

PASSKEY_ADDED = "passkey_added"
REGISTRATION_COMPLETE = "credential-registration-complete"
SCRIPT_CATALOG = "js-i18n-catalog"


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    """Keep the new passkey, as the app does, and audit it."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            user = self.request.user
            audit.record(user, PASSKEY_ADDED, actor=user)
        return response


urlpatterns = [
    path(
        "registration/complete/", PasskeyRegistrationComplete.as_view(), name=REGISTRATION_COMPLETE
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn", "portal"]),
        name=SCRIPT_CATALOG,
    ),
    *(
        pattern
        for pattern in webauthn_urls.urlpatterns
        if pattern.name not in {REGISTRATION_COMPLETE, SCRIPT_CATALOG}
    ),
]
