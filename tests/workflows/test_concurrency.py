"""Real races on PostgreSQL: two connections, two threads, released together by a barrier."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from tests.example_app.models import Ticket
from tests.example_app.services import ticket_approve, ticket_reject
from tests.factories.example_app import TicketFactory
from workflows import audit, runner, sweeps
from workflows.errors import ConflictError
from workflows.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)

SWEEP = "example_app.expire_tickets"


def race(*jobs):
    """Run each job in its own thread and database connection, all released at once; return
    what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            prepared = job.prepare()
            barrier.wait(timeout=10)
            outcomes[index] = job.go(prepared)
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


class Decide:
    """Load the ticket (what the reviewer's page showed), then decide on it."""

    def __init__(self, pk, verb):
        self.pk, self.verb = pk, verb

    def prepare(self):
        ticket = Ticket.objects.select_related("reviewer").get(pk=self.pk)
        assert ticket.state == Ticket.State.SUBMITTED
        return ticket

    def go(self, ticket):
        if self.verb == "approve":
            return ticket_approve(actor=ticket.reviewer, ticket=ticket)
        return ticket_reject(actor=ticket.reviewer, ticket=ticket, reason="Not this year")


@pytest.mark.parametrize("round_", range(8))
def test_approve_and_reject_at_once_one_wins_and_the_other_gets_a_conflict(postgres, round_):
    ticket = TicketFactory(submitted=True)

    outcomes = race(Decide(ticket.pk, "approve"), Decide(ticket.pk, "reject"))

    winners = [o for o in outcomes if isinstance(o, Ticket)]
    losers = [o for o in outcomes if not isinstance(o, Ticket)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert type(losers[0]) is ConflictError, repr(losers[0])
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.state == winners[0].state
    entries = list(audit.history(ticket))
    assert [e.target_state for e in entries] == [stored.state]
    assert OutboxMessage.objects.filter(key__startswith=f"audit:{entries[0].pk}:").count() == 2
    assert OutboxMessage.objects.count() == 2


def test_the_same_decision_twice_at_once_is_applied_once(postgres):
    ticket = TicketFactory(submitted=True)

    outcomes = race(Decide(ticket.pk, "approve"), Decide(ticket.pk, "approve"))

    assert all(isinstance(o, Ticket) and o.state == "approved" for o in outcomes), outcomes
    assert audit.history(ticket).count() == 1
    assert OutboxMessage.objects.count() == 2


class SlowApprove(Decide):
    """Approve, holding the row lock a while before the change is written."""

    def go(self, ticket):
        return runner.apply(
            ticket,
            "approve",
            actor=ticket.reviewer,
            permission=lambda actor, row: time.sleep(0.5) is None,
            now=timezone.now(),
        )


class LateReject(Decide):
    """Reject a moment later, while the approval holds the lock; time the wait."""

    def go(self, ticket):
        time.sleep(0.1)
        started = time.monotonic()
        try:
            return ticket_reject(actor=ticket.reviewer, ticket=ticket, reason="Too late")
        finally:
            self.waited = time.monotonic() - started


def test_a_decision_waiting_on_the_lock_gets_a_conflict_once_the_other_commits(postgres):
    ticket = TicketFactory(submitted=True)
    late = LateReject(ticket.pk, "reject")

    approved, rejected = race(SlowApprove(ticket.pk, "approve"), late)

    assert isinstance(approved, Ticket) and approved.state == "approved", approved
    assert type(rejected) is ConflictError, repr(rejected)
    assert late.waited > 0.2
    assert [e.action for e in audit.history(ticket)] == ["approve"]


class Sweep:
    def __init__(self, now):
        self.now = now

    def prepare(self):
        return None

    def go(self, _):
        return sweeps.run_all(now=self.now)


def test_two_sweeps_at_once_transition_each_due_row_exactly_once(postgres):
    due = TicketFactory.create_batch(120, overdue=True)
    not_due = TicketFactory()
    now = timezone.now()

    outcomes = race(Sweep(now), Sweep(now))

    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o[SWEEP] for o in outcomes) == len(due)
    # Both sweeps took a share of the rows, so they really ran at the same time.
    assert all(o[SWEEP] > 0 for o in outcomes), outcomes
    assert set(Ticket.objects.exclude(pk=not_due.pk).values_list("state", flat=True)) == {"expired"}
    assert Ticket.objects.get(pk=not_due.pk).state == "draft"
    per_ticket = AuditEntry.objects.values_list("object_id", flat=True)
    assert sorted(per_ticket) == sorted(str(t.pk) for t in due)
    assert OutboxMessage.objects.count() == 2 * len(due)

    again = race(Sweep(now), Sweep(now))

    assert [o[SWEEP] for o in again] == [0, 0]
    assert AuditEntry.objects.count() == len(due)
