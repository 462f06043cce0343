"""Writing and reading the append-only audit log."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from workflows import chain, events
from workflows.models import AuditEntry


def record(obj, action, *, actor, source_state="", target_state="", note="", data=None):
    """Append one audit entry about ``obj`` to the hash chain and emit it as the event
    ``events.recorded(obj, action)``, then as ``events.recorded(obj, events.ANY)``; the
    caller's transaction decides whether both stay.

    Audit writers queue on one lock held until the caller's transaction ends, so the chain
    follows commit order and two transactions never chain onto the same entry."""
    content_type = ContentType.objects.get_for_model(obj)
    entry = AuditEntry(
        content_type=content_type,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        source_state=source_state or "",
        target_state=target_state or "",
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note or "",
        data=data or {},
    )
    # No savepoint: the caller's transaction, or a new one outside any, holds the lock.
    with transaction.atomic(savepoint=False):
        chain.lock()
        head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash")
        sequence, previous_hash = head.first() or (0, "")
        entry.sequence, entry.previous_hash = sequence + 1, previous_hash
        entry.created_at = timezone.now()
        entry.entry_hash = chain.entry_digest(
            entry, f"{content_type.app_label}.{content_type.model}"
        )
        entry.save(force_insert=True)
    events.emit(events.recorded(obj, action), subject=obj, entry=entry)
    events.emit(events.recorded(obj, events.ANY), subject=obj, entry=entry)
    return entry


def history(obj):
    """Audit entries about ``obj``, oldest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


def labelled_history(obj, actions):
    """``history(obj)`` as a list, each entry with ``label``: what happened, in the reader's
    language. ``actions`` maps action codes to labels; an entry whose action has none is
    labelled with the state it moved ``obj`` to."""
    states = dict(type(obj)._meta.get_field("state").flatchoices)
    entries = list(history(obj))
    for entry in entries:
        entry.label = actions.get(entry.action) or states.get(entry.target_state, entry.action)
    return entries
