"""The scene and the run of the busiest-day load test: a tender closing soon, one verified
organisation with its admin per NGO user, officers' sessions, and locust run headless against
the portal's own web server on loopback for a fixed number of users and seconds."""

import csv
import datetime
import json
import os
import secrets
import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import sign_in
from tests.factories.documents import upload
from tests.factories.portal import PASSWORD
from tests.factories.providers import admin_of
from tests.factories.tenders import bid_ready_tender, eligible_provider
from tests.faults.processes import BASE_DIR, BIN

LOCUSTFILE = BASE_DIR / "tests" / "load" / "locustfile.py"
OFFICERS = 2
# The production web settings: debug off, a secret key of its own, the host named, secure
# cookies and HTTPS as seen behind the TLS proxy.
SECRET_KEY = secrets.token_urlsafe(50)
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    # Static files by their own names, with no collected manifest: the load is on the pages and
    # the worker; the browser stack test serves the collected, hashed files.
    "DJANGO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
}


@dataclass
class Load:
    """How many NGO users, for how long, how fast they arrive and how long they think."""

    users: int
    seconds: int
    spawn_rate: float
    think_seconds: tuple

    @classmethod
    def from_environment(cls):
        """The short form unless ``PORTAL_LOAD_USERS`` and ``PORTAL_LOAD_SECONDS`` say more."""
        users = int(os.environ.get("PORTAL_LOAD_USERS", "20"))
        seconds = int(os.environ.get("PORTAL_LOAD_SECONDS", "60"))
        # Everyone has arrived within the first third of the run and is through the bid's
        # dozen pages well before its end.
        spawn_rate = max(users / (seconds / 3), 1)
        think = (1, 3) if seconds <= 120 else (5, 20)
        return cls(users, seconds, spawn_rate, think)


def closing_tender(load):
    """A tender whose submission deadline falls a few minutes after the load ends."""
    now = timezone.now()
    return bid_ready_tender(
        questions_deadline=now - datetime.timedelta(days=1),
        submission_deadline=now + datetime.timedelta(seconds=load.seconds + 600),
    )


def ngo_accounts(tender, count):
    """One organisation that may bid on ``tender`` per user, signed in by its admin."""
    return [
        {"username": admin_of(eligible_provider(tender)).username, "password": PASSWORD}
        for _ in range(count)
    ]


def officer_sessions(tender):
    """Signed-in sessions of the tender's officer, one per browser, valid on the web server."""
    sessions = []
    with override_settings(SECRET_KEY=SECRET_KEY):
        for _ in range(OFFICERS):
            client = Client()
            sign_in(client, tender.created_by)
            sessions.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                }
            )
    return sessions


def pages(tender):
    return {
        "login": reverse("login"),
        "tenders": reverse("tenders:list"),
        "tender": reverse("tenders:detail", args=[tender.pk]),
        "bid_start": reverse("tenders:bid_start", args=[tender.pk]),
        "my_bids": reverse("tenders:bid_list"),
        "tender_bids": reverse("tenders:tender_bids", args=[tender.pk]),
        "tender_manage": reverse("tenders:manage_detail", args=[tender.pk]),
    }


def write_plan(folder, tender, load):
    document = folder / "work-plan.pdf"
    document.write_bytes(upload("pdf").read())
    plan = {
        "ngo_accounts": ngo_accounts(tender, load.users),
        "officer_sessions": officer_sessions(tender),
        "officers": OFFICERS,
        "pages": pages(tender),
        "think_seconds": list(load.think_seconds),
        "document": str(document),
        "results": str(folder / "results.json"),
    }
    path = folder / "plan.json"
    path.write_text(json.dumps(plan))
    return path


@dataclass
class Figures:
    requests: int
    failures: int
    per_second: float
    p50: float
    p99: float
    results: dict

    def __str__(self):
        return (
            f"{self.requests} requests, {self.per_second:.1f} requests/s, p50 {self.p50:.0f} ms, "
            f"p99 {self.p99:.0f} ms, {self.failures} errors"
        )


def run_locust(folder, host, load, tender):
    """Run locust headless on the plan in ``folder``; its figures and what the users saw."""
    plan = write_plan(folder, tender, load)
    command = [
        str(BIN / "locust"),
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(load.users + OFFICERS),
        "--spawn-rate",
        str(load.spawn_rate),
        "--run-time",
        f"{load.seconds}s",
        "--stop-timeout",
        "60",
        "--host",
        host,
        "--csv",
        str(folder / "locust"),
        "--only-summary",
    ]
    env = {**os.environ, "PORTAL_LOAD_PLAN": str(plan)}
    with (folder / "locust.log").open("wb") as log:
        subprocess.run(
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            timeout=load.seconds + 300,
        )
    with (folder / "locust_stats.csv").open(newline="") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    return Figures(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        per_second=float(total["Requests/s"]),
        p50=float(total["50%"]),
        p99=float(total["99%"]),
        results=json.loads((folder / "results.json").read_text()),
    )
