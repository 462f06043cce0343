from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.celery import app
from tests.factories.portal import UserFactory
from workflows import monitoring, sweeps
from workflows.models import FileJob

pytestmark = pytest.mark.django_db

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def unreachable_broker():
    """Point the Celery app at a port nobody listens on, and put the real broker back after."""
    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = CLOSED_PORT_BROKER
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    yield
    app.conf.broker_url, app.conf.broker_transport_options = saved


@pytest.fixture
def broken_storage(settings, tmp_path):
    """File storage whose folder cannot exist: its parent is a plain file."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")


@pytest.fixture
def on_schedule():
    for name in monitoring.scheduled_names():
        sweeps.record_run(name)


def test_health_is_200_when_database_broker_and_storage_answer(client, on_schedule):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"ok": True},
        "broker": {"ok": True},
        "storage": {"ok": True, "backend": "FileSystemStorage"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_naming_the_broker_when_it_is_unreachable(client, unreachable_broker):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "down"
    assert report["broker"]["ok"] is False
    assert report["database"] == {"ok": True}
    assert report["storage"] == {"ok": True, "backend": "FileSystemStorage"}


def test_health_is_503_naming_storage_when_files_cannot_be_written(client, broken_storage):
    response = client.get(reverse("health"))
    assert response.status_code == 503
    report = response.json()
    assert report["storage"]["ok"] is False
    assert report["broker"] == {"ok": True}


def test_health_shows_error_details_only_in_debug_mode(client, settings, unreachable_broker):
    settings.DEBUG = False
    assert "error" not in client.get(reverse("health")).json()["broker"]
    settings.DEBUG = True
    assert "127.0.0.1:1" in client.get(reverse("health")).json()["broker"]["error"]


def test_the_broker_is_restored_after_the_unreachable_broker_test(client):
    assert app.conf.broker_url != CLOSED_PORT_BROKER
    assert client.get(reverse("health")).status_code == 200


def test_health_is_200_but_degraded_naming_a_sweep_not_run_on_schedule(client, on_schedule):
    sweeps.record_run("tenders.open_bids", now=timezone.now() - timedelta(minutes=20))
    response = client.get(reverse("health"))
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["late"] == {"sweeps": ["tenders.open_bids"]}
    assert report["database"] == {"ok": True}


def test_health_is_degraded_counting_stuck_file_jobs(client, on_schedule):
    job = FileJob.objects.create(owner=UserFactory(), kind="tenders.export", fingerprint="a")
    FileJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    report = client.get(reverse("health")).json()
    assert (report["status"], report["late"]) == ("degraded", {"file_jobs": 1})
