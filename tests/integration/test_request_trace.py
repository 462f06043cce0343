"""One bid followed through the logs: the submitting request's id is on the worker's lines of
every task the submission caused."""

import json

import pytest
from django.urls import reverse

from tenders.services.fingerprints import bid_fingerprint
from tests.conftest import sign_in
from tests.factories.providers import admin_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider
from tests.integration.conftest import wait_for
from workflows.models import OutboxMessage

pytestmark = pytest.mark.integration


def json_lines(text):
    lines = []
    for line in text.splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


def test_the_worker_logs_each_task_a_bid_submission_caused_with_the_requests_id(
    start_worker, client
):
    worker = start_worker(PORTAL_LOG_FORMAT="json")
    tender = bid_ready_tender()
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    submitter = admin_of(bid.provider)
    sign_in(client, submitter)

    response = client.post(
        reverse("tenders:bid_submit", args=[bid.pk]),
        {"seen_state": "draft", "seen": bid_fingerprint(bid)},
    )

    assert response.status_code == 302
    request_id = response["X-Request-ID"]
    messages = OutboxMessage.objects.filter(event__startswith="tenders.bid_")
    assert messages.exists()
    wait_for(lambda: all(m.delivered_at for m in messages.all()), timeout=30, message="delivery")
    wait_for(
        lambda: worker.output().count("succeeded in") >= messages.count(),
        timeout=10,
        message="every task logged as done",
    )
    traced = [line for line in json_lines(worker.output()) if line["request_id"] == request_id]
    started = [line for line in traced if line["logger"] == "portal.log_context"]
    print(f"worker lines with the request id: {len(traced)}, tasks: {len(started)}")
    assert len(started) == messages.count()
    assert {line["message"] for line in started} == {"Task workflows.deliver_message started"}
    assert len({line["task_id"] for line in started}) == messages.count()
    assert all(line["user_id"] == submitter.pk for line in traced)
    assert any("succeeded in" in line["message"] for line in traced)
