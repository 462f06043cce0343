from datetime import timedelta

import pytest
from django.utils import timezone

from tenders.models import Bid, Tender
from tenders.services.opening import opening_entry, tender_open_bids, tenders_due_for_opening
from tests.factories.providers import admin_of, member_of
from tests.factories.tenders import BidFactory, TenderFactory, bid_ready_tender, eligible_provider
from workflows import sweeps
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

SWEEP = "tenders.open_bids"


@pytest.fixture
def tender():
    return bid_ready_tender(submission_deadline=timezone.now() + timedelta(days=2))


def _bid(tender, **kwargs):
    return BidFactory(tender=tender, provider=eligible_provider(tender), **kwargs)


def _submitted(tender):
    # Inserted as submitted: on PostgreSQL a submission made in this test's transaction would be
    # judged against the moved deadline when Django checks deferred constraints at teardown.
    return _bid(tender, submitted=True)


def _pass_deadline(tender):
    """Move the deadline just behind us: on PostgreSQL the database's clock is the judge, so
    the deadline moves rather than the clock."""
    Tender.objects.filter(pk=tender.pk).update(
        submission_deadline=timezone.now() - timedelta(seconds=1)
    )
    tender.refresh_from_db()


def _run_sweep():
    return sweeps.run(sweeps.registered()[SWEEP], timezone.now())


def test_the_opening_sweep_is_registered():
    assert SWEEP in sweeps.registered()
    assert "tenders.bid_reminders" in sweeps.registered()


def test_only_published_tenders_past_their_deadline_are_due(tender):
    TenderFactory(closed=True)
    TenderFactory(published=True, submission_deadline=timezone.now() - timedelta(minutes=1))
    assert tender not in tenders_due_for_opening(timezone.now())
    assert tender in tenders_due_for_opening(tender.submission_deadline)


def test_opening_closes_the_tender_and_records_every_submitted_bid(
    tender, django_capture_on_commit_callbacks
):
    first, second = _submitted(tender), _submitted(tender)
    _pass_deadline(tender)
    with django_capture_on_commit_callbacks() as callbacks:
        assert _run_sweep() == 1
    tender.refresh_from_db()
    assert tender.state == Tender.State.CLOSED
    assert tender.closed_at is not None
    assert history(tender).get(action="close").actor is None
    record = opening_entry(tender).data
    assert [entry["bid_id"] for entry in record["bids"]] == [first.pk, second.pk]
    opened = record["bids"][0]
    document = first.documents.get()
    assert opened == {
        "bid_id": first.pk,
        "provider_id": first.provider_id,
        "provider_name": first.provider.name_tk,
        "received_at": first.submitted_at.isoformat(),
        "sha256": first.content_sha256,
        "needs_reconfirmation": False,
        "documents": [
            {"name": document.original_name, "title": document.title, "sha256": document.sha256}
        ],
    }
    assert callbacks


def test_the_officer_and_every_bidder_are_told(tender):
    first, second = _submitted(tender), _submitted(tender)
    editor = member_of(second.provider)
    OutboxMessage.objects.all().delete()
    _pass_deadline(tender)
    _run_sweep()
    officer_messages = OutboxMessage.objects.filter(event="tenders.bids_opened")
    assert set(officer_messages.values_list("recipient", flat=True)) == {tender.created_by_id}
    assert officer_messages.first().context["bid_count"] == 2
    bidders = OutboxMessage.objects.filter(event="tenders.bid_opened")
    assert set(bidders.values_list("recipient", flat=True)) == {
        admin_of(first.provider).pk,
        admin_of(second.provider).pk,
        editor.pk,
    }


def test_drafts_and_withdrawn_bids_are_discarded_and_their_owners_told(tender):
    _submitted(tender)
    draft = _bid(tender)
    withdrawn = _bid(tender, withdrawn=True)
    _pass_deadline(tender)
    _run_sweep()
    for bid in (draft, withdrawn):
        bid.refresh_from_db()
        assert bid.state == Bid.State.DISCARDED
        assert OutboxMessage.objects.filter(
            event="tenders.bid_discarded", recipient=admin_of(bid.provider)
        ).exists()
    record = opening_entry(tender).data
    assert len(record["bids"]) == 1 and record["discarded"] == 2


def test_opening_twice_writes_one_record(tender):
    _submitted(tender)
    _pass_deadline(tender)
    _run_sweep()
    assert _run_sweep() == 0
    tender_open_bids(tender=tender)
    assert history(tender).filter(action="bids_opened").count() == 1
    assert OutboxMessage.objects.filter(event="tenders.bids_opened").count() == 2


def test_nothing_happens_before_the_deadline(tender):
    _submitted(tender)
    tender_open_bids(tender=tender)
    tender.refresh_from_db()
    assert tender.state == Tender.State.PUBLISHED
    assert opening_entry(tender) is None


def test_a_cancelled_tender_is_never_opened():
    tender = TenderFactory(cancelled=True, submission_deadline=timezone.now() - timedelta(days=1))
    tender_open_bids(tender=tender)
    assert opening_entry(tender) is None


def test_without_a_submitted_bid_the_tender_ends_unsuccessful(tender):
    draft = _bid(tender)
    _pass_deadline(tender)
    _run_sweep()
    tender.refresh_from_db()
    assert tender.state == Tender.State.UNSUCCESSFUL
    assert history(tender).get(action="end_unsuccessful").actor is None
    assert opening_entry(tender).data == {"bids": [], "discarded": 1}
    unsuccessful = OutboxMessage.objects.filter(event="tenders.bid_opening_unsuccessful")
    assert set(unsuccessful.values_list("recipient", flat=True)) == {
        tender.created_by_id,
        admin_of(draft.provider).pk,
    }


def test_an_empty_tender_ends_unsuccessful_once(tender):
    _pass_deadline(tender)
    _run_sweep()
    tender_open_bids(tender=tender)
    tender.refresh_from_db()
    assert tender.state == Tender.State.UNSUCCESSFUL
    assert history(tender).filter(action="end_unsuccessful").count() == 1


def test_a_bid_awaiting_reconfirmation_is_opened_and_flagged(tender):
    bid = _submitted(tender)
    Bid.objects.filter(pk=bid.pk).update(needs_reconfirmation=True)
    _pass_deadline(tender)
    _run_sweep()
    assert opening_entry(tender).data["bids"][0]["needs_reconfirmation"] is True
    bid.refresh_from_db()
    assert bid.state == Bid.State.SUBMITTED


def test_the_opening_notifications_carry_no_bid_content(tender):
    _submitted(tender)
    _pass_deadline(tender)
    _run_sweep()
    for message in OutboxMessage.objects.all():
        assert "Our approach" not in str(message.context)
