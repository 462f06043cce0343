"""Tranches: approved once eligible, paid once approved, never ahead of their condition."""

import datetime

import pytest
from django.utils import timezone

from grants.models import TrancheState
from grants.services import tranche_approve, tranche_record_payment
from providers.models import MemberRole
from tests.factories.grants import (
    GrantAgreementFactory,
    TrancheFactory,
    grantee_admin,
    grantee_member,
)
from tests.factories.grants import officer as another_officer
from tests.factories.portal import UserFactory
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def payment():
    return {"paid_on": TODAY(), "reference": "PP-2026-0042"}


# service, starting state, target state, arguments, event
STEPS = [
    (tranche_approve, "eligible", "approved", {}, "grants.tranche_approved"),
    (tranche_record_payment, "approved", "paid", None, "grants.tranche_paid"),
]
ids = ["approve", "record_payment"]


def arguments(service):
    return payment() if service is tranche_record_payment else {}


@pytest.mark.parametrize("service, source, target, _args, event", STEPS, ids=ids)
def test_an_officer_moves_the_tranche_on(officer, service, source, target, _args, event):
    tranche = TrancheFactory(**{source: True})

    row = service(actor=officer, tranche=tranche, **arguments(service))

    row.refresh_from_db()
    assert row.state == target


def test_approval_and_payment_are_recorded_on_the_tranche(officer):
    tranche = TrancheFactory(eligible=True)

    cashier = another_officer()

    approved = tranche_approve(actor=officer, tranche=tranche)
    paid = tranche_record_payment(actor=cashier, tranche=approved, **payment())

    assert (paid.approved_by, paid.payment_recorded_by) == (officer, cashier)
    assert (paid.paid_on, paid.payment_reference) == (TODAY(), "PP-2026-0042")
    assert history(tranche).get(action="record_payment").data["reference"] == "PP-2026-0042"


@pytest.mark.parametrize(
    "service, state",
    [
        (tranche_approve, "scheduled"),
        (tranche_approve, "cancelled"),
        (tranche_record_payment, "scheduled"),
        (tranche_record_payment, "eligible"),
        (tranche_record_payment, "cancelled"),
    ],
)
def test_nothing_is_approved_or_paid_ahead_of_its_condition(officer, service, state):
    tranche = TrancheFactory(**{state: True})

    with pytest.raises(DomainError) as error:
        service(actor=officer, tranche=tranche, **arguments(service))

    assert error.value.code == "not_allowed"
    tranche.refresh_from_db()
    assert tranche.state == state
    assert tranche.paid_on is None


@pytest.mark.parametrize("service, source, target, _args, event", STEPS, ids=ids)
@pytest.mark.parametrize("who", ["grantee_admin", "approver", "officer_in_the_grantee"])
def test_a_step_by_someone_who_may_not_is_refused(service, source, target, _args, event, who):
    tranche = TrancheFactory(**{source: True})
    actor = {
        "grantee_admin": lambda: grantee_admin(tranche.agreement),
        "approver": lambda: UserFactory(approver=True),
        "officer_in_the_grantee": lambda: grantee_member(
            tranche.agreement, MemberRole.VIEWER, roles=["grant_officer"]
        ),
    }[who]()

    with pytest.raises(DomainError) as error:
        service(actor=actor, tranche=tranche, **arguments(service))

    assert error.value.code == "forbidden"


@pytest.mark.parametrize("service, source, target, _args, event", STEPS, ids=ids)
def test_repeating_a_step_does_nothing_more(officer, service, source, target, _args, event):
    tranche = TrancheFactory(**{source: True})

    service(actor=officer, tranche=tranche, **arguments(service))
    again = service(actor=officer, tranche=tranche, **arguments(service))

    assert again.state == target
    assert history(tranche).filter(target_state=target).count() == 1
    assert OutboxMessage.objects.filter(event=event).count() == 4


@pytest.mark.parametrize("service, source, target, _args, event", STEPS, ids=ids)
def test_a_step_is_audited_and_tells_both_sides_after_commit(
    officer, service, source, target, _args, event, django_capture_on_commit_callbacks
):
    tranche = TrancheFactory(**{source: True})

    with django_capture_on_commit_callbacks() as callbacks:
        service(actor=officer, tranche=tranche, **arguments(service))
        rows = OutboxMessage.objects.filter(event=event)
        assert set(rows.values_list("recipient", flat=True)) == {
            officer.pk,
            grantee_admin(tranche.agreement).pk,
        }
        assert not rows.filter(published_at__isnull=False).exists()
    for callback in callbacks:
        callback()
    assert not rows.filter(published_at__isnull=True).exists()
    entry = history(tranche).get(target_state=target)
    assert (entry.actor, entry.source_state) == (officer, source)


@pytest.mark.parametrize("service, source, target, _args, event", STEPS, ids=ids)
def test_a_step_on_a_stale_page_is_a_conflict(officer, service, source, target, _args, event):
    tranche = TrancheFactory(**{source: True})

    with pytest.raises(ConflictError):
        service(actor=officer, tranche=tranche, seen_state="scheduled", **arguments(service))


@pytest.mark.parametrize(
    "service, source", [(tranche_approve, "eligible"), (tranche_record_payment, "approved")]
)
def test_payments_are_on_hold_while_the_agreement_is_suspended(officer, service, source):
    agreement = GrantAgreementFactory(suspended=True, plan=False, reports=False)
    tranche = TrancheFactory(agreement=agreement, **{source: True})

    with pytest.raises(DomainError) as error:
        service(actor=officer, tranche=tranche, **arguments(service))

    assert error.value.code == "on_hold"


def test_a_tranche_earned_before_termination_is_still_paid(officer):
    agreement = GrantAgreementFactory(terminated=True, plan=False, reports=False)
    tranche = TrancheFactory(agreement=agreement, eligible=True)

    approved = tranche_approve(actor=officer, tranche=tranche)
    paid = tranche_record_payment(actor=another_officer(), tranche=approved, **payment())

    assert paid.state == TrancheState.PAID


@pytest.mark.parametrize(
    "change, code",
    [
        ({"paid_on": None}, "paid_on_required"),
        ({"paid_on": TODAY() + datetime.timedelta(days=1)}, "paid_on_future"),
        ({"paid_on": TODAY() - datetime.timedelta(days=30)}, "paid_on_early"),
        ({"reference": "  "}, "reference_required"),
        ({"reference": "x" * 101}, "reference_too_long"),
    ],
)
def test_a_payment_needs_a_possible_date_and_a_reference(officer, change, code):
    tranche = TrancheFactory(approved=True)

    with pytest.raises(DomainError) as error:
        tranche_record_payment(actor=officer, tranche=tranche, **{**payment(), **change})

    assert error.value.code == code
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.APPROVED
