"""Signing in to the API with a personal token, and what a read-only token may do."""

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from portal.api.tokens import mark_used, token_for_key
from portal.models import ApiToken

KEYWORD = "Bearer"


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; a revoked or unknown token is refused (401)."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0] != KEYWORD:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The token header is malformed."))
        token = token_for_key(header[1])
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or was revoked."))
        mark_used(token)
        # A program reads the portal in its user's language, as the user does on the pages.
        translation.activate(token.user.language)
        request.LANGUAGE_CODE = translation.get_language()
        return token.user, token

    def authenticate_header(self, request):
        return KEYWORD


class TokenScope(permissions.BasePermission):
    """A read-only token reads; changing anything needs a read-and-write token or a session."""

    message = _("This token may only read; use a read and write token.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        return not isinstance(token, ApiToken) or token.may_write


class SignedIn(permissions.IsAuthenticated):
    message = _("Sign in or send a token to use this.")


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on your API tokens page.",
        }
