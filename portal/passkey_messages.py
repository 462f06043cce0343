"""The messages django-otp-webauthn's views answer with, which its script shows to the user.

The app ships no Turkmen or Russian catalogue, so its texts are listed here for the portal's
own catalogues to translate; Django looks in the portal's catalogues first.
"""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop("Error processing WebAuthn request."),
    gettext_noop("Malformed request. JSON not parsable."),
    gettext_noop(
        "State is missing or invalid. Please begin the operation first before trying to "
        "complete it."
    ),
    gettext_noop("Unprocessable Entity"),
    gettext_noop("Passwordless login is disabled."),
    gettext_noop("This user account is marked as disabled."),
    gettext_noop("This Passkey has been marked as disabled."),
    gettext_noop("The Passkey you tried to use was not found. Perhaps it was removed?"),
    gettext_noop(
        "The Passkey you tried to use does not belong to the currently logged-in user. Try "
        "using a different Passkey or logout first to use this Passkey."
    ),
    gettext_noop("Authentication required."),
    gettext_noop("User is not verified."),
    gettext_noop(
        "You must verify your identity first with an existing MFA device before you can "
        "register a new passkey."
    ),
]
