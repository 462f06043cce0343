"""Writing and reading the append-only audit log."""

from django.contrib.contenttypes.models import ContentType

from workflows import events
from workflows.models import AuditEntry


def record(obj, action, *, actor, source_state="", target_state="", note="", data=None):
    """Append one audit entry about ``obj`` and emit it as the event ``events.recorded(obj,
    action)``; the caller's transaction decides whether both stay."""
    entry = AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        action=action,
        source_state=source_state or "",
        target_state=target_state or "",
        actor=actor if actor is not None and actor.is_authenticated else None,
        note=note or "",
        data=data or {},
    )
    events.emit(events.recorded(obj, action), subject=obj, entry=entry)
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
