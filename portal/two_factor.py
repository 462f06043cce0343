"""Two-factor sign-in: a code from an authenticator app (TOTP), or a one-time backup code,
after the password. Devices are django-otp's; a session is "verified" once a code matched.

Every staff member must have an authenticator app; NGO users may add one on their account page,
and once they have one it is asked for too.
"""

import base64

import segno
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device

from portal.permissions import is_staff_member

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"
BACKUP_CODE_COUNT = 10
WRONG_CODE = _(
    "This code is not right. Enter the current code from your authenticator app, "
    "or one of your backup codes."
)


def required_for(user):
    """Staff members (system administrators included) may not work without a second factor."""
    return is_staff_member(user)


def has_second_factor(user):
    return user_has_device(user, confirmed=True)


def secret_of(device):
    """The device's secret as authenticator apps take it when typed in (base32)."""
    return base64.b32encode(device.bin_key).decode()


def qr_code_svg(device):
    """The device's ``otpauth://`` address as an inline SVG QR code, for the app's camera."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, light="#fff", title=str(_("QR code of your authenticator secret"))
    )
