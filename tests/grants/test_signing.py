"""Signing: both sides confirm the signed file; the second confirmation signs the agreement,
generates the reporting schedule and releases the tranche due on signing."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from grants.checks import signing_problems
from grants.models import AgreementState, ReportKind, ReportState, TrancheState
from grants.services import agreement_confirm_signature
from providers.models import MemberRole
from tests.factories.grants import (
    GrantAgreementFactory,
    add_agreement_file,
    grantee_admin,
    grantee_member,
)
from tests.factories.portal import UserFactory
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

D = datetime.date


def ready(**fields):
    return GrantAgreementFactory(ready=True, **fields)


def confirm_both(agreement, officer):
    agreement_confirm_signature(actor=officer, agreement=agreement)
    return agreement_confirm_signature(actor=grantee_admin(agreement), agreement=agreement)


# What signing needs


def test_a_complete_draft_with_its_file_has_nothing_left_to_fix():
    assert signing_problems(ready()) == []


def test_every_missing_piece_is_named():
    agreement = GrantAgreementFactory(plan=False)

    codes = [problem.code for problem in signing_problems(agreement)]

    assert codes == ["budget_missing", "targets_missing", "tranches_missing", "document_missing"]


def test_a_budget_not_adding_up_to_the_amount_says_both_totals():
    agreement = ready()
    agreement.budget_lines.update(amount=Decimal("119000.00"))

    (problem,) = signing_problems(agreement)

    assert problem.code == "budget_total"
    assert "119,000.00" in problem.message and "120,000.00" in problem.message


def test_tranche_shares_must_add_up_to_a_hundred_percent():
    agreement = ready()
    agreement.tranches.filter(position=3).update(percentage=Decimal("15"))

    (problem,) = signing_problems(agreement)

    assert problem.code == "tranche_total"
    assert "95" in problem.message


def test_a_tranche_tied_to_a_report_the_grant_does_not_have_is_named():
    agreement = ready()
    agreement.tranches.filter(position=2).update(period_number=9)

    (problem,) = signing_problems(agreement)

    assert problem.code == "tranche_report"
    assert "9" in problem.message


def test_every_target_needs_a_number_above_zero():
    agreement = ready()
    agreement.targets.update(number=0)

    (problem,) = signing_problems(agreement)

    assert problem.code == "target_number"


# Confirming


def test_the_first_confirmation_is_recorded_and_tells_both_sides(
    officer, django_capture_on_commit_callbacks
):
    agreement = ready()

    with django_capture_on_commit_callbacks() as callbacks:
        row = agreement_confirm_signature(actor=officer, agreement=agreement)
        rows = OutboxMessage.objects.filter(event="grants.signature_confirmed")
        assert set(rows.values_list("recipient", flat=True)) == {
            officer.pk,
            grantee_admin(agreement).pk,
        }
        assert not rows.filter(published_at__isnull=False).exists()
    for callback in callbacks:
        callback()
    assert not rows.filter(published_at__isnull=True).exists()
    assert row.state == AgreementState.DRAFT
    assert (row.officer_confirmed_by, row.grantee_confirmed_by) == (officer, None)
    entry = history(agreement).get(action="confirm_signature")
    assert entry.actor == officer and entry.data["side"] == "ministry"
    assert entry.data["sha256"] == agreement.documents.get().sha256


def test_the_second_confirmation_signs_the_agreement(officer, django_capture_on_commit_callbacks):
    agreement = ready()
    agreement_confirm_signature(actor=grantee_admin(agreement), agreement=agreement)

    with django_capture_on_commit_callbacks() as callbacks:
        row = agreement_confirm_signature(actor=officer, agreement=agreement)
        signed = OutboxMessage.objects.filter(event="grants.agreement_signed")
        assert signed.count() == 4  # two people, email and in-app
        assert not signed.filter(published_at__isnull=False).exists()
    assert callbacks
    assert row.state == AgreementState.SIGNED and row.signed_at is not None
    assert row.confirmations == 2
    entry = history(agreement).get(action="sign")
    assert (entry.source_state, entry.target_state, entry.actor) == ("draft", "signed", officer)
    assert history(agreement).filter(action="confirm_signature").count() == 2


def test_signing_generates_the_quarterly_schedule_and_the_final_report(officer):
    agreement = ready(start_date=D(2027, 1, 1), end_date=D(2027, 12, 31))

    confirm_both(agreement, officer)

    reports = list(agreement.reports.all())
    assert [(r.kind, r.period_start, r.period_end, r.due_date) for r in reports] == [
        (ReportKind.PERIOD, D(2027, 1, 1), D(2027, 3, 31), D(2027, 4, 15)),
        (ReportKind.PERIOD, D(2027, 4, 1), D(2027, 6, 30), D(2027, 7, 15)),
        (ReportKind.PERIOD, D(2027, 7, 1), D(2027, 9, 30), D(2027, 10, 15)),
        (ReportKind.PERIOD, D(2027, 10, 1), D(2027, 12, 31), D(2028, 1, 15)),
        (ReportKind.FINAL, D(2027, 1, 1), D(2027, 12, 31), D(2028, 1, 15)),
    ]
    assert {r.state for r in reports} == {ReportState.SCHEDULED}


def test_a_monthly_grant_starting_mid_month_reports_from_its_start_date(officer):
    agreement = ready(
        start_date=D(2027, 3, 15),
        end_date=D(2027, 6, 10),
        reporting_frequency="monthly",
        report_due_days=10,
    )
    agreement.tranches.filter(position=2).update(period_number=2)

    confirm_both(agreement, officer)

    periods = [(r.period_start, r.period_end, r.due_date) for r in agreement.reports.all()]
    assert periods == [
        (D(2027, 3, 15), D(2027, 3, 31), D(2027, 4, 10)),
        (D(2027, 4, 1), D(2027, 4, 30), D(2027, 5, 10)),
        (D(2027, 5, 1), D(2027, 5, 31), D(2027, 6, 10)),
        (D(2027, 6, 1), D(2027, 6, 10), D(2027, 6, 20)),
        (D(2027, 3, 15), D(2027, 6, 10), D(2027, 6, 20)),
    ]


def test_signing_ties_the_tranches_to_their_reports_and_releases_the_first(
    officer, django_capture_on_commit_callbacks
):
    agreement = ready(start_date=D(2027, 1, 1), end_date=D(2027, 12, 31))

    with django_capture_on_commit_callbacks():
        confirm_both(agreement, officer)

    first, middle, last = agreement.tranches.all()
    assert (first.state, first.report) == (TrancheState.ELIGIBLE, None)
    assert (middle.state, middle.report.number) == (TrancheState.SCHEDULED, 2)
    assert (last.state, last.report.kind) == (TrancheState.SCHEDULED, ReportKind.FINAL)
    assert OutboxMessage.objects.filter(event="grants.tranche_eligible", recipient=officer).exists()
    assert history(first).get(action="make_eligible").target_state == "eligible"


def test_an_incomplete_agreement_cannot_be_confirmed(officer):
    agreement = GrantAgreementFactory()

    with pytest.raises(DomainError) as error:
        agreement_confirm_signature(actor=officer, agreement=agreement)

    assert error.value.code == "not_ready"
    assert "Upload the signed agreement file." in str(error.value.message)
    agreement.refresh_from_db()
    assert agreement.confirmations == 0


def test_confirming_again_does_nothing_more(officer):
    agreement = ready()
    agreement_confirm_signature(actor=officer, agreement=agreement)

    again = agreement_confirm_signature(actor=officer, agreement=agreement)

    assert again.state == AgreementState.DRAFT
    assert history(agreement).filter(action="confirm_signature").count() == 1
    assert OutboxMessage.objects.filter(event="grants.signature_confirmed").count() == 4


def test_a_confirmation_after_signing_does_nothing(officer):
    agreement = ready()
    confirm_both(agreement, officer)
    reports = agreement.reports.count()

    again = agreement_confirm_signature(actor=grantee_admin(agreement), agreement=agreement)

    assert again.state == AgreementState.SIGNED
    assert agreement.reports.count() == reports
    assert history(agreement).filter(action="sign").count() == 1


def test_a_side_that_has_not_confirmed_cannot_confirm_outside_draft(officer):
    agreement = GrantAgreementFactory(
        active=True, officer_confirmed_by=None, officer_confirmed_at=None
    )

    with pytest.raises(DomainError) as error:
        agreement_confirm_signature(actor=officer, agreement=agreement)

    assert error.value.code == "not_allowed"


@pytest.mark.parametrize("who", ["editor", "viewer", "outsider", "officer_in_the_grantee"])
def test_only_a_grant_officer_or_a_grantee_admin_confirms(who):
    agreement = ready()
    actor = {
        "editor": lambda: grantee_member(agreement, MemberRole.EDITOR),
        "viewer": lambda: grantee_member(agreement, MemberRole.VIEWER),
        "outsider": lambda: UserFactory(approver=True),
        "officer_in_the_grantee": lambda: grantee_member(
            agreement, MemberRole.EDITOR, roles=["grant_officer"]
        ),
    }[who]()

    with pytest.raises(DomainError) as error:
        agreement_confirm_signature(actor=actor, agreement=agreement)

    assert error.value.code == "forbidden"


def test_a_confirmation_on_a_page_loaded_before_a_change_is_a_conflict(officer):
    agreement = ready()
    add_agreement_file(agreement)
    agreement.version = 2
    agreement.save(update_fields=["version"])

    with pytest.raises(ConflictError):
        agreement_confirm_signature(actor=officer, agreement=agreement, seen_version=1)


def test_a_rolled_back_signature_leaves_no_schedule_and_no_message(officer):
    agreement = ready()
    agreement_confirm_signature(actor=officer, agreement=agreement)
    OutboxMessage.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        agreement_confirm_signature(actor=grantee_admin(agreement), agreement=agreement)
        raise RuntimeError("the surrounding work failed")

    agreement.refresh_from_db()
    assert agreement.state == AgreementState.DRAFT
    assert not agreement.reports.exists()
    assert not OutboxMessage.objects.exists()
