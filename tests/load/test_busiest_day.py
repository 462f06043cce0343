"""The busiest day: NGO users prepare and submit their bids in the last minutes before a
deadline while officers browse the bid list and a worker sends the receipts, on gunicorn with
the production settings, PostgreSQL, Redis and a real Celery worker and beat. No bid answered
with its receipt is lost, no receipt is mailed twice and no page fails.

The short form (20 users for one minute) runs with the suite; ``make load`` runs the full one.
"""

import pytest

from tenders.models import Bid
from tests.faults.conftest import mail_counts, message_id
from tests.faults.processes import wait_for
from tests.load.busiest_day import PRODUCTION, Load, closing_tender, run_locust
from workflows.models import OutboxMessage

pytestmark = pytest.mark.integration

RECEIPT = "tenders.bid_submitted"


def test_every_bid_submitted_under_load_is_stored_and_receipted_once_without_a_server_error(
    running, mail_dir, tmp_path
):
    load = Load.from_environment()
    tender = closing_tender(load)
    running.worker()
    running.beat()
    web = running.web(**PRODUCTION)

    figures = run_locust(tmp_path, web.url(""), load, tender)

    answered = figures.results["submitted"]
    stored = set(
        Bid.objects.filter(tender=tender, state=Bid.State.SUBMITTED).values_list("pk", flat=True)
    )
    receipts = OutboxMessage.objects.filter(event=RECEIPT, channel=OutboxMessage.Channel.EMAIL)
    wait_for(
        lambda: receipts.count() == len(stored) and not receipts.filter(delivered_at=None).exists(),
        timeout=240,
        interval=1,
        message="every receipt to be mailed",
    )
    found = mail_counts(mail_dir)
    mailed = {message.url: found.get(message_id(message), 0) for message in receipts}
    statuses = figures.results["statuses"]
    server_errors = sum(count for status, count in statuses.items() if status.startswith("5"))
    print(
        f"\n{load.users} NGO users and 2 officers for {load.seconds}s on gunicorn: {figures}; "
        f"answers by status {dict(sorted(statuses.items()))}; {len(answered)} bids answered "
        f"with their receipt, {len(stored)} stored as submitted; mails per receipt: "
        f"{sorted(set(mailed.values()))} over {len(mailed)} receipts"
    )
    assert answered, "no user got as far as submitting a bid"
    assert len(answered) == len(set(answered)) == len(stored)
    assert set(answered) == stored
    assert len(mailed) == len(stored) and set(mailed.values()) == {1}
    assert server_errors == 0
    assert figures.failures == 0, figures.results["errors"][:10]
