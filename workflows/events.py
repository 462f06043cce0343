"""Domain events inside one transaction: a later stage subscribes to an earlier stage's event.

``emit`` calls every subscriber synchronously, in the caller's transaction, so the event and
everything its subscribers write commit or roll back together. The emitting app never imports
its subscribers; they register in their AppConfig.ready().
"""

from collections import defaultdict

_subscribers = defaultdict(list)


def subscribe(event, handler):
    """Call ``handler(**payload)`` whenever ``event`` is emitted. Subscribing twice is a no-op."""
    if handler not in _subscribers[event]:
        _subscribers[event].append(handler)


def emit(event, **payload):
    """Run the subscribers of ``event`` in order; an exception rolls the caller back."""
    for handler in list(_subscribers[event]):
        handler(**payload)
