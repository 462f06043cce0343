"""Contracting processes built through the services, for the open-data tests.

``lifecycle()`` takes one tender through every public event: published, amended, bids opened,
award approved and final, grant agreement signed, a tranche paid and a report accepted.
``cancelled_tender()`` is published and then cancelled.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from grants.models import GrantAgreement, TrancheCondition
from grants.services import (
    agreement_confirm_signature,
    agreement_set_targets,
    report_accept,
    report_open,
    report_submit,
    tranche_approve,
    tranche_record_payment,
)
from tenders.models import Tender
from tenders.services.amendment import tender_amend
from tenders.services.award import award_approve, award_finalise, award_propose
from tenders.services.tender import tender_cancel, tender_publish
from tests.factories.grants import add_agreement_file, fill_report, grantee_admin, officer
from tests.factories.portal import UserFactory
from tests.factories.tenders import (
    BidFactory,
    TenderFactory,
    completed_evaluation,
    open_through_committee,
    set_budget,
)

FIRST_TITLE = "Home care for elderly people"
AMENDED_TITLE = "Home care for elderly people living alone in Ashgabat"
# Words only a bid's content holds; none of them may ever reach the open data.
BID_SECRETS = ("Our secret approach", "Confidential budget line", "secret-plan.pdf")


@dataclass
class Process:
    tender: Tender
    bids: list
    winner: object
    agreement: GrantAgreement
    report: object
    tranche: object


def published_tender(**fields):
    tender = TenderFactory(title_en=FIRST_TITLE, **fields)
    return tender_publish(actor=tender.created_by, tender=tender)


def secret_bid(tender, amount):
    bid = BidFactory(
        tender=tender,
        submitted=True,
        complete=True,
        complete__text=BID_SECRETS[0],
        complete__description=BID_SECRETS[1],
        complete__file_name=BID_SECRETS[2],
    )
    set_budget(bid, amount)
    return bid


def open_bids(tender):
    """Move the deadline just behind us (on PostgreSQL the database's clock judges) and open
    through the tender's committee."""
    return open_through_committee(tender)


def lifecycle():
    tender = published_tender()
    bids = [secret_bid(tender, "118000.00"), secret_bid(tender, "99000.00")]
    tender_amend(
        actor=tender.created_by,
        tender=tender,
        values={"title_en": AMENDED_TITLE},
        reason="The title names the city.",
    )
    tender = open_bids(tender)
    evaluation, _chair, _evaluators, bids = completed_evaluation(tender)
    decision = award_propose(actor=tender.created_by, evaluation=evaluation)
    decision = award_approve(actor=UserFactory(approver=True), decision=decision)
    award_finalise(
        decision=decision, now=decision.standstill_ends_at + datetime.timedelta(seconds=1)
    )
    agreement = GrantAgreement.objects.get(bid__tender=tender)
    approving, paying = officer(), officer()
    agreement = agreement_set_targets(
        actor=approving,
        agreement=agreement,
        targets=[
            {"measure": target.measure, "target_group": target.target_group, "number": 120}
            for target in agreement.targets.all()
        ],
        seen_version=agreement.version,
    )
    add_agreement_file(agreement)
    agreement_confirm_signature(actor=approving, agreement=agreement)
    agreement_confirm_signature(actor=grantee_admin(agreement), agreement=agreement)
    tranche = agreement.tranches.get(condition=TrancheCondition.SIGNING)
    tranche = tranche_approve(actor=approving, tranche=tranche)
    tranche = tranche_record_payment(
        actor=paying, tranche=tranche, paid_on=timezone.localdate(), reference="PP-SECRET-77"
    )
    report = agreement.reports.order_by("number").first()
    report = report_open(report=report, now=timezone.now())
    fill_report(report, new=7, continuing=4)
    report = report_submit(actor=grantee_admin(agreement), report=report)
    report = report_accept(actor=approving, report=report)
    return Process(
        tender=Tender.objects.get(pk=tender.pk),
        bids=bids,
        winner=agreement.bid,
        agreement=GrantAgreement.objects.get(pk=agreement.pk),
        report=report,
        tranche=tranche,
    )


def cancelled_tender():
    tender = published_tender()
    return tender_cancel(
        actor=tender.created_by, tender=tender, reason="The etrap now provides the service."
    )


def amount(value):
    return float(Decimal(value))
