"""A signed agreement's life: activation, suspension, resumption, termination."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from grants.models import AgreementState, ReportState, TrancheState
from grants.services import (
    agreement_activate,
    agreement_resume,
    agreement_suspend,
    agreement_terminate,
)
from providers.models import MemberRole
from tests.factories.grants import GrantAgreementFactory, grantee_admin, grantee_member
from tests.factories.portal import UserFactory
from workflows import sweeps
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

# service, starting state, target state, text arguments, event
STEPS = [
    (agreement_activate, "signed", "active", {}, "grants.agreement_activated"),
    (
        agreement_suspend,
        "active",
        "suspended",
        {"reason": "Inspection."},
        "grants.agreement_suspended",
    ),
    (agreement_resume, "suspended", "active", {}, "grants.agreement_resumed"),
    (
        agreement_terminate,
        "active",
        "terminated",
        {"reason": "The service stopped."},
        "grants.agreement_terminated",
    ),
]
ids = [step[0].__name__ for step in STEPS]


def make(state, **fields):
    return GrantAgreementFactory(**{state: True}, **fields)


@pytest.mark.parametrize("service, source, target, text, event", STEPS, ids=ids)
def test_an_officer_moves_the_agreement_on(officer, service, source, target, text, event):
    agreement = make(source)

    row = service(actor=officer, agreement=agreement, **text)

    row.refresh_from_db()
    assert row.state == target


@pytest.mark.parametrize("service, source, target, text, event", STEPS, ids=ids)
def test_a_step_from_a_wrong_state_is_refused_and_changes_nothing(
    officer, service, source, target, text, event
):
    agreement = make("draft")

    with pytest.raises(DomainError) as error:
        service(actor=officer, agreement=agreement, **text)

    assert error.value.code == "not_allowed"
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    assert not history(agreement).exists()


@pytest.mark.parametrize("service, source, target, text, event", STEPS, ids=ids)
@pytest.mark.parametrize("who", ["grantee_admin", "approver", "officer_in_the_grantee"])
def test_a_step_by_someone_who_may_not_is_refused(service, source, target, text, event, who):
    agreement = make(source)
    actor = {
        "grantee_admin": lambda: grantee_admin(agreement),
        "approver": lambda: UserFactory(approver=True),
        "officer_in_the_grantee": lambda: grantee_member(
            agreement, MemberRole.VIEWER, roles=["grant_officer"]
        ),
    }[who]()

    with pytest.raises(DomainError) as error:
        service(actor=actor, agreement=agreement, **text)

    assert error.value.code == "forbidden"
    agreement.refresh_from_db()
    assert agreement.state == source


@pytest.mark.parametrize("service, source, target, text, event", STEPS, ids=ids)
def test_repeating_a_step_does_nothing_more(officer, service, source, target, text, event):
    agreement = make(source)

    service(actor=officer, agreement=agreement, **text)
    again = service(actor=officer, agreement=agreement, **text)

    assert again.state == target
    assert history(agreement).filter(target_state=target).count() == 1
    assert OutboxMessage.objects.filter(event=event).count() == 4  # admin + officer, 2 channels


@pytest.mark.parametrize("service, source, target, text, event", STEPS, ids=ids)
def test_a_step_is_audited_with_the_officer_and_the_reason(
    officer, service, source, target, text, event
):
    agreement = make(source)

    service(actor=officer, agreement=agreement, **text)

    entry = history(agreement).get(target_state=target)
    assert (entry.actor, entry.source_state) == (officer, source)
    assert entry.note == next(iter(text.values()), "")


@pytest.mark.parametrize("service, source, target, text, event", STEPS, ids=ids)
def test_a_step_tells_both_sides_after_commit(
    officer, service, source, target, text, event, django_capture_on_commit_callbacks
):
    agreement = make(source)
    editor = grantee_member(agreement)

    with django_capture_on_commit_callbacks() as callbacks:
        service(actor=officer, agreement=agreement, **text)
        rows = OutboxMessage.objects.filter(event=event)
        assert set(rows.values_list("recipient", flat=True)) == {
            officer.pk,
            grantee_admin(agreement).pk,
        }
        assert not rows.filter(published_at__isnull=False).exists()
    assert editor.pk not in rows.values_list("recipient", flat=True)
    for callback in callbacks:
        callback()
    assert not rows.filter(published_at__isnull=True).exists()


@pytest.mark.parametrize("service, source, target, text, event", STEPS, ids=ids)
def test_a_step_on_a_stale_page_is_a_conflict(officer, service, source, target, text, event):
    agreement = make(source)

    with pytest.raises(ConflictError):
        service(actor=officer, agreement=agreement, seen_state="completed", **text)


@pytest.mark.parametrize(
    "service, source", [(agreement_suspend, "active"), (agreement_terminate, "signed")]
)
def test_suspension_and_termination_need_a_reason(officer, service, source):
    agreement = make(source)

    with pytest.raises(DomainError) as error:
        service(actor=officer, agreement=agreement, reason="  ")

    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    agreement.refresh_from_db()
    assert agreement.state == source


def test_resuming_clears_the_suspension_reason(officer):
    agreement = make("suspended")

    row = agreement_resume(actor=officer, agreement=agreement)

    assert row.state_reason == ""


# Activation on the start date


def test_an_officer_cannot_activate_before_the_start_date(officer):
    agreement = make("signed", start_date=timezone.localdate() + datetime.timedelta(days=3))

    with pytest.raises(DomainError) as error:
        agreement_activate(actor=officer, agreement=agreement)

    assert error.value.code == "not_started"


def test_the_sweep_activates_signed_agreements_on_their_start_date_once():
    start = datetime.date(2027, 2, 1)
    due = make("signed", start_date=start)
    later = make("signed", start_date=start + datetime.timedelta(days=1))
    draft = make("draft", start_date=start)

    with time_machine.travel(datetime.datetime(2027, 2, 1, 0, 30, tzinfo=datetime.UTC), tick=False):
        # 05:30 in Ashgabat: the start date has come there.
        first = sweeps.run_all()
        second = sweeps.run_all()

    assert first["grants.activate_agreements"] == 1
    assert second["grants.activate_agreements"] == 0
    states = {a.pk: a.state for a in [due, later, draft] if not a.refresh_from_db()}
    assert states == {due.pk: "active", later.pk: "signed", draft.pk: "draft"}
    entry = history(due).get(action="activate")
    assert entry.actor is None
    assert OutboxMessage.objects.filter(event="grants.agreement_activated").count() == 4


def test_the_start_date_is_read_in_ashgabat_time():
    agreement = make("signed", start_date=datetime.date(2027, 2, 1))

    # 18:59 UTC on 31 January is 23:59 in Ashgabat: not yet.
    with time_machine.travel(
        datetime.datetime(2027, 1, 31, 18, 59, tzinfo=datetime.UTC), tick=False
    ):
        sweeps.run_all()

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED


# Termination


def test_termination_cancels_what_was_not_earned_and_keeps_what_was(officer):
    agreement = make("active")
    first_report = agreement.reports.get(number=1)
    eligible = agreement.tranches.get(position=1)

    agreement_terminate(actor=officer, agreement=agreement, reason="The service stopped.")

    assert set(agreement.reports.values_list("state", flat=True)) == {ReportState.CANCELLED}
    assert history(first_report).get(action="cancel").actor == officer
    eligible.refresh_from_db()
    assert eligible.state == TrancheState.ELIGIBLE
    assert set(agreement.tranches.exclude(pk=eligible.pk).values_list("state", flat=True)) == {
        TrancheState.CANCELLED
    }


def test_a_rolled_back_termination_cancels_nothing(officer):
    agreement = make("active")

    with pytest.raises(RuntimeError), transaction.atomic():
        agreement_terminate(actor=officer, agreement=agreement, reason="The service stopped.")
        raise RuntimeError("the surrounding work failed")

    assert ReportState.CANCELLED not in agreement.reports.values_list("state", flat=True)
    assert not OutboxMessage.objects.exists()
