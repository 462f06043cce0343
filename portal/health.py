"""Health checks of the parts the portal needs: database, broker and file storage."""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from portal.celery import app
from workflows import monitoring


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_broker():
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def check_storage():
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                raise OSError("storage returned other content")
    finally:
        default_storage.delete(name)


CHECKS = {"database": check_database, "broker": check_broker, "storage": check_storage}


def check_all():
    report = {}
    for part, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001 - every failure is reported, none raised
            report[part] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        else:
            report[part] = {"ok": True}
    # Which storage answered (or not): a local folder and a bucket fail in different ways.
    report["storage"]["backend"] = settings.STORAGES["default"]["BACKEND"].rsplit(".", 1)[-1]
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:
        report["storage"]["bucket"] = bucket
    return report


def status_of(report):
    """``(status, late)``: "down" when a part fails, "degraded" when every part answers but
    work is late (a sweep not run on schedule, stuck messages or file jobs), else "ok"."""
    if not all(result["ok"] for result in report.values()):
        return "down", {}
    late = monitoring.late_summary()
    return ("degraded" if late else "ok"), late
