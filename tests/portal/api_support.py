"""API clients for tests: one holding a personal token, one signed in with a session."""

from rest_framework.test import APIClient

from portal.api.tokens import api_token_create
from portal.models import TokenScope


def token_client(user, scope=TokenScope.WRITE, **headers):
    """A client sending a new token of ``user`` with ``scope``."""
    _token, key = api_token_create(actor=user, name="test program", scope=scope)
    client = APIClient(**headers)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def anonymous_client(**headers):
    return APIClient(**headers)
