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

from workflows.models import SweepRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sweep:
    name: str
    due: object
    apply: object
    batch_size: int = 200


_registry = {}


def register(name, *, due, apply, batch_size=200):
    """Add (or replace) the sweep ``name``: ``due(now)`` returns a queryset of rows to handle,
    ``apply(row, now)`` handles one locked row through the app's services."""
    _registry[name] = Sweep(name=name, due=due, apply=apply, batch_size=batch_size)


def record_run(name, handled=0, now=None):
    """Note that the sweep or relay ``name`` just ran to the end (see ``workflows.monitoring``).
    Safe to repeat: the latest run wins."""
    SweepRun.objects.update_or_create(
        name=name, defaults={"last_success_at": now or timezone.now(), "handled": handled}
    )


def registered():
    return dict(_registry)


def run_all(now=None):
    """Run every registered sweep once; return how many rows each one handled.

    One broken sweep is logged and does not keep the others from running; each sweep that ran
    to the end records its run (see ``workflows.monitoring``).
    """
    now = now or timezone.now()
    handled = {}
    for name, sweep in sorted(_registry.items()):
        try:
            handled[name] = run(sweep, now)
        except Exception:
            log.exception("Sweep %s failed", name)
            handled[name] = 0
        else:
            record_run(name, handled[name])
    return handled


def run(sweep, now):
    """Apply ``sweep`` to at most ``batch_size`` due rows, one transaction per row.

    Each row is locked and checked to be still due inside its transaction; a row another sweep
    holds is skipped, and a row that stopped being due (handled meanwhile) is left alone.
    """
    handled = 0
    ids = list(sweep.due(now).values_list("pk", flat=True)[: sweep.batch_size])
    for pk in ids:
        try:
            with transaction.atomic():
                row = (
                    sweep.due(now)
                    .select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=pk)
                    .first()
                )
                if row is None:
                    continue
                sweep.apply(row, now)
                handled += 1
        except Exception:
            log.exception("Sweep %s failed on row %s", sweep.name, pk)
    return handled
