"""Making, finding and revoking personal API tokens.

A token is 32 random bytes (URL-safe text) shown to its owner once; the database keeps only
its SHA-256, so a copy of the database opens nothing.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import ApiToken, TokenScope
from workflows import audit
from workflows.errors import DomainError, forbidden

MAX_ACTIVE_TOKENS = 20


def digest(key):
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def api_token_create(*, actor, name, scope):
    """Make a token for ``actor`` named ``name`` with ``scope`` (a ``TokenScope`` code) and
    return ``(token, key)``; ``key`` is the secret text, which is not stored and cannot be shown
    again. Refuses a blank name, an unknown scope and more than ``MAX_ACTIVE_TOKENS`` tokens.
    Audited (by name and scope, never the key). Each call makes a new token."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise forbidden()
    name = (name or "").strip()
    if not name:
        raise DomainError("name_required", _("Give the token a name."), field="name")
    if scope not in TokenScope.values:
        raise DomainError("unknown_scope", _("Choose one of the options."), field="scope")
    with transaction.atomic():
        active = ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True)
        if len(active) >= MAX_ACTIVE_TOKENS:
            raise DomainError(
                "too_many_tokens",
                _("You have %(count)s tokens; revoke one you no longer use first.")
                % {"count": MAX_ACTIVE_TOKENS},
            )
        key = secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=actor, name=name, scope=scope, key_sha256=digest(key), prefix=key[:8]
        )
        audit.record(token, "created", actor=actor, data={"name": name, "scope": scope})
    return token, key


def api_token_revoke(*, actor, token):
    """Revoke ``token``, one of the actor's own: it opens nothing from now on. A repeat is a
    no-op. Audited."""
    if actor is None or token.user_id != actor.pk:
        raise forbidden()
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().get(pk=token.pk)
        if row.revoked_at is not None:
            return row
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit.record(row, "revoked", actor=actor)
    return row


def token_for_key(key):
    """The active token whose secret is ``key``, with its user, or None."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_sha256=digest(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def tokens_of(user):
    """The user's tokens that still open the API, newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def mark_used(token):
    # At most once a minute, so a busy program does not write on every request.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
