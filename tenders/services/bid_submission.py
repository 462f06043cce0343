"""Submitting, withdrawing, re-confirming and discarding bids.

Submission, withdrawal and re-confirmation are accepted only if their transaction commits
before the tender's submission deadline by the database's clock (see
``tenders.services.bid_deadline``); a late one is refused with "The submission deadline has
passed." and stores nothing.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from tenders import permissions
from tenders.models import Bid, SealedBid, TenderKey
from tenders.sealing.bids import bid_seal, bid_seal_discard
from tenders.services.bid_checks import (
    IncompleteBid,
    eligibility_failures,
    submission_failures,
)
from tenders.services.bid_deadline import (
    check_open_for_bids,
    database_now,
    deadline_enforced,
    lock_tender,
)
from tenders.services.bid_notices import (
    bid_context,
    bid_editors,
    bid_url,
    iso,
    receipt_url,
)
from tenders.services.bid_receipt import bid_digest
from tenders.services.fingerprints import check_bid_seen
from workflows import audit, outbox, runner
from workflows.errors import ConflictError, forbidden, not_allowed
from workflows.outbox import Notice

RECONFIRM_HINT = _(
    "The tender was amended: to change the bid, withdraw it, bring it up to date and submit it "
    "again."
)


def bid_submit(*, actor, bid, seen=None, seen_state=None):
    """Submit a draft or withdrawn bid and return it.

    ``seen`` is the fingerprint of the bid as the submit page showed it
    (``fingerprints.bid_fingerprint``): when the content changed since, the submission is
    refused (``stale``, naming what changed and the new total) and nothing is stored. ``None``
    (the default) is for callers that show no page, such as demo loading; a page always passes
    the text it received, so a missing or forged fingerprint is refused the same way.

    Refuses, listing every failure at once (``IncompleteBid``), a bid that is incomplete or
    whose organisation is not eligible (``bid_checks.submission_failures``); refuses a late
    submission, a tender that is not published, and anyone but the organisation's admins and
    editors. Copies the proposed staff's details from the roster, records the time of receipt
    by the database's clock and the bid's SHA-256 (``bid_receipt``), writes the audit entry and
    a receipt notification to the submitter and the organisation's admins and editors (sent
    after commit). A repeat of an accepted submission is a no-op.

    On a tender with opening keys the bid is then sealed in the same transaction
    (``tenders.sealing.bids.bid_seal``): its plaintext leaves the database and storage, and the
    returned row carries ``package``, the ZIP of what was sealed, for the submitter to keep
    (it is stored nowhere).
    """
    with deadline_enforced(), transaction.atomic():
        tender = lock_tender(bid.tender_id)
        # Locked before its content is read, so nothing changes between the checks, the
        # digest and the commit.
        row = Bid.objects.select_related("provider").select_for_update(of=("self",)).get(pk=bid.pk)
        if row.state == Bid.State.SUBMITTED:
            return row
        if not permissions.can_edit_bid(actor, row):
            raise forbidden()
        if seen_state is not None and row.state != seen_state:
            raise ConflictError()
        if not can_proceed(row.submit):
            raise not_allowed(row.get_state_display())
        check_bid_seen(row, seen)
        received_at = database_now()
        check_open_for_bids(tender, received_at)
        failures = submission_failures(row, tender, received_at)
        if failures:
            raise IncompleteBid(failures)
        _copy_staff_details(row)
        sha256, _document = bid_digest(row, tender)
        saved = runner.apply(
            row,
            "submit",
            actor=actor,
            permission=permissions.can_edit_bid,
            notify=lambda saved, entry: _receipt_notices(saved, tender, actor),
            data={"sha256": sha256, "received_at": iso(received_at)},
            received_at=received_at,
            content_sha256=sha256,
        )
        tender_key = TenderKey.objects.filter(tender=tender).first()
        if tender_key is not None:
            _sealed, saved.package = bid_seal(saved, tender_key)
        return saved


def bid_withdraw(*, actor, bid, seen_state=None):
    """Withdraw a submitted bid before the deadline and return it; it can then be changed and
    submitted again. Only the organisation's admins and editors may. A repeat is a no-op.
    Writes the audit entry and tells the organisation's admins and editors (after commit). A
    sealed bid's ciphertext is discarded: nobody can read it, so the bid is prepared again
    (from the package its organisation downloaded) and sealed anew when submitted."""
    with deadline_enforced(), transaction.atomic():
        tender = lock_tender(bid.tender_id)
        now = database_now()
        row = runner.apply(
            bid,
            "withdraw",
            actor=actor,
            seen_state=seen_state,
            permission=permissions.can_edit_bid,
            check=lambda row: check_open_for_bids(tender, now),
            notify=lambda row, entry: _notices("tenders.bid_withdrawn", row, tender, actor),
        )
        bid_seal_discard(row)
        return row


def bid_reconfirm(*, actor, bid):
    """Confirm that a submitted bid stands under its tender's amended terms.

    After an amendment a submitted bid is marked ``needs_reconfirmation``. Re-confirming checks
    the bid again against the amended tender (every failure listed, with the advice to withdraw
    and resubmit when it no longer fits), then clears the mark. The content is unchanged, so
    the time of receipt and the SHA-256 stay those of the submission; the audit entry
    ("reconfirmed") records the moment by the database's clock. The deadline rule applies. A bid
    not (or no longer) marked is left as it is: a repeat is a no-op. A sealed bid is checked
    for its organisation's eligibility only, since its content is read at opening. Notifies
    the organisation's admins and editors after commit.
    """
    with deadline_enforced(), transaction.atomic():
        tender = lock_tender(bid.tender_id)
        row = Bid.objects.select_related("provider").select_for_update(of=("self",)).get(pk=bid.pk)
        if row.state == Bid.State.SUBMITTED and not row.needs_reconfirmation:
            return row
        if not permissions.can_edit_bid(actor, row):
            raise forbidden()
        if row.state != Bid.State.SUBMITTED:
            raise not_allowed(row.get_state_display())
        now = database_now()
        check_open_for_bids(tender, now)
        sealed = SealedBid.objects.filter(bid=row).exists()
        failures = (eligibility_failures if sealed else submission_failures)(row, tender, now)
        if failures:
            raise IncompleteBid(failures, hint=RECONFIRM_HINT)
        row.needs_reconfirmation = False
        row.save(update_fields=["needs_reconfirmation"])
        entry = audit.record(
            row,
            "reconfirmed",
            actor=actor,
            data={"sha256": row.content_sha256, "confirmed_at": iso(now)},
        )
        outbox.enqueue(
            _notices("tenders.bid_reconfirmed", row, tender, actor), key=f"audit:{entry.pk}"
        )
    return row


def bid_discard(*, bid, tender):
    """Discard a draft or withdrawn bid left unsubmitted when its tender closed (the system
    acts; no user). A repeat is a no-op. Audited; tells the organisation's admins and editors
    after commit. Called by the opening of bids."""
    return runner.apply(
        bid,
        "discard",
        actor=None,
        notify=lambda row, entry: _notices("tenders.bid_discarded", row, tender, None),
    )


def _copy_staff_details(bid):
    for member in bid.staff.select_related("staff_member"):
        person = member.staff_member
        member.full_name = person.full_name
        member.position = person.position
        member.qualifications = person.qualifications
        member.save(update_fields=["full_name", "position", "qualifications"])


def _receipt_notices(bid, tender, actor):
    context = {
        **bid_context(bid, tender),
        "received_at": iso(bid.submitted_at),
        "sha256": bid.content_sha256,
        "document_digests": list(bid.documents.values_list("sha256", flat=True)),
    }
    recipients = (actor, *bid_editors(bid.provider_id))
    return [Notice("tenders.bid_submitted", recipients, context, receipt_url(bid))]


def _notices(event, bid, tender, actor):
    recipients = (actor, *bid_editors(bid.provider_id)) if actor else bid_editors(bid.provider_id)
    return [Notice(event, recipients, bid_context(bid, tender), bid_url(bid))]
