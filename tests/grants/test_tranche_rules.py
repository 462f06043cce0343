"""What a tranche waits for: one list of conditions decides its release and is shown on the
tranche page; four eyes keep the approver of a tranche from recording its payment."""

import pytest
from django.utils import timezone, translation

from grants.models import TrancheCondition, TrancheState
from grants.services import report_accept, tranche_approve, tranche_record_payment
from grants.services.tranche_rules import is_due, tranche_conditions
from portal.formatting import day
from tests.factories.grants import GrantAgreementFactory, PilotReportFactory, TrancheFactory
from tests.factories.grants import officer as make_officer
from tests.grants.pages import url
from workflows.audit import history
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db


def payment():
    return {"paid_on": timezone.localdate(), "reference": "PP-2026-0042"}


def pay_form(tranche):
    return {
        f"pay-{tranche.pk}-seen_state": "approved",
        f"pay-{tranche.pk}-paid_on": timezone.localdate().isoformat(),
        f"pay-{tranche.pk}-reference": "PP-1",
    }


def met(tranche):
    tranche.refresh_from_db()
    return {condition.code: condition.met for condition in tranche_conditions(tranche)}


def period_tranche():
    """An active agreement's tranche paid after its third report."""
    agreement = GrantAgreementFactory(active=True, plan=False, reports=False)
    reports = {
        number: PilotReportFactory(agreement=agreement, number=number, submitted=True)
        for number in (1, 3)
    }
    tranche = TrancheFactory(agreement=agreement, report=reports[3])
    return tranche, reports


# The conditions


def test_accepting_another_report_releases_nothing_and_the_report_condition_stays_unmet(officer):
    tranche, reports = period_tranche()

    report_accept(actor=officer, report=reports[1])

    tranche.refresh_from_db()
    assert tranche.state == TrancheState.SCHEDULED
    assert met(tranche) == {"signed": True, "report_accepted": False, "not_on_hold": True}
    assert not is_due(tranche)


def test_accepting_the_tranches_report_meets_every_condition_and_releases_it(officer):
    tranche, reports = period_tranche()

    report_accept(actor=officer, report=reports[3])

    tranche.refresh_from_db()
    assert tranche.state == TrancheState.ELIGIBLE
    assert met(tranche) == {"signed": True, "report_accepted": True, "not_on_hold": True}


def test_a_signing_tranche_waits_only_for_the_signature_and_no_hold():
    agreement = GrantAgreementFactory(suspended=True, plan=False, reports=False)
    tranche = TrancheFactory(agreement=agreement, eligible=True)

    assert met(tranche) == {"signed": True, "not_on_hold": False}


def labels(tranche):
    with translation.override("en"):
        return [str(condition.label) for condition in tranche_conditions(tranche)]


def test_an_unsigned_agreements_tranche_is_not_due():
    agreement = GrantAgreementFactory(draft=True, plan=False, reports=False)
    tranche = TrancheFactory(agreement=agreement)

    assert met(tranche) == {"signed": False, "not_on_hold": True}
    assert not is_due(tranche)


def test_a_tranche_on_a_suspended_agreement_is_refused_approval_while_payments_are_on_hold(
    officer,
):
    agreement = GrantAgreementFactory(suspended=True, plan=False, reports=False)
    tranche = TrancheFactory(agreement=agreement, eligible=True)

    with pytest.raises(DomainError) as refused:
        tranche_approve(actor=officer, tranche=tranche)

    assert refused.value.code == "on_hold"
    assert str(refused.value.message) == "Payments are on hold while the agreement is suspended."
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.ELIGIBLE


def test_each_condition_of_a_report_tranche_reads_as_the_tranche_page_shows_it():
    tranche, reports = period_tranche()
    report = reports[3]

    assert labels(tranche) == [
        "The agreement is signed by both parties",
        f"Report 3 for {day(report.period_start)} – {day(report.period_end)} is accepted",
        "The agreement is not suspended (payments are not on hold)",
    ]


def test_the_final_report_condition_names_the_final_reports_period():
    agreement = GrantAgreementFactory(active=True, plan=False, reports=False)
    report = PilotReportFactory(agreement=agreement, number=4, final=True, submitted=True)
    tranche = TrancheFactory(
        agreement=agreement, report=report, condition=TrancheCondition.FINAL_REPORT
    )

    assert labels(tranche)[1] == (
        f"The final report ({day(report.period_start)} – {day(report.period_end)}) is accepted"
    )


def test_a_tranche_whose_report_is_not_yet_written_names_the_report_it_waits_for():
    agreement = GrantAgreementFactory(active=True, plan=False, reports=False)
    period = TrancheFactory(
        agreement=agreement, condition=TrancheCondition.PERIOD_REPORT, period_number=2
    )
    final = TrancheFactory(agreement=agreement, condition=TrancheCondition.FINAL_REPORT)

    assert labels(period)[1] == "Report 2 is accepted"
    assert labels(final)[1] == "The final report is accepted"
    assert met(period)["report_accepted"] is False and not is_due(period)


def test_the_report_condition_names_the_report_and_its_period_in_the_readers_language():
    tranche, reports = period_tranche()

    with translation.override("ru"):
        labels = [str(condition.label) for condition in tranche_conditions(tranche)]

    report = reports[3]
    assert f"Отчёт {report.number}" in labels[1] or f"отчёт {report.number}" in labels[1]
    assert str(report.period_start.year) in labels[1]


# The tranche page


def test_the_tranche_page_lists_a_waiting_tranches_conditions_met_and_unmet(as_user, officer):
    tranche, reports = period_tranche()
    report_accept(actor=officer, report=reports[1])

    response = as_user(officer).get(url("tranches"))

    assert list(response.context["waiting"]) == [tranche]
    page = response.content.decode()
    assert "The agreement is signed by both parties: <strong>yes</strong>" in page
    assert f"Report 3 for {reports[3].period_start.day} " in page
    assert "is accepted: <strong>no</strong>" in page


def test_the_tranche_page_shows_the_conditions_in_turkmen(as_user, officer):
    period_tranche()
    officer.language = "tk"
    officer.save(update_fields=["language"])

    page = as_user(officer).get(url("tranches")).content.decode()

    assert "<strong>hawa</strong>" in page and "<strong>ýok</strong>" in page


# Four eyes


def test_the_officer_who_approved_a_tranche_cannot_record_its_payment(officer):
    approved = tranche_approve(actor=officer, tranche=TrancheFactory(eligible=True))

    with pytest.raises(DomainError) as error:
        tranche_record_payment(actor=officer, tranche=approved, **payment())

    assert error.value.code == "four_eyes"
    approved.refresh_from_db()
    assert approved.state == TrancheState.APPROVED and approved.paid_on is None


def test_another_officer_records_the_payment_of_an_approved_tranche(officer):
    approved = tranche_approve(actor=officer, tranche=TrancheFactory(eligible=True))
    cashier = make_officer()

    paid = tranche_record_payment(actor=cashier, tranche=approved, **payment())

    assert (paid.state, paid.approved_by, paid.payment_recorded_by) == (
        TrancheState.PAID,
        officer,
        cashier,
    )


def test_a_refused_payment_by_the_approver_leaves_a_trace_in_the_audit_log(officer):
    approved = tranche_approve(actor=officer, tranche=TrancheFactory(eligible=True))

    with pytest.raises(DomainError):
        tranche_record_payment(actor=officer, tranche=approved, **payment())

    entry = history(approved).get(action="record_payment_refused")
    assert (entry.actor, entry.source_state, entry.target_state) == (officer, "approved", "")
    assert entry.data == {"code": "four_eyes", "approved_by": officer.pk}


def test_with_four_eyes_off_the_approver_may_record_the_payment(officer, settings):
    settings.FOUR_EYES = False
    approved = tranche_approve(actor=officer, tranche=TrancheFactory(eligible=True))

    paid = tranche_record_payment(actor=officer, tranche=approved, **payment())

    assert paid.state == TrancheState.PAID
    assert not history(approved).filter(action="record_payment_refused").exists()


def test_the_approver_sees_why_instead_of_the_payment_form(as_user, officer):
    approved = tranche_approve(actor=officer, tranche=TrancheFactory(eligible=True))

    response = as_user(officer).get(url("tranches"))

    page = response.content.decode()
    assert "another grant officer must record its payment" in page
    assert approved.pk not in response.context["payment_forms"]
    assert url("tranche_pay", approved.pk) not in page


def test_another_officer_sees_the_payment_form(as_user, officer):
    approved = tranche_approve(actor=officer, tranche=TrancheFactory(eligible=True))

    response = as_user(make_officer()).get(url("tranches"))

    assert approved.pk in response.context["payment_forms"]
    assert url("tranche_pay", approved.pk) in response.content.decode()


def test_the_approver_posting_the_payment_anyway_is_told_why_in_russian(as_user, officer):
    approved = tranche_approve(actor=officer, tranche=TrancheFactory(eligible=True))
    officer.language = "ru"
    officer.save(update_fields=["language"])

    response = as_user(officer).post(url("tranche_pay", approved.pk), pay_form(approved))

    assert response.status_code == 400
    errors = response.context["payment_forms"][approved.pk].non_field_errors()
    assert "другой специалист по грантам" in " ".join(errors)
    approved.refresh_from_db()
    assert approved.state == TrancheState.APPROVED
