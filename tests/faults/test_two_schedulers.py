"""A second beat replica runs the same schedule (a misconfiguration): while both wake the deadline
sweep every few seconds, 50 tenders reach their deadline, and each is closed once, with one
opening record and one set of mails."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from tenders.models import Tender
from tests.factories.tenders import BidFactory, TenderFactory
from tests.faults.conftest import mail_counts, message_id
from tests.faults.processes import wait_for
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.integration

TENDERS = 50
SWEEP_SECONDS = 2
FIRST_DEADLINE = timedelta(seconds=10)
SPACING = timedelta(seconds=1.2)
OPENING_MAILS = ("tenders.bids_opened", "tenders.bid_opened")


def sweeps_sent(beat):
    return beat.output().count("Sending due task run-deadline-sweeps")


def test_two_beats_on_one_schedule_close_each_tender_once_with_one_record_and_one_set_of_mails(
    running, mail_dir
):
    workers = [running.worker(), running.worker()]
    tenders = []
    for _ in range(TENDERS):
        tender = TenderFactory(
            published=True,
            questions_deadline=timezone.now() - timedelta(days=1),
            submission_deadline=timezone.now() + timedelta(hours=1),
        )
        BidFactory(tender=tender, submitted=True)
        tenders.append(tender)
    beats = [running.beat(PORTAL_TEST_SWEEP_SECONDS=str(SWEEP_SECONDS)) for _ in range(2)]
    started = time.monotonic()
    first = timezone.now() + FIRST_DEADLINE
    for n, tender in enumerate(tenders):
        Tender.objects.filter(pk=tender.pk).update(submission_deadline=first + n * SPACING)

    def all_closed():
        return not Tender.objects.filter(state=Tender.State.PUBLISHED).exists()

    last = first + (TENDERS - 1) * SPACING
    wait_for(all_closed, timeout=(last - timezone.now()).total_seconds() + 60, interval=1)
    opening = OutboxMessage.objects.filter(event__in=OPENING_MAILS)
    wait_for(
        lambda: opening.count() == 4 * TENDERS and not opening.filter(delivered_at=None).exists(),
        timeout=120,
        interval=1,
        message="every opening notice to be delivered",
    )
    # Both schedulers keep going a few more rounds over the closed tenders.
    time.sleep(3 * SWEEP_SECONDS)
    for beat in beats:
        beat.stop()
    together = time.monotonic() - started

    closes = [history(tender).filter(action="close").count() for tender in tenders]
    records = [history(tender).filter(action="bids_opened").count() for tender in tenders]
    closed = Tender.objects.filter(pk__in=[tender.pk for tender in tenders])
    late = [(row.closed_at - row.submission_deadline).total_seconds() for row in closed]
    found = mail_counts(mail_dir)
    emails = opening.filter(channel=OutboxMessage.Channel.EMAIL)
    mailed = [found.get(message_id(message), 0) for message in emails]
    sent = [sweeps_sent(beat) for beat in beats]
    print(
        f"\ntwo beats for {together:.0f}s, sweep every {SWEEP_SECONDS}s, sweeps sent by each: "
        f"{sent}; {TENDERS} deadlines over {(last - first).total_seconds():.0f}s; closes per "
        f"tender: {sorted(set(closes))}; opening records per tender: {sorted(set(records))}; "
        f"closed {min(late):.1f}-{max(late):.1f}s after the deadline; {len(mailed)} opening "
        f"mails, each sent {sorted(set(mailed))} times"
    )
    assert all(count >= 2 for count in sent), "both beats sent the sweep"
    assert not [p.name for p in (*workers, *beats) if "Traceback" in p.output()]
    assert closes == [1] * TENDERS
    assert records == [1] * TENDERS
    assert set(closed.values_list("state", flat=True)) == {Tender.State.CLOSED}
    assert len(mailed) == 2 * TENDERS and set(mailed) == {1}
    assert max(late) < 30
