"""Deadline sweeps: time-based transitions applied in bounded batches by a periodic task.

Domain apps register a sweep with a ``due(now)`` queryset and an ``apply(row, now)`` function
that goes through their normal services. A sweep locks each row it handles and skips rows
another sweep holds, and ``apply`` must be harmless to repeat, so two sweeps at once, or the
same sweep twice, change nothing more than one run.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    name: str
    due: object
    apply: object
    batch_size: int = 200


_registry = {}


def register(name, *, due, apply, batch_size=200):
    _registry[name] = Sweep(name=name, due=due, apply=apply, batch_size=batch_size)


def registered():
    return dict(_registry)


def run_all(now=None):
    """Run every registered sweep once; return how many rows each one handled."""
    now = now or timezone.now()
    return {name: run(sweep, now) for name, sweep in sorted(_registry.items())}


def run(sweep, now):
    handled = 0
    ids = list(sweep.due(now).values_list("pk", flat=True)[: sweep.batch_size])
    for pk in ids:
        try:
            with transaction.atomic():
                row = sweep.due(now).select_for_update(skip_locked=True).filter(pk=pk).first()
                if row is None:
                    continue
                sweep.apply(row, now)
                handled += 1
        except Exception:
            log.exception("Sweep %s failed on row %s", sweep.name, pk)
    return handled
