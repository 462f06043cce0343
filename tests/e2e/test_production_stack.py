"""The whole life of a tender and its grant on the portal as production runs it.

The story of ``test_lifecycle.py``, step for step, against gunicorn with production settings,
a Celery worker and beat on Redis and documents in the S3 bucket (``tests/e2e/stack.py``).
The servers' clocks cannot be moved, so this calendar brings each due moment back to the
present instead (a deadline, the standstill's end, the grant's dates), asks the worker for a
sweep through the broker, as beat does every minute, and waits for the worker to deliver what
the sweep sent.
"""

import datetime
import hashlib
import re
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from grants.models import AgreementDocument, GrantAgreement, PilotReport
from portal.celery import app
from providers.models import ProviderDocument
from tenders.models import AwardDecision
from tests.conftest import require
from tests.e2e.conftest import page_opener
from tests.e2e.stack import BIN, Stack
from tests.e2e.test_lifecycle import (
    bring_the_submission_deadline_back,
    live_from_sign_up_to_a_paid_tranche,
)
from tests.factories.documents import pdf_bytes
from tests.integration.conftest import purge, wait_for
from tests.storage import BUCKET, REGION
from workflows import preferences
from workflows.models import OutboxMessage, SweepRun

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

# Sweeps run in name order, from the first to the last the story waits for (grants starting,
# reports opening, awards becoming final, bids opening).
FIRST_SWEEP = "grants.activate_agreements"
LAST_SWEEP = "tenders.questions_reminder"
# A sweep, an activation and a delivery each take well under this on the worker.
PATIENCE = 60
# A name collectstatic's manifest gave a file: its content's hash before the extension.
HASHED = re.compile(r"\.[0-9a-f]{12}\.css$")


@pytest.fixture
def stack(transactional_db, s3_server, settings, tmp_path):
    """The production stack, running on this test's database; what it stored in the bucket is
    deleted afterwards."""
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    require(django_settings.CELERY_BROKER_URL.startswith("redis"), "Redis (set REDIS_URL)")
    require((BIN / "gunicorn").exists(), f"gunicorn at {BIN}")
    # The stack hashes passwords as production does; the test's users must log in there.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    # Rows the test writes itself (an organisation's papers) go to the stack's bucket too.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server.endpoint_url,
                "region_name": REGION,
                "access_key": s3_server.access_key,
                "secret_key": s3_server.secret_key,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    running = Stack(tmp_path, s3_server, f"{django_settings.CELERY_TASK_DEFAULT_QUEUE}-stack")
    purge(running.queue)
    before = set(bucket_keys(s3_server))
    try:
        running.start()
        yield running
    finally:
        running.stop()
        purge(running.queue)
        for key in set(bucket_keys(s3_server)) - before:
            s3_server.client.delete_object(Bucket=BUCKET, Key=key)


def bucket_keys(s3_server):
    pages = s3_server.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
    return [entry["Key"] for page in pages for entry in page.get("Contents", ())]


@pytest.fixture
def new_page(browser, stack):
    with page_opener(browser, stack.url) as open_page:
        yield open_page


class ServerCalendar:
    """The story's calendar on the stack: each due moment is brought back to the present, and
    the sweeps and deliveries are the worker's."""

    def __init__(self, stack):
        self.stack = stack

    def pass_the_submission_deadline(self, tender):
        bring_the_submission_deadline_back(tender)

    def end_the_standstill(self, decision):
        AwardDecision.objects.filter(pk=decision.pk).update(
            standstill_ends_at=timezone.now() - datetime.timedelta(seconds=1)
        )

    def reach_the_start(self, agreement):
        # Right after one of beat's own sweeps, so the next (a minute later) cannot activate
        # the grant before its officer does: that wait also shows beat at work.
        before = last_sweep()
        wait_for(
            lambda: last_sweep() != before, timeout=90, message="beat's next run of the sweeps"
        )
        agreement.refresh_from_db()
        move_the_grant_back(agreement, agreement.start_date - timezone.localdate())

    def end_the_period(self, report):
        report.refresh_from_db()
        day_after = report.period_end + datetime.timedelta(days=1)
        move_the_grant_back(report.agreement, day_after - timezone.localdate())

    def sweep(self):
        sent = timezone.now()
        app.send_task("workflows.run_sweeps", queue=self.stack.queue)
        wait_for(lambda: swept_since(sent), timeout=PATIENCE, message="the worker's sweep")
        wait_for(nothing_to_deliver, timeout=PATIENCE, message="the worker's deliveries")


def last_sweep():
    return ran_at(LAST_SWEEP)


def ran_at(name):
    run = SweepRun.objects.filter(name=name).first()
    return run.last_success_at if run else None


def swept_since(moment):
    """Whether a whole pass of the sweeps ran after ``moment``: its first sweep ended after it
    (a pass under way at ``moment`` may have read the rows before they were due) and its last
    one ended after the first."""
    first, last = ran_at(FIRST_SWEEP), ran_at(LAST_SWEEP)
    return first is not None and last is not None and moment < first <= last


def nothing_to_deliver():
    pending = OutboxMessage.objects.filter(delivered_at__isnull=True)
    return not pending.exclude(preferences.held()).exists()


def move_the_grant_back(agreement, days):
    """Every date of ``agreement`` and its reports ``days`` earlier: the grant's calendar as it
    would stand had the clock moved ``days`` forward. Reports move earliest first, so no two
    share a period on the way."""
    if days <= datetime.timedelta(0):
        return
    GrantAgreement.objects.filter(pk=agreement.pk).update(
        start_date=agreement.start_date - days, end_date=agreement.end_date - days
    )
    reports = PilotReport.objects.filter(agreement=agreement)
    for report in reports.order_by("period_start", "number"):
        PilotReport.objects.filter(pk=report.pk).update(
            period_start=report.period_start - days,
            period_end=report.period_end - days,
            due_date=report.due_date - days,
        )


class Fetched:
    def __init__(self, status, headers, text):
        self.status, self.headers, self.text = status, headers, text


def fetch(stack, path):
    try:
        with urllib.request.urlopen(f"{stack.url}{path}", timeout=10) as response:
            return Fetched(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as error:
        return Fetched(error.code, error.headers, error.read().decode())


def bucket_holds(s3_server, name):
    body = s3_server.client.get_object(Bucket=BUCKET, Key=name)["Body"].read()
    return hashlib.sha256(body).hexdigest()


def test_the_lifecycle_runs_on_gunicorn_celery_redis_and_the_bucket(
    new_page, stack, s3_server, capsys
):
    home = fetch(stack, "/")
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', home.text)
    missing = fetch(stack, "/no-such-page/")
    assert stylesheets and all(HASHED.search(path) for path in stylesheets), stylesheets
    assert fetch(stack, stylesheets[0]).status == 200
    assert missing.status == 404
    assert "Django tried these URL patterns" not in missing.text
    started = time.monotonic()

    live_from_sign_up_to_a_paid_tranche(new_page, ServerCalendar(stack))

    with capsys.disabled():
        took = time.monotonic() - started
        print(f"\nThe lifecycle ran on gunicorn, Celery, Redis and S3 in {took:.0f} s.")
    signed = AgreementDocument.objects.get()
    assert bucket_holds(s3_server, signed.file.name) == signed.sha256
    assert signed.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    for document in ProviderDocument.objects.all():
        assert bucket_holds(s3_server, document.file.name) == document.sha256
    status, report = stack.health()
    assert status == 200, report
    assert report["storage"] == {"ok": True, "backend": "S3Storage", "bucket": BUCKET}
    assert "workflows.deliver_message" in stack.output("worker")
    assert "Sending due task" in stack.output("beat")
    for name in ("web", "worker", "beat"):
        assert "Traceback" not in stack.output(name), stack.output(name)
