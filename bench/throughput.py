"""Background work on the scale programme in objects per second, each against its floor.

Run by ``bench/run.py`` as ``python bench/throughput.py`` with the benchmark's environment; it
prints its figures as JSON, with the dashboard's aggregate against hand-written SQL
(``bench/aggregates.py``). Three pieces of work are measured, each inside a transaction that
is rolled back afterwards, so the programme is left as it was:

* the deadline sweep that opens reports whose period has ended (``grants.open_reports``), one
  batch, run as of a year and a half from now so the programme's scheduled reports are due;
* the outbox relay (``workflows.relay_outbox``), one batch of the notices the programme left
  for it; the messages it hands to the broker are purged from the broker afterwards;
* the evaluation report as a file job (``tenders.evaluation_report``, spreadsheet), started and
  produced for a few completed evaluations, counting the bids each report covers; the files
  are removed from storage afterwards.

The floor of each is a bare save of the same number of rows plus one audit entry each: the
least a background step that changes a row and records it can cost.
"""

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORTS = 5


class RolledBack(Exception):
    pass


def timed(work):
    """``(objects, seconds)`` of ``work()``, which returns how many objects it handled, run in
    a transaction that is rolled back."""
    from django.db import transaction

    measured = {}
    try:
        with transaction.atomic():
            start = time.perf_counter()
            measured["objects"] = work()
            measured["seconds"] = time.perf_counter() - start
            raise RolledBack
    except RolledBack:
        pass
    return measured["objects"], measured["seconds"]


def floor(rows, field):
    """A bare save of each of ``rows`` (``field`` only) and one audit entry each."""
    from workflows import audit

    for row in rows:
        row.save(update_fields=[field])
        audit.record(row, "bench_floor", actor=None)
    return len(rows)


def sweep():
    from django.utils import timezone

    from grants.models import PilotReport
    from workflows import sweeps

    opening = sweeps.registered()["grants.open_reports"]
    now = timezone.now() + datetime.timedelta(days=550)
    due = list(opening.due(now).values_list("pk", flat=True)[: opening.batch_size])
    return (
        lambda: sweeps.run(opening, now),
        lambda: floor(list(PilotReport.objects.filter(pk__in=due)), "next_reminder_on"),
    )


def relay():
    from workflows import tasks
    from workflows.models import OutboxMessage

    def batch():
        return OutboxMessage.objects.filter(published_at__isnull=True).order_by("pk")[
            : tasks.RELAY_BATCH
        ]

    return tasks.relay_outbox, lambda: floor(list(batch()), "published_at")


def export():
    from django.core.files.storage import default_storage

    from tenders.models import Evaluation, Screening
    from tenders.reports.evaluation import XLSX
    from tenders.reports.jobs import EVALUATION_REPORT
    from workflows import jobs

    evaluations = list(
        Evaluation.objects.filter(state="completed").select_related("tender__created_by")[:REPORTS]
    )

    def run():
        objects = 0
        for evaluation in evaluations:
            job = jobs.file_job_start(
                actor=evaluation.tender.created_by,
                kind=EVALUATION_REPORT,
                parameters={"evaluation": evaluation.pk, "kind": XLSX},
                language="en",
            )
            job = jobs.file_job_run(job_id=job.pk)
            default_storage.delete(job.file.name)
            objects += evaluation.tender.bids.filter(state="submitted").count()
        return objects

    def base():
        return floor(list(Screening.objects.filter(evaluation__in=evaluations)), "decided_at")

    return run, base


def measure():
    from portal.celery import app

    figures = {}
    for name, prepare in (
        ("deadline sweep", sweep),
        ("outbox relay", relay),
        ("export job", export),
    ):
        work, base = prepare()
        objects, seconds = timed(work)
        floor_objects, floor_seconds = timed(base)
        rate = objects / seconds if seconds else 0.0
        floor_rate = floor_objects / floor_seconds if floor_seconds else 0.0
        figures[name] = {
            "objects": objects,
            "seconds": round(seconds, 3),
            "objects_per_s": round(rate, 1),
            "floor_objects_per_s": round(floor_rate, 1),
            "ratio": round(rate / floor_rate, 2) if floor_rate else None,
        }
    app.control.purge()
    return figures


def main():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from bench import aggregates

    print(json.dumps({"background": measure(), "aggregates": aggregates.measure()}))


if __name__ == "__main__":
    main()
