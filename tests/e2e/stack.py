"""The portal as production runs it, started on this machine for one test.

gunicorn serves ``portal.settings`` with debug off and the static files collected into a
manifest (WhiteNoise's ``CompressedManifestStaticFilesStorage``); a Celery worker and beat run
on this test run's Redis under a queue of their own; documents go to the S3 bucket of the test
run; the database is pytest-django's test database. The only allowance for a test is
``DJANGO_LOOPBACK_HTTP``: plain HTTP on 127.0.0.1, since no HTTPS proxy stands in front.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.faults.processes import database_url, wait_for
from tests.storage import BUCKET, REGION, free_port

BIN = Path(sys.executable).parent
BASE_DIR = Path(settings.BASE_DIR)
# Settings read from the environment that the stack sets itself: none leaks in from the test run.
OWN_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "CELERY_", "EMAIL_", "AWS_", "PORTAL_")


class Stack:
    """Web, worker and beat processes; ``url`` is where gunicorn listens."""

    def __init__(self, folder, s3_server, queue):
        self.folder = folder
        self.queue = queue
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes = {}
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(OWN_VARIABLES)}
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_LOOPBACK_HTTP": "true",
            "DJANGO_STATICFILES_STORAGE": (
                "whitenoise.storage.CompressedManifestStaticFilesStorage"
            ),
            "PORTAL_VAR_DIR": str(folder / "var"),
            "PORTAL_SITE_URL": self.url,
            "DATABASE_URL": database_url(connection.settings_dict),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_QUEUE": queue,
            "EMAIL_URL": f"filemail:///{folder / 'mail'}",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": s3_server.endpoint_url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": s3_server.access_key,
            "AWS_SECRET_ACCESS_KEY": s3_server.secret_key,
            "PYTHONPATH": str(BASE_DIR),
        }

    def manage(self, *arguments):
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self):
        self.manage("collectstatic", "--noinput")
        self.spawn(
            "web",
            BIN / "gunicorn",
            "portal.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            "--workers=2",
            "--timeout=60",
        )
        self.spawn(
            "worker",
            BIN / "celery",
            "--app=portal",
            "worker",
            "--pool=solo",
            f"--queues={self.queue}",
            f"--hostname={self.queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        )
        self.spawn(
            "beat",
            BIN / "celery",
            "--app=portal",
            "beat",
            f"--pidfile={self.folder / 'beat.pid'}",
            "--loglevel=INFO",
        )
        wait_for(self.healthy, timeout=120, message="the stack's /health/ to answer 200")

    def spawn(self, name, *command):
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            [str(part) for part in command],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def health(self):
        """``(status code, report)`` of the stack's /health/."""
        try:
            with urllib.request.urlopen(f"{self.url}/health/", timeout=10) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    def healthy(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"{name} exited:\n{self.output(name)}")
        try:
            return self.health()[0] == 200
        except OSError:  # not listening yet, or still starting its workers
            return False

    def output(self, name):
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
