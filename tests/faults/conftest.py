"""Fixtures of the fault tests: servers of the test's own and portal processes pointed at them.

``redis_server`` is a redis-server on a free port that the test may stop and start; this
process's Celery app publishes to it for the whole test. ``running`` starts workers, beats and
web servers on the test database, that broker, the test's mail folder and this run's queue, and
stops every one it started when the test ends. ``pg_cluster`` is a PostgreSQL cluster of the
test's own, for a test that stops the database.
"""

import email
import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app
from tests.conftest import require
from tests.faults import processes
from tests.faults.processes import PostgresCluster, RedisServer, wait_for
from tests.workflows.brokers import broker


@pytest.fixture
def real_services():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    require(os.environ.get("REDIS_URL"), "Redis (set REDIS_URL)")
    require(shutil.which("redis-server"), "the redis-server command")
    require(processes.CELERY.exists(), f"the celery command at {processes.CELERY}")


@pytest.fixture
def mail_dir(tmp_path):
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def redis_server(real_services, tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    with broker(server.url):
        yield server
    server.stop()


@pytest.fixture
def pg_cluster(real_services, transactional_db):
    """A PostgreSQL cluster of the test's own, holding ``portal``: a copy of the test database
    (its tables and reference data)."""
    require(
        (processes.POSTGRES_BIN / "initdb").exists(),
        f"PostgreSQL's initdb in {processes.POSTGRES_BIN}",
    )
    cluster = PostgresCluster().create()
    try:
        cluster.start()
        cluster.copy_database(connection.settings_dict, "portal")
        yield cluster
    finally:
        cluster.remove()


# A file job whose heartbeat is older than BOUND seconds lost its worker; the relay looks every
# RELAY seconds: the environment of the workers and beats of a test that kills a job's worker.
BOUND = 12
RELAY = 2
STALLED = {"PORTAL_FILE_JOB_STALLED_SECONDS": str(BOUND), "PORTAL_TEST_RELAY_SECONDS": str(RELAY)}

# What Django's file mail backend writes after each message.
SEPARATOR = "\n" + "-" * 79 + "\n"


class Processes:
    """Starts portal processes with one environment; ``stop_all`` ends every one started."""

    def __init__(self, folder, env):
        self.folder, self.env, self.started = folder, env, []

    def _env(self, extra):
        return {**self.env, **extra}

    def worker(self, *, pool="solo", concurrency=1, **env):
        """A worker, returned once it answers a ping."""
        worker = processes.start_worker(
            self.folder, pool=pool, concurrency=concurrency, **self._env(env)
        )
        self.started.append(worker)

        def answers():
            if not worker.running():
                raise AssertionError(f"worker exited:\n{worker.output()}")
            return app.control.ping(destination=[worker.name], timeout=0.5)

        wait_for(answers, timeout=60, message=f"worker {worker.name} to answer a ping")
        return worker

    def beat(self, **env):
        beat = processes.start_beat(self.folder, **self._env(env))
        self.started.append(beat)
        wait_for(
            lambda: "beat: Starting" in beat.output() or not beat.running(),
            timeout=60,
            message="beat to start",
        )
        assert beat.running(), beat.output()
        return beat

    def web(self, **env):
        web = processes.WebServer(self.folder, **self._env(env))
        self.started.append(web)
        wait_for(web.answers, timeout=60, message="the web server to answer")
        return web

    def stop_all(self):
        for process in reversed(self.started):
            process.stop()


@pytest.fixture
def processes_env(transactional_db, redis_server, mail_dir):
    return processes.portal_env(
        database=processes.database_url(connection.settings_dict),
        broker=redis_server.url,
        mail_dir=mail_dir,
        queue=settings.CELERY_TASK_DEFAULT_QUEUE,
    )


@pytest.fixture
def running(processes_env, tmp_path):
    """``running.worker()``, ``running.beat()``, ``running.web()``: see ``Processes``."""
    folder = tmp_path / "logs"
    folder.mkdir()
    started = Processes(folder, processes_env)
    yield started
    started.stop_all()


def mails(mail_dir):
    """``(Message-ID, file)`` of every mail the file backend wrote into the folder."""
    for path in mail_dir.iterdir():
        for text in path.read_text(errors="replace").split(SEPARATOR):
            if text.strip():
                header = email.message_from_string(text.lstrip())["Message-ID"]
                yield " ".join(header.split()), path


def mail_counts(mail_dir):
    """``{Message-ID: times sent}``."""
    counts = {}
    for key, _ in mails(mail_dir):
        counts[key] = counts.get(key, 0) + 1
    return counts


def message_id(message):
    return f"<{message.key.replace(':', '.')}@portal>"
