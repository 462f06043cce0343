"""The transition runner: every state change in the portal goes through ``apply``."""

import copy

from django.db import transaction
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from workflows import audit, outbox
from workflows.errors import ConflictError, forbidden, not_allowed


def apply(
    obj,
    transition,
    *,
    actor,
    seen_state=None,
    note="",
    permission=None,
    check=None,
    notify=None,
    data=None,
    **arguments,
):
    """Apply the FSM transition method named ``transition`` to ``obj`` and return the saved row.

    Inside one transaction: lock and re-read the row; return it unchanged when it is already in
    the transition's only target state (a repeat, such as a double click, is a no-op); raise
    ConflictError when its state is no longer the one the user saw (``seen_state``, by default
    ``obj``'s loaded state); raise a DomainError when the transition is not allowed from the
    current state, when ``permission(actor, row)`` is false or when ``check(row)`` raises. Then
    call the transition, save the fields it changed, write the audit entry and put
    ``notify(row, entry)``'s notices in the outbox, which is published only after commit.
    ``obj`` itself is not changed: use the returned row.
    """
    field = getattr(type(obj), transition)._django_fsm.field
    if seen_state is None:
        seen_state = getattr(obj, field.attname)
    with transaction.atomic():
        row = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        current = getattr(row, field.attname)
        method = getattr(row, transition)
        if _is_repeat(method, current):
            return row
        if current != seen_state:
            raise ConflictError()
        if not can_proceed(method):
            raise not_allowed(_state_label(row, field, current))
        if actor is not None and not has_transition_perm(method, actor):
            raise forbidden()
        if permission is not None and not permission(actor, row):
            raise forbidden()
        if check is not None:
            check(row)
        before = _field_values(row)
        method(**arguments)
        changed = [name for name, value in _field_values(row).items() if before[name] != value]
        try:
            row.save(update_fields=changed)
        except ConcurrentTransition as error:
            raise ConflictError() from error
        entry = audit.record(
            row,
            transition,
            actor=actor,
            source_state=current,
            target_state=getattr(row, field.attname),
            note=note,
            data=data,
        )
        if notify is not None:
            outbox.enqueue(notify(row, entry), key=f"audit:{entry.pk}")
    return row


def _is_repeat(method, current):
    # Whether the user saw the row before or after the first click, a row already in the
    # transition's single target state means the work is done. Transitions that may leave a
    # row in its state, or lead to several states, are never treated as repeats.
    transitions = method._django_fsm.transitions.values()
    targets = {t.target for t in transitions}
    loops = any(t.source == t.target for t in transitions)
    return not loops and len(targets) == 1 and current in targets


def _field_values(row):
    # Copies, so a transition that changes a JSON dict or list in place is still seen as a change.
    return {
        f.attname: copy.deepcopy(value) if isinstance(value, dict | list) else value
        for f in row._meta.concrete_fields
        if not f.primary_key
        for value in (f.value_from_object(row),)
    }


def _state_label(row, field, state):
    # The choice label stays lazy, so the error reads in the language it is shown in.
    return dict(field.flatchoices).get(state, state) if field.choices else state
