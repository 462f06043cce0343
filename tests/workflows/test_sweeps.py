"""Deadline sweeps: due rows handled once through the services, later runs change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.example_app.models import Ticket
from tests.factories.example_app import TicketFactory
from workflows import sweeps, tasks
from workflows.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db

SWEEP = "example_app.expire_tickets"


def states():
    return dict(Ticket.objects.values_list("title", "state"))


def test_the_example_app_registers_its_sweep_when_it_starts():
    assert SWEEP in sweeps.registered()


def test_a_sweep_expires_overdue_drafts_and_leaves_every_other_ticket_alone():
    TicketFactory(title="overdue", overdue=True)
    TicketFactory(title="ahead")
    TicketFactory(title="submitted late", submitted=True, overdue=True)

    handled = sweeps.run_all()

    assert handled[SWEEP] == 1
    assert states() == {"overdue": "expired", "ahead": "draft", "submitted late": "submitted"}
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("expire", None)
    assert OutboxMessage.objects.count() == 2


def test_running_the_same_sweep_twice_changes_nothing_more():
    TicketFactory.create_batch(3, overdue=True)
    sweeps.run_all()
    audit_rows, messages = AuditEntry.objects.count(), OutboxMessage.objects.count()

    handled = sweeps.run_all()

    assert handled[SWEEP] == 0
    assert (AuditEntry.objects.count(), OutboxMessage.objects.count()) == (audit_rows, messages)
    assert set(states().values()) == {"expired"}


def test_a_sweep_uses_the_time_it_is_given():
    TicketFactory(title="tomorrow", deadline=timezone.now() + timedelta(days=1))

    assert sweeps.run_all(now=timezone.now())[SWEEP] == 0
    assert sweeps.run_all(now=timezone.now() + timedelta(days=2))[SWEEP] == 1
    assert states() == {"tomorrow": "expired"}


def test_a_sweep_handles_at_most_its_batch_size_per_run():
    TicketFactory.create_batch(3, overdue=True)
    sweep = sweeps.registered()[SWEEP]
    small = sweeps.Sweep(name=sweep.name, due=sweep.due, apply=sweep.apply, batch_size=2)

    assert sweeps.run(small, timezone.now()) == 2
    assert sweeps.run(small, timezone.now()) == 1
    assert sweeps.run(small, timezone.now()) == 0


def test_a_failing_row_or_sweep_does_not_stop_the_others(caplog):
    TicketFactory(title="overdue", overdue=True)

    def broken_due(now):
        raise RuntimeError("misconfigured sweep")

    def broken_apply(row, now):
        raise RuntimeError("cannot handle this row")

    sweeps.register("a_broken_due", due=broken_due, apply=broken_apply)
    sweeps.register(
        "a_broken_apply",
        due=lambda now: Ticket.objects.filter(deadline__lte=now),
        apply=broken_apply,
    )
    try:
        handled = sweeps.run_all()
    finally:
        sweeps._registry.pop("a_broken_due")
        sweeps._registry.pop("a_broken_apply")

    assert handled["a_broken_due"] == handled["a_broken_apply"] == 0
    assert handled[SWEEP] == 1
    assert states() == {"overdue": "expired"}
    assert "misconfigured sweep" in caplog.text and "cannot handle this row" in caplog.text


def test_the_sweep_task_runs_every_sweep():
    TicketFactory(overdue=True)

    assert tasks.run_sweeps()[SWEEP] == 1
