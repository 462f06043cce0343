"""An organisation's documents: adding, removing, and warning before they expire."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents import storage
from providers import permissions, selectors
from providers.models import DocumentType, ProviderDocument, ProviderState
from providers.services.common import (
    check_maintainable,
    check_seen,
    lock_provider,
    provider_context,
    require,
)
from workflows import audit, outbox
from workflows.errors import forbidden
from workflows.outbox import Notice

# Days before expiry on which the organisation's admins are warned, farthest first.
EXPIRY_WARNINGS = (30, 7)


def document_add(
    *, actor, provider, document_type, title, upload, expires_on=None, seen_state=None
):
    """Store ``upload`` and file it as a document of ``provider``; admins and editors only.

    Allowed in draft, returned, verified and suspended. Refused when ``expires_on`` is already
    past, when the file is not an accepted document (``portal.documents`` validation, raised as
    ValidationError before anything is stored) or when the state differs from ``seen_state``.
    The same file filed again with the same type, title and expiry returns the existing
    document (a double submit stores nothing more). Writes an audit entry. Returns the document.
    """
    today = timezone.localdate()
    with storage.kept_on_success() as files, transaction.atomic():
        row = lock_provider(provider)
        check_seen(row, seen_state)
        if not permissions.can_edit(actor, row):
            raise forbidden()
        check_maintainable(row)
        require(
            document_type in DocumentType.values,
            "invalid_type",
            _("Choose a document type."),
            "document_type",
        )
        require(
            expires_on is None or expires_on >= today,
            "expired",
            _("This document has already expired."),
            "expires_on",
        )
        stored = files.store(upload, prefix=ProviderDocument.upload_prefix)
        duplicate = row.documents.filter(
            sha256=stored.sha256, document_type=document_type, title=title, expires_on=expires_on
        ).first()
        if duplicate is not None:
            storage.discard(stored.name)
            return duplicate
        document = ProviderDocument.from_stored(
            stored,
            uploaded_by=actor,
            provider=row,
            document_type=document_type,
            title=title,
            expires_on=expires_on,
        )
        document.save()
        audit.record(
            row,
            "document_add",
            actor=actor,
            data={"document": document.pk, "type": document_type, "sha256": stored.sha256},
        )
    return document


def document_remove(*, actor, document, seen_state=None):
    """Remove a document of an organisation; admins and editors, in the states where documents
    may be added. The file is deleted after commit. Writes an audit entry. Removing a document
    already gone changes nothing. Returns None."""
    with transaction.atomic():
        row = lock_provider(document.provider)
        check_seen(row, seen_state)
        if not permissions.can_edit(actor, row):
            raise forbidden()
        check_maintainable(row)
        current = ProviderDocument.objects.filter(pk=document.pk, provider=row).first()
        if current is None:
            return None
        name = current.file.name
        current.delete()
        audit.record(
            row,
            "document_remove",
            actor=actor,
            data={"document": document.pk, "type": current.document_type, "title": current.title},
        )
        transaction.on_commit(lambda: storage.discard(name))
    return None


def expiring_documents(now):
    """Documents due an expiry warning at ``now``: expiring within 30 days and not yet warned
    for the nearest threshold reached."""
    today = timezone.localdate(now)
    farthest, nearest = EXPIRY_WARNINGS
    return (
        ProviderDocument.objects.filter(
            expires_on__gte=today, expires_on__lte=today + timedelta(days=farthest)
        )
        .filter(
            Q(expiry_warned_days__isnull=True)
            | Q(expiry_warned_days__gt=nearest, expires_on__lte=today + timedelta(days=nearest))
        )
        .exclude(provider__state=ProviderState.REJECTED)
    )


def document_expiry_warn(*, document, now):
    """Warn the organisation's admins that ``document`` expires soon, once per threshold.

    At most 30 days before expiry the 30-day warning goes, at most 7 days before the 7-day one;
    a document first seen inside 7 days gets only the 7-day warning. A document replaced by one
    of the same type valid for longer needs no warning. The outbox key names the document and
    threshold, and the document remembers the threshold, so a repeat sends nothing. Returns the
    threshold warned about, or None.
    """
    today = timezone.localdate(now)
    with transaction.atomic():
        current = ProviderDocument.objects.select_for_update().get(pk=document.pk)
        days_left = (current.expires_on - today).days if current.expires_on else None
        reached = [
            days for days in EXPIRY_WARNINGS if days_left is not None and 0 <= days_left <= days
        ]
        if not reached:
            return None
        threshold = min(reached)
        if current.expiry_warned_days is not None and current.expiry_warned_days <= threshold:
            return None
        if not _superseded(current):
            outbox.enqueue(
                [
                    Notice(
                        event="providers.document_expiring",
                        recipients=tuple(selectors.provider_admins(current.provider)),
                        context={
                            **provider_context(current.provider),
                            "title": current.title,
                            "document_type": current.document_type,
                            "expires_on": current.expires_on.isoformat(),
                            "days_left": days_left,
                        },
                        url=reverse("providers:documents"),
                    )
                ],
                key=f"providers-document-expiry:{current.pk}:{threshold}",
            )
        current.expiry_warned_days = threshold
        current.save(update_fields=["expiry_warned_days"])
    return threshold


def _superseded(document):
    return (
        ProviderDocument.objects.filter(
            provider_id=document.provider_id, document_type=document.document_type
        )
        .exclude(pk=document.pk)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=document.expires_on))
        .exists()
    )
