"""The whole life of a tender and its grant, done by its users in the browser.

Every state change is a click. Here time is moved by the test (time-machine, whose clock the
live server's thread shares), the deadline sweeps run in-process as the beat task would run
them, and the outbox is delivered in-process as the worker would deliver it; the same story
runs on the production stack in ``test_production_stack.py`` with a calendar of its own. Rows
that are only preconditions (an organisation's papers and trained staff, the draft tender) come
from the factories.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from grants.models import GrantAgreement
from providers.readiness import VERIFICATION_DOCUMENTS
from tenders.models import SealedBid, Tender
from tenders.selectors.bid import is_opened
from tenders.services.bid_deadline import database_now
from tests.e2e.steps import Steps, deliver_outbox, screenshot
from tests.factories.documents import pdf_bytes
from tests.factories.grants import fill_report
from tests.factories.portal import UserFactory
from tests.factories.providers import (
    ProviderDocumentFactory,
    ProviderFactory,
    StaffMemberFactory,
    admin_of,
)
from tests.factories.tenders import COMMITTEE_PASSPHRASE, TenderFactory
from workflows import sweeps
from workflows.models import Notification

pytestmark = pytest.mark.e2e

ASHGABAT = zoneinfo.ZoneInfo("Asia/Ashgabat")


@pytest.fixture
def clock():
    """The test's clock, starting now; ``clock.move_to(moment)`` jumps it forward."""
    traveller = time_machine.travel(timezone.now(), tick=True)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


class Cast:
    """Everyone in the story, each with a browser page of their own."""

    def __init__(self, new_page):
        self.new_page = new_page
        self.officer_user = UserFactory(procurement_officer=True)
        self.officer = self.open(self.officer_user)

    def open(self, user=None):
        steps = Steps(self.new_page())
        if user is not None:
            steps.log_in(user)
        steps.user = user
        return steps


def bring_the_submission_deadline_back(tender):
    """Put ``tender``'s submission deadline a second before the database's present.

    On PostgreSQL the database's clock decides when bids open (``database_now``), and no test
    can move it; the bids already in are left as they are.
    """
    moment = database_now() - datetime.timedelta(seconds=1)
    Tender.objects.filter(pk=tender.pk).update(
        questions_deadline=min(tender.questions_deadline, moment),
        submission_deadline=moment,
    )
    tender.refresh_from_db()


class MovedClock:
    """The story's calendar in this process: the clock is moved to each moment, and the sweeps
    and deliveries run here, as beat and the worker would run them."""

    def __init__(self, clock):
        self.clock = clock

    def pass_the_submission_deadline(self, tender):
        if connection.vendor == "postgresql":
            bring_the_submission_deadline_back(tender)
        self.clock.move_to(tender.submission_deadline + datetime.timedelta(minutes=5))

    def end_the_standstill(self, decision):
        self.clock.move_to(decision.standstill_ends_at + datetime.timedelta(minutes=5))

    def reach_the_start(self, agreement):
        self.clock.move_to(
            datetime.datetime.combine(agreement.start_date, datetime.time(9), tzinfo=ASHGABAT)
        )

    def end_the_period(self, report):
        day_after = report.period_end + datetime.timedelta(days=1)
        self.clock.move_to(datetime.datetime.combine(day_after, datetime.time(9), tzinfo=ASHGABAT))

    def sweep(self):
        sweeps.run_all()
        deliver_outbox()


def test_a_tender_goes_from_sign_up_to_a_paid_tranche(new_page, clock):
    live_from_sign_up_to_a_paid_tranche(new_page, MovedClock(clock))


def live_from_sign_up_to_a_paid_tranche(new_page, calendar):
    """The story, told on ``calendar`` (``MovedClock`` or the production stack's)."""
    cast = Cast(new_page)
    officer = cast.officer

    # An NGO signs up, registers its organisation and is verified by an officer.
    first = cast.open()
    first.user = first.sign_up(username="ynam", full_name="Aýna Myradowa")
    provider = first.register_organisation(name="Ynam", registration_number="R-00001")
    for document_type in VERIFICATION_DOCUMENTS:
        ProviderDocumentFactory(provider=provider, document_type=document_type)
    first_person = StaffMemberFactory(provider=provider, trained=True)
    first.submit_organisation()
    officer.verify_organisation(provider)
    screenshot(first.page, "ngo_organisation")

    # An officer publishes a tender.
    tender = TenderFactory(draft=True, created_by=cast.officer_user)
    officer.page.goto(f"/tenders/manage/{tender.pk}/")
    officer.click("Publish the tender")
    tender.refresh_from_db()
    assert tender.state == Tender.State.PUBLISHED
    screenshot(officer.page, "procurement_officer_tender")

    # Two NGOs ask a question and bid.
    second_provider = ProviderFactory(verified=True, complete=True)
    second = cast.open(admin_of(second_provider))
    second_person = StaffMemberFactory(provider=second_provider, trained=True)
    bids = []
    for ngo, person, amount in (
        (first, first_person, "90000.00"),
        (second, second_person, "85000.00"),
    ):
        ngo.open_tender(tender)
        ngo.ask_question("May the service also cover the neighbouring etrap?")
        bid = ngo.prepare_bid(tender, staff_member=person, amount=amount)
        ngo.submit_bid(bid)
        bids.append(bid)
    screenshot(first.page, "ngo_bid_receipt")
    assert tender.clarifications.count() == 2

    # The deadline passes, bidding closes, and two of the three committee members open the bids.
    calendar.pass_the_submission_deadline(tender)
    calendar.sweep()
    tender.refresh_from_db()
    assert tender.state == Tender.State.CLOSED, tender.state
    assert not is_opened(tender)
    for member in tender.committee.order_by("pk")[:2]:
        cast.open(member).give_share(tender, COMMITTEE_PASSPHRASE)
    deliver_outbox()
    assert is_opened(tender)
    assert all(SealedBid.objects.get(bid=bid).matched for bid in bids)
    assert Notification.objects.filter(recipient=first.user).exists()

    # Three evaluators declare and score; the chair completes.
    chair, *evaluators = (UserFactory(evaluator=True) for _ in range(4))
    officer.log_in(cast.officer_user)
    officer.open_evaluation(
        tender,
        deadline=timezone.now() + datetime.timedelta(days=10),
        panel=[(chair, "chair")] + [(user, "evaluator") for user in evaluators],
    )
    evaluation = tender.evaluation
    panel = [cast.open(user) for user in (chair, *evaluators)]
    for member in panel:
        member.declare_no_conflict(evaluation)
    officer.page.goto(f"/tenders/manage/{tender.pk}/evaluation/")
    officer.click("Start scoring")
    evaluation.refresh_from_db()
    assert evaluation.state == "scoring", evaluation.state
    for member, points in zip(panel[1:], (8, 7, 9), strict=True):
        member.score(evaluation, points)
    screenshot(panel[1].page, "evaluator_sheet")
    panel[0].page.goto(f"/tenders/evaluations/{evaluation.pk}/")
    panel[0].click("Complete the evaluation")
    evaluation.refresh_from_db()
    assert evaluation.state == "completed", evaluation.state
    screenshot(panel[0].page, "evaluation_chair")

    # The officer proposes the award, the approver approves, the standstill ends.
    grant_officer_user = UserFactory(grant_officer=True)
    approver = cast.open(UserFactory(approver=True))
    officer.page.goto(f"/tenders/manage/{tender.pk}/evaluation/")
    officer.click("Propose the award")
    decision = evaluation.award_decisions.latest("pk")
    approver.page.goto(f"/tenders/awards/{decision.pk}/")
    screenshot(approver.page, "approver_award")
    approver.click("Approve the award")
    decision.refresh_from_db()
    assert decision.state == "approved", decision.state
    calendar.end_the_standstill(decision)
    calendar.sweep()
    decision.refresh_from_db()
    assert decision.state == "final", decision.state

    # The grant is signed by both sides and activated on its start date.
    agreement = GrantAgreement.objects.get(bid__tender=tender)
    grant_officer = cast.open(grant_officer_user)
    grantee = first if agreement.grantee_id == provider.pk else second
    grantee.log_in(grantee.user)
    grant_officer.page.goto(f"/grants/{agreement.pk}/")
    grant_officer.link("Change the targets")
    grant_officer.page.get_by_label("Number over the grant (row 1)").fill("40")
    grant_officer.click("Save")
    grant_officer.page.goto(f"/grants/{agreement.pk}/")
    problems = grant_officer.page.locator("main").inner_text()
    grant_officer.label("Signed agreement (scanned, with both signatures)").set_input_files(
        {"name": "agreement.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    grant_officer.click("Upload")
    grant_officer.click("Confirm the signed agreement")
    grantee.page.goto(f"/grants/{agreement.pk}/")
    grantee.click("Confirm the signed agreement")
    agreement.refresh_from_db()
    assert agreement.state == "signed", (agreement.state, problems)
    calendar.reach_the_start(agreement)
    grant_officer.log_in(grant_officer_user)
    grant_officer.page.goto(f"/grants/{agreement.pk}/")
    grant_officer.click("Activate")
    agreement.refresh_from_db()
    assert agreement.state == "active", agreement.state
    screenshot(grant_officer.page, "grant_officer_agreement")

    # The first report opens after its period; it is submitted, returned, resubmitted, accepted.
    report = agreement.reports.order_by("number").first()
    calendar.end_the_period(report)
    calendar.sweep()
    report.refresh_from_db()
    assert report.state == "open", report.state
    fill_report(report)  # the figures and texts are a precondition, not a step
    grantee.log_in(grantee.user)
    grantee.page.goto(f"/grants/reports/{report.pk}/")
    grantee.click("Submit the report")
    grant_officer.log_in(grant_officer_user)
    grant_officer.page.goto(f"/grants/reports/{report.pk}/")
    screenshot(grant_officer.page, "grant_officer_report")
    grant_officer.page.locator("main fieldset textarea").first.fill("Give the number of visits.")
    grant_officer.click("Return for revision")
    grantee.page.goto(f"/grants/reports/{report.pk}/")
    grantee.click("Submit the revised report")
    grant_officer.page.goto(f"/grants/reports/{report.pk}/")
    grant_officer.click("Accept the report")
    report.refresh_from_db()
    assert report.state == "accepted", report.state
    screenshot(grantee.page, "ngo_report")

    # A tranche is approved by one grant officer and paid by another (four eyes).
    tranche = agreement.tranches.order_by("position").first()
    grant_officer.page.goto("/grants/tranches/")
    grant_officer.click("Approve for payment")
    assert "another grant officer must record its payment" in grant_officer.page.content()
    cashier = cast.open(UserFactory(grant_officer=True))
    cashier.page.goto("/grants/tranches/")
    cashier.label("Payment date").fill(timezone.localdate().isoformat())
    cashier.label("Payment reference").fill("PP-2027-0001")
    cashier.click("Record the payment")
    tranche.refresh_from_db()
    assert tranche.state == "paid", tranche.state

    # The dashboard counts the grant, its service users and the money paid.
    grant_officer.page.goto("/grants/dashboard/")
    board = grant_officer.page.locator("main").inner_text()
    assert f"{tranche.amount:,.2f}" in board, board
    assert f"{agreement.amount:,.2f}" in board, board

    # Each role's own main page, for the record.
    roles = {
        "ngo": grantee,
        "procurement_officer": officer,
        "evaluator": panel[1],
        "approver": approver,
        "grant_officer": grant_officer,
    }
    for role, member in roles.items():
        member.log_in(member.user)
        member.page.goto("/")
        screenshot(member.page, f"home_{role}")
    grant_officer.page.goto("/grants/dashboard/")
    screenshot(grant_officer.page, "grant_officer_dashboard")
