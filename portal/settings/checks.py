"""Start-up refusal of insecure production settings."""

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
