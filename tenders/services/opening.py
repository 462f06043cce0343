"""Closing a tender at its submission deadline and opening its bids.

A sweep (registered in ``TendersConfig.ready``) finds published tenders whose deadline has
passed and calls ``tender_open_bids`` for each. The tender row is locked exclusively, so an
opening waits for submissions still committing, and submissions that come later find the
tender closed. A tender whose bids are sealed (it has opening keys) is only closed there; its
committee opens the bids (``tenders.services.bid_opening``), which ends in ``bids_open``.
"""

from django.db import transaction
from django.utils import timezone

from tenders.models import Bid, Tender, TenderKey
from tenders.services.bid_deadline import database_now
from tenders.services.bid_notices import (
    bid_editors,
    bid_url,
    iso,
    officer_bids_url,
)
from tenders.services.bid_submission import bid_discard
from tenders.services.committee_notices import shares_needed_notify
from tenders.services.tender import notice_context, public_url
from workflows import audit, outbox, runner
from workflows.models import AuditEntry
from workflows.outbox import Notice

OPENED = "bids_opened"


def tenders_due_for_opening(now):
    """Published tenders whose submission deadline is at or before ``now``."""
    return Tender.objects.filter(state=Tender.State.PUBLISHED, submission_deadline__lte=now)


def tender_open_bids(*, tender):
    """Close ``tender`` at its deadline and open its bids; return the tender.

    Does nothing before the deadline by the database's clock, or for a tender neither published
    nor closed. Otherwise, in one transaction: closes the tender (``tender.close``), discards
    the draft and withdrawn bids (their organisations are told), writes the opening record, the
    audit entry ``bids_opened`` on the tender, with every submitted bid's id, organisation, time
    of receipt, SHA-256 and documents (name and SHA-256); tells the officer who runs the tender
    and every bidder; and, when no bid was submitted, ends the tender unsuccessful
    (``tender.end_unsuccessful``) and tells the officer and the organisations whose bids were
    discarded. A tender already opened is left alone: running twice writes one record.

    A tender with sealed bids is closed and its unsubmitted bids discarded, but its bids stay
    sealed until the committee opens them, and every committee member is told their share is
    needed (once, however often this runs); when no bid was submitted there is nothing to open,
    and it opens (and ends unsuccessful) at once.
    """
    with transaction.atomic():
        row = Tender.objects.select_for_update().get(pk=tender.pk)
        if _already_opened(row):
            return row
        if row.state == Tender.State.PUBLISHED:
            if row.submission_deadline is None or database_now() < row.submission_deadline:
                return row
            row = runner.apply(row, "close", actor=None)
        elif row.state != Tender.State.CLOSED:
            return row
        bids = list(
            Bid.objects.filter(tender=row)
            .select_related("provider")
            .prefetch_related("documents")
            .order_by("submitted_at", "id")
        )
        discarded = [
            bid_discard(bid=bid, tender=row)
            for bid in bids
            if bid.state in (Bid.State.DRAFT, Bid.State.WITHDRAWN)
        ]
        submitted = [bid for bid in bids if bid.state == Bid.State.SUBMITTED]
        tender_key = TenderKey.objects.filter(tender=row).first()
        if submitted and tender_key is not None:
            shares_needed_notify(row, tender_key)
            return row
        return bids_open(row, submitted, discarded_count=len(discarded))


def bids_open(tender, submitted, *, discarded_count=None, extra=None, found=None):
    """Write the opening record of the locked, closed ``tender``, tell the officer and the
    bidders, and end the tender unsuccessful when ``submitted`` is empty. ``found`` is what
    opening each sealed bid found; ``extra`` is merged into the record. Called inside the
    caller's transaction."""
    if discarded_count is None:
        discarded_count = Bid.objects.filter(tender=tender, state=Bid.State.DISCARDED).count()
    data = {**opening_record(submitted, discarded_count, found), **(extra or {})}
    audit.record(tender, OPENED, actor=None, data=data)
    TenderKey.objects.filter(tender=tender, opened_at__isnull=True).update(opened_at=timezone.now())
    outbox.enqueue(_opened_notices(tender, submitted), key=f"bids-opened:{tender.pk}")
    if not submitted:
        discarded = Bid.objects.filter(tender=tender, state=Bid.State.DISCARDED)
        tender = runner.apply(
            tender,
            "end_unsuccessful",
            actor=None,
            notify=lambda saved, entry: _unsuccessful_notices(saved, discarded),
        )
    return tender


def opening_record(submitted, discarded_count, found=None):
    """The JSON of the opening record: what was received, as it was received. ``found`` maps a
    sealed bid's id to what its opening found (``tenders.sealing.bids.Unsealed``)."""
    found = found or {}
    return {
        "bids": [
            {
                "bid_id": bid.pk,
                "provider_id": bid.provider_id,
                "provider_name": bid.provider.name_tk,
                "received_at": iso(bid.submitted_at),
                "sha256": bid.content_sha256,
                "needs_reconfirmation": bid.needs_reconfirmation,
                "documents": [
                    {
                        "name": document.original_name,
                        "title": document.title,
                        "sha256": document.sha256,
                    }
                    for document in bid.documents.all()
                ],
                **_seal_check(found.get(bid.pk)),
            }
            for bid in submitted
        ],
        "discarded": discarded_count,
    }


def _seal_check(unsealed):
    if unsealed is None:
        return {}
    return {
        "sealed": True,
        "matched": unsealed.matched,
        "problem": unsealed.problem,
        "opened_sha256": unsealed.sha256,
        "opened_documents": unsealed.documents,
    }


def opening_entry(tender):
    """The tender's opening record (an audit entry), or None before opening."""
    return audit.history(tender).filter(action=OPENED).first()


def _already_opened(tender):
    return AuditEntry.objects.filter(
        content_type__app_label="tenders",
        content_type__model="tender",
        object_id=str(tender.pk),
        action=OPENED,
    ).exists()


def _opened_notices(tender, submitted):
    context = {**notice_context(tender), "bid_count": len(submitted)}
    notices = [
        Notice("tenders.bids_opened", (tender.created_by,), context, officer_bids_url(tender))
    ]
    notices += [
        Notice(
            "tenders.bid_opened",
            bid_editors(bid.provider_id),
            {**context, "bid_id": bid.pk},
            bid_url(bid),
        )
        for bid in submitted
    ]
    return notices


def _unsuccessful_notices(tender, discarded):
    recipients = [tender.created_by]
    for bid in discarded:
        recipients += bid_editors(bid.provider_id)
    return [
        Notice(
            "tenders.bid_opening_unsuccessful",
            tuple(recipients),
            notice_context(tender),
            public_url(tender),
        )
    ]
