"""The transition runner, exercised through the example ticket workflow's services."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from tests.example_app.models import Ticket
from tests.example_app.services import (
    ticket_approve,
    ticket_expire,
    ticket_reject,
    ticket_submit,
)
from tests.factories.example_app import TicketFactory
from tests.factories.portal import UserFactory
from workflows import audit, runner
from workflows.errors import ConflictError, DomainError
from workflows.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db


def stored(ticket):
    return Ticket.objects.get(pk=ticket.pk)


def test_submit_moves_the_draft_and_returns_the_saved_row():
    ticket = TicketFactory()

    row = ticket_submit(actor=ticket.owner, ticket=ticket)

    assert row.state == Ticket.State.SUBMITTED
    assert stored(ticket).state == Ticket.State.SUBMITTED
    assert stored(ticket).submitted_at is not None


def test_every_transition_writes_one_audit_row_with_actor_states_note_and_time():
    ticket = TicketFactory()
    before = timezone.now()

    ticket = ticket_submit(actor=ticket.owner, ticket=ticket, note="Ready for review")
    ticket = ticket_reject(actor=ticket.reviewer, ticket=ticket, reason="Budget is missing")

    submitted, rejected = audit.history(ticket)
    assert (submitted.action, submitted.actor, submitted.source_state, submitted.target_state) == (
        "submit",
        ticket.owner,
        "draft",
        "submitted",
    )
    assert submitted.note == "Ready for review"
    assert (rejected.action, rejected.actor, rejected.source_state, rejected.target_state) == (
        "reject",
        ticket.reviewer,
        "submitted",
        "rejected",
    )
    assert rejected.note == "Budget is missing"
    assert rejected.data == {"reason": "Budget is missing"}
    assert before <= submitted.created_at <= rejected.created_at <= timezone.now()
    assert submitted.object_repr == ticket.title


def test_transition_arguments_reach_the_transition_method():
    ticket = TicketFactory(submitted=True)

    ticket_reject(actor=ticket.reviewer, ticket=ticket, reason="Out of scope")

    assert stored(ticket).reason == "Out of scope"


def assert_nothing_changed(ticket, state):
    assert stored(ticket).state == state
    assert not audit.history(ticket).exists()
    assert not OutboxMessage.objects.exists()


def test_approving_a_draft_is_refused_and_changes_nothing():
    ticket = TicketFactory()

    with pytest.raises(DomainError) as refused:
        ticket_approve(actor=ticket.reviewer, ticket=ticket)

    assert refused.value.code == "not_allowed"
    assert "draft" in str(refused.value.message)
    assert_nothing_changed(ticket, Ticket.State.DRAFT)


def test_approving_by_someone_who_is_not_the_reviewer_is_refused_and_changes_nothing():
    ticket = TicketFactory(submitted=True)

    with pytest.raises(DomainError) as refused:
        ticket_approve(actor=UserFactory(), ticket=ticket)

    assert refused.value.code == "forbidden"
    assert_nothing_changed(ticket, Ticket.State.SUBMITTED)


def test_submitting_after_the_deadline_is_refused_and_changes_nothing():
    ticket = TicketFactory(overdue=True)

    with pytest.raises(DomainError) as refused:
        ticket_submit(actor=ticket.owner, ticket=ticket)

    assert (refused.value.code, refused.value.field) == ("deadline_passed", "deadline")
    assert_nothing_changed(ticket, Ticket.State.DRAFT)
    assert stored(ticket).submitted_at is None


def test_a_check_that_fails_after_the_transition_ran_rolls_the_row_back():
    ticket = TicketFactory()

    def explode(row, entry):
        raise DomainError("no_recipient", "Nobody to tell")

    with pytest.raises(DomainError):
        runner.apply(ticket, "submit", actor=ticket.owner, notify=explode, now=timezone.now())

    assert_nothing_changed(ticket, Ticket.State.DRAFT)


def test_a_double_click_is_a_no_op_without_a_second_audit_row_or_message():
    ticket = TicketFactory()
    page_state = ticket.state

    first = ticket_submit(actor=ticket.owner, ticket=ticket, seen_state=page_state)
    messages = OutboxMessage.objects.count()
    second = ticket_submit(actor=ticket.owner, ticket=ticket, seen_state=page_state)

    assert first.state == second.state == Ticket.State.SUBMITTED
    assert second.submitted_at == first.submitted_at
    assert audit.history(ticket).count() == 1
    assert OutboxMessage.objects.count() == messages


def test_repeating_on_a_freshly_loaded_row_is_also_a_no_op():
    ticket = TicketFactory()
    ticket_submit(actor=ticket.owner, ticket=ticket)

    again = ticket_submit(actor=ticket.owner, ticket=stored(ticket))

    assert again.state == Ticket.State.SUBMITTED
    assert audit.history(ticket).count() == 1


def test_a_stale_seen_state_raises_a_conflict_and_changes_nothing():
    ticket = TicketFactory(submitted=True)
    seen_on_the_page = Ticket.State.DRAFT

    with pytest.raises(ConflictError) as conflict:
        ticket_approve(actor=ticket.reviewer, ticket=ticket, seen_state=seen_on_the_page)

    assert conflict.value.code == "conflict"
    assert_nothing_changed(ticket, Ticket.State.SUBMITTED)


def test_deciding_on_an_object_loaded_before_someone_else_decided_is_a_conflict():
    ticket = TicketFactory(submitted=True)
    loaded_by_second_reviewer_tab = stored(ticket)
    ticket_approve(actor=ticket.reviewer, ticket=ticket)

    with pytest.raises(ConflictError):
        ticket_reject(actor=ticket.reviewer, ticket=loaded_by_second_reviewer_tab, reason="No")

    assert stored(ticket).state == Ticket.State.APPROVED
    assert list(audit.history(ticket).values_list("action", flat=True)) == ["approve"]


def test_the_outbox_rows_are_written_with_the_transition_and_published_on_commit(
    django_capture_on_commit_callbacks,
):
    ticket = TicketFactory(submitted=True)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket_approve(actor=ticket.reviewer, ticket=ticket)
        rows = list(OutboxMessage.objects.all())

    entry = AuditEntry.objects.get()
    assert {(row.recipient, row.channel) for row in rows} == {
        (ticket.owner, "email"),
        (ticket.owner, "in_app"),
    }
    assert all(row.key.startswith(f"audit:{entry.pk}:example_app.ticket_decided:") for row in rows)
    assert all(row.context == {"title": ticket.title, "state": "approved"} for row in rows)
    assert all(row.published_at is None for row in rows)
    assert len(callbacks) == 1

    callbacks[0]()

    assert OutboxMessage.objects.filter(published_at__isnull=False).count() == 2


def test_a_rolled_back_transition_leaves_no_audit_row_and_no_outbox_row(
    django_capture_on_commit_callbacks,
):
    ticket = TicketFactory(submitted=True)

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        with transaction.atomic():
            ticket_approve(actor=ticket.reviewer, ticket=ticket)
            raise RuntimeError("a later write of the same request failed")

    assert callbacks == []
    assert_nothing_changed(ticket, Ticket.State.SUBMITTED)


def test_a_sweep_transition_has_no_actor_in_the_audit_row():
    ticket = TicketFactory(overdue=True)

    ticket_expire(actor=None, ticket=ticket, now=timezone.now())

    entry = audit.history(ticket).get()
    assert (entry.actor, entry.action, entry.target_state) == (None, "expire", "expired")


def test_expiring_before_the_deadline_is_refused():
    ticket = TicketFactory(deadline=timezone.now() + timedelta(minutes=5))

    with pytest.raises(DomainError) as refused:
        ticket_expire(actor=None, ticket=ticket, now=timezone.now())

    assert refused.value.code == "deadline_ahead"
    assert_nothing_changed(ticket, Ticket.State.DRAFT)
