"""Real Celery workers for the integration tests, run against the pytest-django test database.

Each test gets ``start_worker``: it starts ``celery -A portal worker`` as a subprocess with the
test settings, the test database, this run's Redis broker and queue and a file mail folder,
waits until the worker answers a ping, and stops every worker it started at teardown. The
processes themselves are in ``tests.faults.processes``.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app
from tests.conftest import require
from tests.faults import processes
from tests.faults.processes import RedisServer, database_url, portal_env, wait_for

__all__ = ["sent_mails", "wait_for"]


@pytest.fixture
def real_services():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    require(os.environ.get("REDIS_URL"), "Redis (set REDIS_URL)")
    require(processes.CELERY.exists(), f"the celery command at {processes.CELERY}")


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
    """``start_worker(pool="solo", broker_url=None, **env)`` -> a running worker."""
    workers = []
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    purge(queue)

    def start(*, pool="solo", broker_url=None, **extra_env):
        env = portal_env(
            database=database_url(connection.settings_dict),
            broker=broker_url,
            mail_dir=mail_dir,
            queue=queue,
            **extra_env,
        )
        worker = processes.start_worker(tmp_path, pool=pool, **env)
        workers.append(worker)

        def answers():
            if not worker.running():
                raise AssertionError(f"worker exited:\n{worker.output()}")
            return app.control.ping(destination=[worker.name], timeout=0.5)

        wait_for(answers, timeout=60, message=f"worker {worker.name} to answer a ping")
        return worker

    yield start
    for worker in workers:
        worker.stop()
    purge(queue)


def sent_mails(mail_dir, message):
    """How many times the message's email landed in the mail folder."""
    needle = f"Message-ID: <{message.key.replace(':', '.')}@portal>"
    return sum(path.read_text(errors="replace").count(needle) for path in mail_dir.iterdir())


@pytest.fixture
def own_redis(real_services, tmp_path):
    require(shutil.which("redis-server"), "the redis-server command")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
