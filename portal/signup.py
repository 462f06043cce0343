"""The link that confirms a new account's email address: a signed token that expires.

The token carries the account's id and a fingerprint of its password hash, signed with the
secret key and a time stamp. A newer sign-up for the same waiting account sets a new password,
so links mailed before it stop working.
"""

from datetime import timedelta

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from workflows.errors import DomainError

VALID_DAYS = 3
MAX_AGE = timedelta(days=VALID_DAYS)
_SALT = "portal.signup.confirm"

LINK_EXPIRED = _("This confirmation link has expired. Ask for a new one below.")
LINK_INVALID = _(
    "This confirmation link is not valid: it may be incomplete or replaced by a newer one. "
    "Ask for a new one below."
)


def make_token(user):
    """A URL-safe token that confirms ``user``'s address for VALID_DAYS days."""
    return signing.TimestampSigner(salt=_SALT).sign_object(
        {"u": user.pk, "f": _fingerprint(user)}, compress=True
    )


def read_token(token):
    """The account id and fingerprint in ``token``; DomainError when it expired or was altered."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign_object(token, max_age=MAX_AGE)
    except signing.SignatureExpired as error:
        raise DomainError("link_expired", LINK_EXPIRED) from error
    except signing.BadSignature as error:
        raise DomainError("link_invalid", LINK_INVALID) from error
    if not isinstance(value, dict) or not isinstance(value.get("u"), int):
        raise DomainError("link_invalid", LINK_INVALID)
    return value["u"], str(value.get("f", ""))


def matches(user, fingerprint):
    """Whether a token's fingerprint was made for ``user`` as it is now."""
    return constant_time_compare(_fingerprint(user), fingerprint)


def _fingerprint(user):
    # A digest of the hash, never the hash itself: the token travels in mail and browser history.
    return salted_hmac(_SALT, user.password, algorithm="sha256").hexdigest()[:20]
