"""A slow export for the worker tests: it takes ``SLOW_EXPORT_SECONDS`` (default none) and
reports its progress ten times on the way, so a test can kill its worker in the middle."""

import os
import time

SLOW_EXPORT = "example_app.slow_export"


def produce(job, report_progress):
    pause = float(os.environ.get("SLOW_EXPORT_SECONDS", "0")) / 10
    for step in range(10):
        report_progress(step * 10)
        time.sleep(pause)
    rows = int(job.parameters.get("rows", 1))
    content = "".join(f"row {n}\n" for n in range(rows)).encode()
    return content, "rows.csv", "text/csv; charset=utf-8"


def may_export(user, parameters):
    return user is not None and user.is_active


def register():
    from workflows import jobs

    jobs.register(SLOW_EXPORT, produce, permission=may_export, title="Rows")
