"""Domain events inside one transaction: a later stage subscribes to an earlier stage's event.

``emit`` calls every subscriber synchronously, in the caller's transaction, so the event and
everything its subscribers write commit or roll back together. The emitting app never imports
its subscribers; they register in their AppConfig.ready().

Every audit entry is also an event, named by ``recorded``: whatever must follow a recorded
decision in the same transaction (the open-data release of a published tender, for one)
subscribes to it, and the service that made the decision emits nothing more. Whatever must
follow every decision about a kind of row (a cached page showing such rows) subscribes to
``recorded(model, ANY)``.
"""

from collections import defaultdict

_subscribers = defaultdict(list)
# The action in ``recorded(model, ANY)``, emitted after each recorded action on a ``model`` row.
ANY = "*"


def subscribe(event, handler):
    """Call ``handler(**payload)`` whenever ``event`` is emitted. Subscribing twice is a no-op."""
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def emit(event, **payload):
    """Run the subscribers of ``event`` in order; an exception rolls the caller back."""
    for handler in list(_subscribers[event]):
        handler(**payload)


def recorded(model, action):
    """The event emitted when an audit entry records ``action`` on a row of ``model`` (a model
    class or instance), e.g. ``tenders.tender:publish``; its payload is ``subject`` (the row)
    and ``entry`` (the AuditEntry)."""
    return f"{model._meta.label_lower}:{action}"
