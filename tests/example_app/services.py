"""Every state change of an example ticket, each through the workflow runner."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tests.example_app.models import Ticket
from tests.example_app.permissions import can_decide_ticket, can_submit_ticket
from workflows import runner
from workflows.errors import DomainError
from workflows.outbox import Notice


def ticket_submit(*, actor, ticket, seen_state=None, note="", now=None):
    """Submit a draft before its deadline; the owner only. Tells the reviewer.

    Starts in draft; refused after the deadline. A repeat is a no-op.
    """
    now = now or timezone.now()

    def before_deadline(row):
        if row.deadline <= now:
            raise DomainError(
                "deadline_passed", _("The deadline for this ticket has passed."), field="deadline"
            )

    return runner.apply(
        ticket,
        "submit",
        actor=actor,
        seen_state=seen_state,
        note=note,
        permission=can_submit_ticket,
        check=before_deadline,
        notify=_tell_reviewer,
        now=now,
    )


def ticket_approve(*, actor, ticket, seen_state=None, note="", now=None):
    """Approve a submitted ticket; the reviewer only. Tells the owner. A repeat is a no-op."""
    return runner.apply(
        ticket,
        "approve",
        actor=actor,
        seen_state=seen_state,
        note=note,
        permission=can_decide_ticket,
        notify=_tell_owner("example_app.ticket_decided"),
        now=now or timezone.now(),
    )


def ticket_reject(*, actor, ticket, reason, seen_state=None, now=None):
    """Reject a submitted ticket with a reason; the reviewer only. Tells the owner.

    A repeat is a no-op.
    """
    return runner.apply(
        ticket,
        "reject",
        actor=actor,
        seen_state=seen_state,
        note=reason,
        permission=can_decide_ticket,
        notify=_tell_owner("example_app.ticket_decided"),
        data={"reason": reason},
        now=now or timezone.now(),
        reason=reason,
    )


def ticket_expire(*, actor, ticket, now):
    """Expire a draft whose deadline has passed (the deadline sweep). Tells the owner.

    A ticket that is no longer a draft, or whose deadline is still ahead, is left alone, so the
    sweep may run this twice.
    """
    if ticket.state != Ticket.State.DRAFT:
        return ticket
    return runner.apply(
        ticket,
        "expire",
        actor=actor,
        check=_deadline_passed(now),
        notify=_tell_owner("example_app.ticket_expired"),
    )


def _deadline_passed(now):
    def check(row):
        if row.deadline > now:
            raise DomainError("deadline_ahead", _("The deadline for this ticket has not passed."))

    return check


def _tell_reviewer(ticket, entry):
    return [
        Notice(
            event="example_app.ticket_submitted",
            recipients=(ticket.reviewer,),
            context={"title": ticket.title},
            url=f"/tickets/{ticket.pk}/",
        )
    ]


def _tell_owner(event):
    def notices(ticket, entry):
        return [
            Notice(
                event=event,
                recipients=(ticket.owner,),
                context={"title": ticket.title, "state": entry.target_state},
                url=f"/tickets/{ticket.pk}/",
            )
        ]

    return notices
