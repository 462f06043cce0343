"""Start-up refusal of insecure production settings and malformed identifiers."""

import re

from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_production(*, debug, secret_key, default_secret_key, allowed_hosts):
    """Raise ImproperlyConfigured naming the variable when debug is off and a setting is unsafe."""
    if debug:
        return
    if not secret_key or secret_key == default_secret_key:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a secret value when DJANGO_DEBUG is off."
        )
    if not allowed_hosts:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the portal's host names when DJANGO_DEBUG is off."
        )


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def refuse_loopback_http_elsewhere(*, loopback_http, allowed_hosts):
    """Raise ImproperlyConfigured when plain HTTP is asked for a portal reachable by any host
    name other than the loopback's: cookies without the secure flag must never cross a network."""
    if loopback_http and not set(allowed_hosts) <= LOOPBACK_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_LOOPBACK_HTTP is only for a portal served on the loopback address: "
            f"DJANGO_ALLOWED_HOSTS may then name only {', '.join(sorted(LOOPBACK_HOSTS))}."
        )


# An OCDS prefix is "ocds-" and six letters or digits, registered by the publisher with the
# Open Contracting Partnership.
OCDS_PREFIX_FORM = re.compile(r"ocds-[a-z0-9]{6}")


def refuse_malformed_ocds_prefix(prefix):
    """Raise ImproperlyConfigured unless ``prefix`` has the form of an OCDS prefix."""
    if not OCDS_PREFIX_FORM.fullmatch(prefix):
        raise ImproperlyConfigured(
            "PORTAL_OCDS_PREFIX must be an OCDS prefix: 'ocds-' and six lowercase letters or "
            f"digits, such as 'ocds-213czf'; got {prefix!r}."
        )


# A 360Giving prefix is "360G-" and the publisher's own letters, digits or hyphens, given by
# 360Giving when the publisher registers.
GIVING_PREFIX_FORM = re.compile(r"360G-[A-Za-z0-9][A-Za-z0-9-]*")


def refuse_malformed_360giving_prefix(prefix):
    """Raise ImproperlyConfigured unless ``prefix`` has the form of a 360Giving prefix."""
    if not GIVING_PREFIX_FORM.fullmatch(prefix):
        raise ImproperlyConfigured(
            "PORTAL_360GIVING_PREFIX must be a 360Giving prefix: '360G-' and letters, digits or "
            f"hyphens, such as '360G-mlsp'; got {prefix!r}."
        )
