"""Submitting reports and the officer's review: accept, or return with comments per section."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from grants.models import AgreementState, ReportReviewComment, ReportState, TrancheState
from grants.services import (
    ReportIncomplete,
    report_accept,
    report_resubmit,
    report_return,
    report_submit,
)
from providers.models import MemberRole
from tests.factories.grants import (
    PilotReportFactory,
    TrancheFactory,
    grantee_admin,
    grantee_member,
)
from tests.factories.portal import UserFactory
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

COMMENTS = {"beneficiaries": "The breakdown misses the men.", "narrative": ""}


def by_grantee(service):
    def call(actor, report, **kwargs):
        return service(actor=grantee_admin(report.agreement), report=report, **kwargs)

    return call


# service, starting state (as factory arguments), target state, arguments, event, who acts
STEPS = [
    (
        report_submit,
        {"open": True, "filled": True},
        "submitted",
        {},
        "grants.report_submitted",
        "grantee",
    ),
    (
        report_resubmit,
        {"returned": True},
        "resubmitted",
        {},
        "grants.report_resubmitted",
        "grantee",
    ),
    (report_accept, {"submitted": True}, "accepted", {}, "grants.report_accepted", "officer"),
    (
        report_return,
        {"resubmitted": True},
        "returned",
        {"comments": COMMENTS},
        "grants.report_returned",
        "officer",
    ),
]
ids = [step[0].__name__ for step in STEPS]


def acting(who, report, officer):
    return grantee_admin(report.agreement) if who == "grantee" else officer


@pytest.mark.parametrize("service, source, target, arguments, event, who", STEPS, ids=ids)
def test_a_report_moves_on(officer, service, source, target, arguments, event, who):
    report = PilotReportFactory(**source)

    row = service(actor=acting(who, report, officer), report=report, **arguments)

    row.refresh_from_db()
    assert row.state == target


@pytest.mark.parametrize("service, source, target, arguments, event, who", STEPS, ids=ids)
def test_a_step_from_a_wrong_state_is_refused(
    officer, service, source, target, arguments, event, who
):
    report = PilotReportFactory(scheduled=True, filled=True)

    with pytest.raises(DomainError) as error:
        service(actor=acting(who, report, officer), report=report, **arguments)

    assert error.value.code == "not_allowed"
    report.refresh_from_db()
    assert report.state == ReportState.SCHEDULED


@pytest.mark.parametrize("service, source, target, arguments, event, who", STEPS, ids=ids)
@pytest.mark.parametrize("intruder", ["editor", "other_side", "outsider"])
def test_a_step_by_someone_who_may_not_is_refused(
    officer, service, source, target, arguments, event, who, intruder
):
    report = PilotReportFactory(**source)
    actor = {
        "editor": lambda: grantee_member(report.agreement, MemberRole.EDITOR),
        "other_side": lambda: officer if who == "grantee" else grantee_admin(report.agreement),
        "outsider": lambda: UserFactory(evaluator=True),
    }[intruder]()

    with pytest.raises(DomainError) as error:
        service(actor=actor, report=report, **arguments)

    assert error.value.code == "forbidden"


@pytest.mark.parametrize("service, source, target, arguments, event, who", STEPS, ids=ids)
def test_repeating_a_step_does_nothing_more(
    officer, service, source, target, arguments, event, who
):
    report = PilotReportFactory(**source)
    actor = acting(who, report, officer)

    service(actor=actor, report=report, **arguments)
    again = service(actor=actor, report=report, **arguments)

    assert again.state == target
    assert history(report).filter(target_state=target).count() == 1
    assert OutboxMessage.objects.filter(event=event).count() == 2


@pytest.mark.parametrize("service, source, target, arguments, event, who", STEPS, ids=ids)
def test_a_step_is_audited(officer, service, source, target, arguments, event, who):
    report = PilotReportFactory(**source)
    actor = acting(who, report, officer)

    service(actor=actor, report=report, **arguments)

    entry = history(report).get(target_state=target)
    assert (entry.actor, entry.source_state) == (actor, report.state)


@pytest.mark.parametrize("service, source, target, arguments, event, who", STEPS, ids=ids)
def test_the_other_side_hears_after_commit(
    officer, service, source, target, arguments, event, who, django_capture_on_commit_callbacks
):
    report = PilotReportFactory(**source)
    editor = grantee_member(report.agreement, MemberRole.EDITOR)
    viewer = grantee_member(report.agreement, MemberRole.VIEWER)
    expected = {officer.pk} if who == "grantee" else {grantee_admin(report.agreement).pk, editor.pk}

    with django_capture_on_commit_callbacks() as callbacks:
        service(actor=acting(who, report, officer), report=report, **arguments)
        rows = OutboxMessage.objects.filter(event=event)
        assert set(rows.values_list("recipient", flat=True)) == expected
        assert not rows.filter(published_at__isnull=False).exists()
    assert viewer.pk not in rows.values_list("recipient", flat=True)
    assert callbacks


@pytest.mark.parametrize("service, source, target, arguments, event, who", STEPS, ids=ids)
def test_a_step_on_a_stale_page_is_a_conflict(
    officer, service, source, target, arguments, event, who
):
    report = PilotReportFactory(**source)

    with pytest.raises(ConflictError):
        service(
            actor=acting(who, report, officer), report=report, seen_state="cancelled", **arguments
        )


# Submitting


def test_an_incomplete_report_is_refused_with_its_problems_by_section():
    report = PilotReportFactory(open=True)

    with pytest.raises(ReportIncomplete) as error:
        report_submit(actor=grantee_admin(report.agreement), report=report)

    assert error.value.code == "report_incomplete"
    assert {problem.section for problem in error.value.problems} >= {"cases", "narrative"}
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_a_submission_from_a_page_older_than_the_last_save_is_a_conflict():
    report = PilotReportFactory(open=True, filled=True, version=3)

    with pytest.raises(ConflictError):
        report_submit(actor=grantee_admin(report.agreement), report=report, seen_version=2)


def test_a_late_submission_is_accepted_and_recorded_as_late():
    report = PilotReportFactory(overdue=True, filled=True)

    row = report_submit(actor=grantee_admin(report.agreement), report=report)

    assert row.state == ReportState.SUBMITTED
    assert row.next_reminder_on is None
    assert history(report).get(action="submit").data["late"] is True


def test_submission_on_the_due_date_is_in_time():
    report = PilotReportFactory(open=True, filled=True, due_date=datetime.date(2027, 4, 15))

    with time_machine.travel(
        datetime.datetime(2027, 4, 15, 18, 0, tzinfo=datetime.UTC), tick=False
    ):
        # 23:00 in Ashgabat, still the due date there.
        report_submit(actor=grantee_admin(report.agreement), report=report)

    assert history(report).get(action="submit").data["late"] is False


# Returning


def test_the_comments_are_kept_per_section_and_round(officer):
    report = PilotReportFactory(submitted=True)

    row = report_return(
        actor=officer,
        report=report,
        comments={"beneficiaries": " Add the men. ", "expenditure": "Explain fuel.", "cases": ""},
    )

    assert row.review_round == 1
    comments = ReportReviewComment.objects.filter(report=report)
    assert sorted(comments.values_list("review_round", "section", "comment")) == [
        (1, "beneficiaries", "Add the men."),
        (1, "expenditure", "Explain fuel."),
    ]
    assert comments.first().author == officer
    message = OutboxMessage.objects.filter(event="grants.report_returned").first()
    assert {"section": "expenditure", "comment": "Explain fuel."} in message.context["comments"]


def test_a_second_return_starts_a_new_round(officer):
    report = PilotReportFactory(resubmitted=True, review_round=1)

    report_return(actor=officer, report=report, comments={"narrative": "Say more."})

    assert report.comments.get().review_round == 2


@pytest.mark.parametrize(
    "comments, code",
    [
        ({"narrative": "   "}, "comments_required"),
        ({}, "comments_required"),
        ({"weather": "Too sunny."}, "section_unknown"),
        ({"narrative": "x" * 4001}, "comment_too_long"),
    ],
)
def test_a_return_needs_comments_on_known_sections(officer, comments, code):
    report = PilotReportFactory(submitted=True)

    with pytest.raises(DomainError) as error:
        report_return(actor=officer, report=report, comments=comments)

    assert error.value.code == code
    assert not ReportReviewComment.objects.exists()


def test_a_returned_report_is_revised_and_resubmitted(officer):
    report = PilotReportFactory(submitted=True)
    returned = report_return(actor=officer, report=report, comments={"narrative": "Say more."})

    row = report_resubmit(actor=grantee_admin(report.agreement), report=returned)

    assert row.state == ReportState.RESUBMITTED
    assert row.first_submitted_at == report.first_submitted_at


def test_a_repeated_return_adds_no_comments(officer):
    report = PilotReportFactory(submitted=True)

    report_return(actor=officer, report=report, comments={"narrative": "Say more."})
    report_return(actor=officer, report=report, comments={"narrative": "Say more."})

    assert report.comments.count() == 1


# Accepting


def test_accepting_a_report_releases_its_tranche_in_the_same_transaction(officer):
    report = PilotReportFactory(submitted=True)
    tranche = TrancheFactory(agreement=report.agreement, report=report)
    later = PilotReportFactory(agreement=report.agreement, number=report.number + 1)
    other = TrancheFactory(agreement=report.agreement, report=later)

    report_accept(actor=officer, report=report)

    tranche.refresh_from_db()
    other.refresh_from_db()
    assert (tranche.state, other.state) == (TrancheState.ELIGIBLE, TrancheState.SCHEDULED)
    assert tranche.eligible_at is not None
    assert history(tranche).get(action="make_eligible").actor == officer
    assert OutboxMessage.objects.filter(event="grants.tranche_eligible", recipient=officer).exists()


def test_a_rolled_back_acceptance_releases_nothing(officer):
    report = PilotReportFactory(submitted=True)
    tranche = TrancheFactory(agreement=report.agreement, report=report)

    with pytest.raises(RuntimeError), transaction.atomic():
        report_accept(actor=officer, report=report)
        raise RuntimeError("the surrounding work failed")

    tranche.refresh_from_db()
    assert tranche.state == TrancheState.SCHEDULED
    assert not OutboxMessage.objects.exists()


def test_accepting_the_final_report_completes_the_agreement(officer):
    PilotReportFactory(accepted=True, number=1)
    period = PilotReportFactory._meta.model.objects.get()
    final = PilotReportFactory(agreement=period.agreement, number=2, final=True, submitted=True)
    tranche = TrancheFactory(agreement=period.agreement, report=final)

    report_accept(actor=officer, report=final)

    agreement = final.agreement
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.COMPLETED
    assert agreement.completed_at is not None
    assert history(agreement).get(action="complete").actor == officer
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.ELIGIBLE
    assert OutboxMessage.objects.filter(event="grants.agreement_completed").count() == 4


def test_the_final_report_waits_for_every_period_report(officer):
    report = PilotReportFactory(submitted=True, number=1)
    PilotReportFactory(agreement=report.agreement, number=2, open=True)
    PilotReportFactory(agreement=report.agreement, number=3, cancelled=True)
    final = PilotReportFactory(agreement=report.agreement, number=4, final=True, submitted=True)

    with pytest.raises(DomainError) as error:
        report_accept(actor=officer, report=final)

    assert error.value.code == "period_reports_pending"
    assert "1, 2" in str(error.value.message)
    report.agreement.refresh_from_db()
    assert report.agreement.state == AgreementState.ACTIVE


def test_accepting_a_period_report_does_not_complete_the_agreement(officer):
    report = PilotReportFactory(submitted=True)

    report_accept(actor=officer, report=report, note="Good work.")

    report.agreement.refresh_from_db()
    assert report.agreement.state == AgreementState.ACTIVE
    assert history(report).get(action="accept").note == "Good work."
    assert timezone.now() >= report.agreement.activated_at
