"""Files produced in the background: exports and reports too slow for a web request.

Domain apps register a producer by name in their ``AppConfig.ready()``::

    jobs.register("app.report", produce, permission=may_read, title=_("Report"))

``produce(job, report_progress)`` returns ``(content_bytes, filename, mime)`` and may call
``report_progress(percent)`` as it goes; ``permission(user, parameters)`` says whether the user
may start the job and, later, download its file (checked again on every download, so a user who
lost a role loses the file too). The page starts a job with ``file_job_start``; the task
``workflows.run_file_job`` produces the file; the owner follows it on the job page.
"""

import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from workflows.errors import DomainError, forbidden, not_allowed
from workflows.models import FileJob

log = logging.getLogger(__name__)

# A job published this long ago and still queued lost its broker message: publish it again.
REPUBLISH_AFTER = timedelta(minutes=10)
# Runs started (first run, redeliveries, relayed runs) before the job is given up as failed.
MAX_ATTEMPTS = 3
# A running job's heartbeat is written this many times within FILE_JOB_STALLED_SECONDS, so a
# slow write or two does not make a working job look stalled.
HEARTBEATS_PER_BOUND = 6
RELAY_BATCH = 100
# Progress is written at most once a second unless it moved by this many points.
PROGRESS_STEP = 10
PROGRESS_INTERVAL = 1.0
# Lost database connections pass; the task retries them. Anything else fails the job at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Producer:
    kind: str
    produce: object
    permission: object
    title: object


_registry = {}


def register(kind, producer, *, permission, title=None):
    """Add (or replace) the producer named ``kind``; ``title`` (translatable) names its files
    on the job page."""
    _registry[kind] = Producer(
        kind=kind, produce=producer, permission=permission, title=title or _("Your file")
    )


def title(job):
    """What the job's file is, for its page."""
    producer = _registry.get(job.kind)
    return producer.title if producer is not None else _("Your file")


def registered():
    return dict(_registry)


def may_download(user, job):
    """Whether ``user`` may have ``job``'s file now: its owner, still allowed by the producer."""
    producer = _registry.get(job.kind)
    return (
        job.owner_id == user.pk
        and job.state == FileJob.State.DONE
        and producer is not None
        and bool(producer.permission(user, job.parameters))
    )


def file_job_start(*, actor, kind, parameters, language=None):
    """Queue the file ``kind`` with ``parameters`` for ``actor`` and return the job.

    Raises DomainError ``forbidden`` when the producer's permission refuses, ``unknown_kind``
    for a producer nobody registered. A repeat while the same job (owner, kind, parameters) is
    queued or running returns that job: a double click starts one job. The task is published
    after commit; a broker that is down leaves the job queued for ``relay``, so the request never
    waits on the broker. ``language`` (by default the active one) is the file's language.
    """
    producer = _registry.get(kind)
    if producer is None:
        raise DomainError("unknown_kind", _("This file cannot be produced."))
    if not producer.permission(actor, parameters):
        raise forbidden()
    fingerprint = _fingerprint(kind, parameters)
    unfinished = FileJob.objects.filter(
        owner=actor, fingerprint=fingerprint, state__in=FileJob.UNFINISHED
    )
    with transaction.atomic():
        job = unfinished.first()
        if job is not None:
            return job
        try:
            with transaction.atomic():
                job = FileJob.objects.create(
                    owner=actor,
                    kind=kind,
                    parameters=parameters,
                    fingerprint=fingerprint,
                    language=(language or translation.get_language() or actor.language)[:2],
                )
        except IntegrityError:
            # The other click of a double click committed first.
            return unfinished.get()
        transaction.on_commit(lambda: publish([job.pk]))
    return job


def file_job_retry(*, actor, job):
    """Start a failed job of ``actor``'s again: a new job of the same kind, parameters and
    language (see ``file_job_start``), returned; the failed job stays as it was, with its error.

    Refuses a job that has not failed (``not_allowed``) and anyone but its owner (``forbidden``);
    the producer's permission is checked again. A repeat while the new job is unfinished returns
    that job, so a double click starts one job.
    """
    if job.owner_id != actor.pk:
        raise forbidden()
    if job.state != FileJob.State.FAILED:
        raise not_allowed(job.get_state_display())
    return file_job_start(
        actor=actor, kind=job.kind, parameters=job.parameters, language=job.language
    )


def publish(ids):
    """Hand jobs to the broker and return the ids it took. A broker that is down fails the
    first job fast and the rest are not tried: they stay for ``relay``."""
    from workflows.tasks import run_file_job

    published = []
    for pk in ids:
        try:
            run_file_job.apply_async((pk,), retry=False)
        except Exception:  # noqa: BLE001 - any broker failure leaves the job for the relay
            log.warning("Broker unavailable; file job %s left for the relay", pk)
            break
        published.append(pk)
    now = timezone.now()
    for job in FileJob.objects.filter(pk__in=published):
        job.published_at = now
        job.save(update_fields=["published_at"])
    return published


def stalled_after():
    """How long a running job may go without a heartbeat before it counts as interrupted."""
    return timedelta(seconds=settings.FILE_JOB_STALLED_SECONDS)


def stalled(now):
    """Running jobs whose worker stopped writing their heartbeat (killed, or cut off)."""
    bound = now - stalled_after()
    return Q(state=FileJob.State.RUNNING) & (
        Q(heartbeat_at__lt=bound) | Q(heartbeat_at__isnull=True, updated_at__lt=bound)
    )


def relay(now=None):
    """Publish queued jobs never published (the broker was down at commit) or published long
    ago, after queueing again the running jobs whose worker was lost (``file_job_interrupted``).
    Safe to repeat: a run of a finished job does nothing."""
    now = now or timezone.now()
    lost = FileJob.objects.filter(stalled(now)).order_by("id").values_list("pk", flat=True)
    for pk in list(lost[:RELAY_BATCH]):
        file_job_interrupted(job_id=pk, now=now)
    due = Q(state=FileJob.State.QUEUED) & (
        Q(published_at__isnull=True) | Q(published_at__lt=now - REPUBLISH_AFTER)
    )
    ids = list(FileJob.objects.filter(due).order_by("id").values_list("pk", flat=True))
    return publish(ids[:RELAY_BATCH])


def file_job_interrupted(*, job_id, now=None):
    """Handle a running job whose heartbeat stopped and return it; None when it is not (or no
    longer) stalled, or another relay holds it.

    A job started fewer than MAX_ATTEMPTS times is queued again, unpublished, to start from the
    beginning (its page says it was interrupted); one started MAX_ATTEMPTS times is failed, and
    its page offers "Try again". Safe to repeat: a queued or finished job is left alone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        job = (
            FileJob.objects.select_for_update(skip_locked=True)
            .filter(stalled(now), pk=job_id)
            .first()
        )
        if job is None:
            return None
        log.warning("File job %s lost its worker on run %s", job.pk, job.attempts)
        if job.attempts >= MAX_ATTEMPTS:
            return _fail(job, f"its worker was lost on each of {job.attempts} runs")
        job.state = FileJob.State.QUEUED
        job.progress = 0
        job.published_at = None
        job.save(update_fields=["state", "progress", "published_at", "updated_at"])
    return job


def file_job_run(*, job_id):
    """Produce the file of job ``job_id``; return the job (None if it no longer exists).

    A finished job is returned as it is, so a repeat or a redelivered message does nothing.
    Otherwise the job is marked running, the producer runs in the job's language and the file is
    stored under a generated name, and the job is done. A producer error fails the job with the
    error (no retry: it would fail again); a lost database connection propagates for the task to
    retry. A job started MAX_ATTEMPTS times fails instead of running again. While the producer
    works, the job's heartbeat is written every few seconds (see ``Heartbeat``).
    """
    with transaction.atomic():
        job = FileJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return job
        if job.attempts >= MAX_ATTEMPTS:
            return _fail(job, f"gave up after {job.attempts} attempts")
        job.state = FileJob.State.RUNNING
        job.attempts += 1
        job.progress = 0
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(
            update_fields=[
                "state",
                "attempts",
                "progress",
                "started_at",
                "heartbeat_at",
                "updated_at",
            ]
        )
    producer = _registry.get(job.kind)
    if producer is None:
        return _fail(job, f"no producer registered for {job.kind}")
    try:
        with translation.override(job.language), Heartbeat(job):
            content, filename, mime = producer.produce(job, ProgressReporter(job.pk))
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        log.exception("File job %s (%s) failed", job.pk, job.kind)
        return _fail(job, _error_text(error))
    return _finish(job, content, filename, mime)


class Heartbeat:
    """Writes the running job's ``heartbeat_at`` from a thread of its own while the block runs,
    whatever the producer is doing; it stops with the block, or with the worker when it is
    killed. Only this run's heartbeat is written: once the relay queued the job again or
    another run started, this one writes nothing more."""

    def __init__(self, job):
        self.job_id, self.attempt = job.pk, job.attempts
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"file-job-{job.pk}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        self.thread.join()

    def _beat(self):
        interval = stalled_after().total_seconds() / HEARTBEATS_PER_BOUND
        this_run = FileJob.objects.filter(
            pk=self.job_id, state=FileJob.State.RUNNING, attempts=self.attempt
        )
        try:
            while not self.stopped.wait(interval):
                try:
                    this_run.update(heartbeat_at=timezone.now())
                except TRANSIENT_ERRORS:
                    # The next beat opens a new connection once the database is back.
                    log.warning("File job %s: heartbeat not written", self.job_id)
                    connection.close()
        finally:
            connection.close()


class ProgressReporter:
    """``report_progress(percent)``: records the job's progress (0-99; done is 100) without a
    database write for every small step."""

    def __init__(self, job_id):
        self.job_id = job_id
        self.written = 0
        self.written_at = None

    def __call__(self, percent):
        percent = max(0, min(99, int(percent)))
        if percent <= self.written:
            return
        moment = time.monotonic()
        recent = self.written_at is not None and moment - self.written_at < PROGRESS_INTERVAL
        if recent and percent - self.written < PROGRESS_STEP:
            return
        job = FileJob.objects.filter(pk=self.job_id, state=FileJob.State.RUNNING).first()
        if job is None:
            return
        job.progress = percent
        job.save(update_fields=["progress", "updated_at"])
        self.written, self.written_at = percent, moment


def _finish(job, content, filename, mime):
    with transaction.atomic():
        row = FileJob.objects.select_for_update().get(pk=job.pk)
        if row.finished:
            return row
        row.file.save("", ContentFile(content), save=False)
        row.file_name = filename
        row.mime = mime
        row.state = FileJob.State.DONE
        row.progress = 100
        row.error = ""
        row.finished_at = timezone.now()
        row.save(
            update_fields=[
                "file",
                "file_name",
                "mime",
                "state",
                "progress",
                "error",
                "finished_at",
                "updated_at",
            ]
        )
    return row


def _fail(job, error):
    with transaction.atomic():
        row = FileJob.objects.select_for_update().get(pk=job.pk)
        if row.finished:
            return row
        row.state = FileJob.State.FAILED
        row.error = error
        row.finished_at = timezone.now()
        row.save(update_fields=["state", "error", "finished_at", "updated_at"])
    return row


def _error_text(error):
    if isinstance(error, DomainError):
        return str(error.message)
    return f"{type(error).__name__}: {error}"[:2000]


def _fingerprint(kind, parameters):
    canonical = json.dumps([kind, parameters], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
