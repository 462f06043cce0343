"""A second beat replica runs the same schedule (a misconfiguration): both wake the deadline
sweep every few seconds for 5 minutes while 50 tenders reach their deadlines, spread over that
window, and each is closed once, with one opening record and one set of mails."""

import re
import time
from datetime import datetime, timedelta

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
WINDOW = timedelta(minutes=5)
# The first deadline comes soon after both beats run, the last leaves time for its sweep and
# mails inside the window.
FIRST_DEADLINE = timedelta(seconds=10)
LAST_DEADLINE = WINDOW - timedelta(seconds=30)
SPACING = (LAST_DEADLINE - FIRST_DEADLINE) / (TENDERS - 1)
OPENING_MAILS = ("tenders.bids_opened", "tenders.bid_opened")
MOMENT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")


def sweeps_sent(beat):
    """The moments at which ``beat`` sent the deadline sweep."""
    lines = beat.output().splitlines()
    return [
        datetime.fromisoformat(MOMENT.search(line).group().replace("T", " "))
        for line in lines
        if "Sending due task run-deadline-sweeps" in line
    ]


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
    closed = Tender.objects.filter(pk__in=[tender.pk for tender in tenders])
    opening = OutboxMessage.objects.filter(event__in=OPENING_MAILS)

    def delivered():
        return opening.count() == 4 * TENDERS and not opening.filter(delivered_at=None).exists()

    # Both beats run the whole window, whatever happens on the way.
    while time.monotonic() - started < WINDOW.total_seconds():
        assert all(beat.running() for beat in beats), [beat.output() for beat in beats]
        time.sleep(1)
    wait_for(delivered, timeout=120, interval=1, message="every opening notice to be delivered")
    running_to_the_end = [beat.running() for beat in beats]
    for beat in beats:
        beat.stop()
    together = time.monotonic() - started

    closes = [history(tender).filter(action="close").count() for tender in tenders]
    records = [history(tender).filter(action="bids_opened").count() for tender in tenders]
    late = [(row.closed_at - row.submission_deadline).total_seconds() for row in closed]
    found = mail_counts(mail_dir)
    emails = opening.filter(channel=OutboxMessage.Channel.EMAIL)
    mailed = [found.get(message_id(message), 0) for message in emails]
    sent = [sweeps_sent(beat) for beat in beats]
    spans = [(moments[-1] - moments[0]).total_seconds() if moments else 0 for moments in sent]
    print(
        f"\ntwo beats for {together:.0f}s, sweep every {SWEEP_SECONDS}s, sweeps sent by each: "
        f"{[len(moments) for moments in sent]} over {[round(span) for span in spans]}s; "
        f"{TENDERS} deadlines {SPACING.total_seconds():.1f}s apart over "
        f"{(LAST_DEADLINE - FIRST_DEADLINE).total_seconds():.0f}s; closes per tender: "
        f"{sorted(set(closes))}; opening records per tender: {sorted(set(records))}; closed "
        f"{min(late):.1f}-{max(late):.1f}s after the deadline; {len(mailed)} opening mails, "
        f"each sent {sorted(set(mailed))} times"
    )
    assert running_to_the_end == [True, True]
    # Each beat kept sending the sweep from the first deadline to the last.
    assert all(span >= (LAST_DEADLINE - FIRST_DEADLINE).total_seconds() for span in spans)
    # What a process logged from its first traceback on, so a failure says what went wrong.
    failed = {
        p.name: p.output()[max(p.output().index("Traceback") - 300, 0) :]
        for p in (*workers, *beats)
        if "Traceback" in p.output()
    }
    assert not failed, failed
    assert closes == [1] * TENDERS
    assert records == [1] * TENDERS
    assert set(closed.values_list("state", flat=True)) == {Tender.State.CLOSED}
    assert len(mailed) == 2 * TENDERS and set(mailed) == {1}
    assert max(late) < 30
