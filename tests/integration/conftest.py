"""Real Celery workers for the integration tests, run against the pytest-django test database.

Each test gets ``start_worker``: it starts ``celery -A portal worker`` as a subprocess with the
test settings, the test database, this run's Redis broker and queue and a file mail folder,
waits until the worker answers a ping, and stops every worker it started at teardown.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app
from tests.conftest import require
from tests.workflows.brokers import free_port

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")


@pytest.fixture
def real_services():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    require(os.environ.get("REDIS_URL"), "Redis (set REDIS_URL)")
    require(CELERY.exists(), f"the celery command at {CELERY}")


def worker_database_url():
    """The URL of the database this test run created, for the worker to use."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


def wait_for(condition, *, timeout, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


class Worker:
    def __init__(self, process, name, log):
        self.process, self.name, self.log = process, name, log

    @property
    def pid(self):
        return self.process.pid

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def purge(queue):
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def start_worker(real_services, transactional_db, mail_dir, tmp_path):
    """``start_worker(pool="solo", broker_url=None, **env)`` -> a running Worker."""
    workers = []
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    purge(queue)

    def start(*, pool="solo", broker_url=None, **extra_env):
        name = f"wf-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
        log = tmp_path / f"{name.split('@')[0]}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "DATABASE_URL": worker_database_url(),
            # django-environ drops one slash: four make the folder absolute.
            "EMAIL_URL": f"filemail:///{mail_dir}",
            "CELERY_QUEUE": queue,
            "PYTHONPATH": str(BASE_DIR),
            **({"CELERY_BROKER_URL": broker_url} if broker_url else {}),
            **extra_env,
        }
        command = [
            str(CELERY),
            "-A",
            "portal",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "-Q",
            queue,
            "-n",
            name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        worker = Worker(process, name, log)
        workers.append(worker)

        def answers():
            if process.poll() is not None:
                raise AssertionError(f"worker exited:\n{worker.output()}")
            return app.control.ping(destination=[name], timeout=0.5)

        wait_for(answers, timeout=60, message=f"worker {name} to answer a ping")
        return worker

    yield start
    for worker in workers:
        worker.stop()
    purge(queue)


def sent_mails(mail_dir, message):
    """How many times the message's email landed in the mail folder."""
    needle = f"Message-ID: <{message.key.replace(':', '.')}@portal>"
    return sum(path.read_text(errors="replace").count(needle) for path in mail_dir.iterdir())


class RedisServer:
    """A redis-server of the test's own on a fixed port, to stop and start again."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, message="redis-server to start")

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def own_redis(real_services, tmp_path):
    require(shutil.which("redis-server"), "the redis-server command")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
