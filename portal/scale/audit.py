"""Audit entries of the scale programme written many at a time, chained exactly as
``workflows.audit.record`` chains them one by one, so ``manage.py verify_audit`` holds."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from workflows import chain, events
from workflows.models import AuditEntry


def record_all(records, *, actor):
    """Append one entry per ``(obj, action, data)`` in ``records``, by ``actor``, to the chain
    in order, and emit each as ``audit.record`` does; return the entries. Runs in the caller's
    transaction, holding the chain's lock until it ends."""
    if not records:
        return []
    with transaction.atomic(savepoint=False):
        chain.lock()
        head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash")
        sequence, previous_hash = head.first() or (0, "")
        entries = []
        for obj, action, data in records:
            content_type = ContentType.objects.get_for_model(obj)
            sequence += 1
            entry = AuditEntry(
                content_type=content_type,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                action=action,
                source_state="",
                target_state="",
                actor=actor if actor is not None and actor.is_authenticated else None,
                note="",
                data=data or {},
                sequence=sequence,
                previous_hash=previous_hash,
                created_at=timezone.now(),
            )
            entry.entry_hash = chain.entry_digest(
                entry, f"{content_type.app_label}.{content_type.model}"
            )
            previous_hash = entry.entry_hash
            entries.append(entry)
        AuditEntry.objects.bulk_create(entries)
    for (obj, action, _data), entry in zip(records, entries, strict=True):
        events.emit(events.recorded(obj, action), subject=obj, entry=entry)
    return entries
