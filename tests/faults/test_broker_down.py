"""The broker stops for a minute while NGOs submit bids: every bid is stored, every submitter
gets the receipt page at once, and once Redis is back every receipt is mailed and shown in the
portal exactly once."""

import time

import pytest
from django.urls import reverse

from tenders.models import Bid
from tenders.services.fingerprints import bid_fingerprint
from tests.conftest import sign_in
from tests.factories.providers import admin_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider
from tests.faults.conftest import mail_counts, message_id
from tests.faults.processes import wait_for
from tests.workflows.brokers import Stopwatch
from workflows import outbox
from workflows.models import Notification, OutboxMessage

pytestmark = pytest.mark.integration

BIDS = 200
OUTAGE_SECONDS = 60
RECEIPT = "tenders.bid_submitted"


@pytest.fixture
def broker_waits(monkeypatch):
    """How long each hand-over of outbox messages to the broker took, in seconds: the time a
    request spends on the broker (the rest of it is the machine's, and varies with its load)."""
    waits = []
    publish = outbox.publish

    def timed(ids):
        with Stopwatch() as wait:
            published = publish(ids)
        waits.append(wait.seconds)
        return published

    monkeypatch.setattr(outbox, "publish", timed)
    return waits


def submit(client, bid):
    """Post the submit page as its organisation's admin; ``(seconds, response)``."""
    sign_in(client, admin_of(bid.provider))
    with Stopwatch() as request:
        response = client.post(
            reverse("tenders:bid_submit", args=[bid.pk]),
            {"seen_state": "draft", "seen": bid_fingerprint(bid)},
        )
    return request.seconds, response


def test_bids_submitted_while_the_broker_is_down_are_stored_and_each_receipt_sent_once_after(
    running, redis_server, mail_dir, client, broker_waits
):
    worker = running.worker()
    running.beat()
    tender = bid_ready_tender()
    bids = [
        BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
        for _ in range(BIDS)
    ]

    redis_server.stop()
    stopped = time.monotonic()
    published_before = len(broker_waits)
    answers = [submit(client, bid) for bid in bids]
    submitting = time.monotonic() - stopped
    time.sleep(max(0.0, OUTAGE_SECONDS - submitting))
    outage = time.monotonic() - stopped
    unpublished = OutboxMessage.objects.filter(event=RECEIPT, published_at__isnull=True).count()
    redis_server.start()
    restarted = time.monotonic()

    receipts = OutboxMessage.objects.filter(event=RECEIPT)
    wait_for(
        lambda: receipts.count() == 2 * BIDS and not receipts.filter(delivered_at=None).exists(),
        timeout=240,
        interval=1,
        message="every receipt to be delivered after the broker came back",
    )
    recovery = time.monotonic() - restarted
    slowest = max(seconds for seconds, _ in answers)
    waits = broker_waits[published_before:]
    redirected = [
        response
        for _, response in answers
        if response.status_code == 302 and "/receipt/" in response["Location"]
    ]
    found = mail_counts(mail_dir)
    emails = receipts.filter(channel=OutboxMessage.Channel.EMAIL)
    mailed = [found.get(message_id(message), 0) for message in emails]
    notices = Notification.objects.filter(message__event=RECEIPT)
    print(
        f"\nbroker down {outage:.1f}s; {BIDS} submissions took {submitting:.1f}s, slowest "
        f"request {slowest:.3f}s, of which on the broker at most {max(waits):.3f}s; "
        f"{len(redirected)} answered with the receipt page; "
        f"{unpublished} receipts left unpublished during the outage; every receipt delivered "
        f"{recovery:.1f}s after the broker came back; mails per receipt: "
        f"{sorted(set(mailed))}, {len(mailed)} receipt mails; {notices.count()} in-app notices"
    )
    assert Bid.objects.filter(tender=tender, state=Bid.State.SUBMITTED).count() == BIDS
    assert len(redirected) == BIDS
    assert len(waits) == BIDS and max(waits) < 3
    assert unpublished == 2 * BIDS
    assert len(mailed) == BIDS and set(mailed) == {1}
    assert notices.count() == BIDS
    assert notices.values("message").distinct().count() == BIDS
    assert worker.running(), "the worker waited the outage out"
