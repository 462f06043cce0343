"""Real processes for the worker and fault tests, each its own to stop, kill and start again.

``RedisServer`` and ``PostgresCluster`` are servers of the test's own (a free port, a data
folder of their own), so a fault injected into them touches nobody else. ``start_worker``,
``start_beat`` and ``start_web`` run ``celery worker``, ``celery beat`` and gunicorn as
subprocesses with the test settings, pointed at a database, a broker and a mail folder.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

from tests.workflows.brokers import free_port

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
CELERY = BIN / "celery"
GUNICORN = BIN / "gunicorn"
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")


def wait_for(condition, *, timeout, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


def database_url(db):
    """The URL of the database described by a Django ``settings_dict``."""
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{host}{port}/{quote(db['NAME'], safe='')}"


class Process:
    """A subprocess whose output goes to a log file."""

    def __init__(self, command, *, env, log, name=""):
        self.name, self.log = name, log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    @property
    def pid(self):
        return self.process.pid

    def running(self):
        return self.process.poll() is None

    def output(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self):
        if self.running():
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self):
        if self.running():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def portal_env(*, database, broker, mail_dir, queue, **extra):
    """The environment of a portal process on the test settings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.test",
        "DATABASE_URL": database,
        # django-environ drops one slash: four make the folder absolute.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "CELERY_QUEUE": queue,
        "PYTHONPATH": str(BASE_DIR),
        "PORTAL_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    if broker:
        env["CELERY_BROKER_URL"] = broker
    return {**env, **extra}


def start_worker(folder, *, pool="solo", concurrency=1, **env):
    """A ``celery worker`` consuming ``env['CELERY_QUEUE']``; returns without waiting for it."""
    name = f"wf-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    command = [
        str(CELERY),
        "-A",
        "portal",
        "worker",
        f"--pool={pool}",
        f"--concurrency={concurrency}",
        "-Q",
        env["CELERY_QUEUE"],
        "-n",
        name,
        "--without-gossip",
        "--without-mingle",
        "--loglevel=INFO",
    ]
    log = folder / f"{name.split('@')[0]}.log"
    return Process(command, env=env, log=log, name=name)


def start_beat(folder, **env):
    """A ``celery beat`` on the database scheduler, as production runs it."""
    name = f"beat-{uuid.uuid4().hex[:8]}"
    command = [str(CELERY), "-A", "portal", "beat", "--loglevel=INFO"]
    command += ["--pidfile=", f"--schedule={folder / name}.db"]
    return Process(command, env=env, log=folder / f"{name}.log", name=name)


class WebServer(Process):
    """gunicorn serving the portal on a free loopback port."""

    def __init__(self, folder, *, workers=2, **env):
        self.port = free_port()
        command = [
            str(GUNICORN),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
        ]
        super().__init__(command, env=env, log=folder / f"web-{self.port}.log", name="web")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, timeout=10):
        """``(status, body)`` of a GET, whatever the status."""
        try:
            with urllib.request.urlopen(self.url(path), timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def answers(self):
        if not self.running():
            raise AssertionError(f"the web server exited:\n{self.output()}")
        try:
            return self.get("/health/", timeout=5)[0] in (200, 503)
        except OSError:
            return False


def answers_ping(host, port, payload=b"PING\r\n", reply=b"+PONG"):
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(payload)
            return conn.recv(16).startswith(reply)
    except OSError:
        return False


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
        command = [shutil.which("redis-server"), "--port", str(self.port)]
        command += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.folder)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for(self.answers, timeout=10, message="redis-server to start")

    def answers(self):
        return answers_ping("127.0.0.1", self.port)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb, then pg_ctl) on a free port, trusting
    local connections. As root it runs as the ``postgres`` user, which PostgreSQL requires."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.owner = pwd.getpwnam("postgres") if os.geteuid() == 0 else None
        if self.owner is not None:
            os.chown(self.folder, self.owner.pw_uid, self.owner.pw_gid)
        self.folder.chmod(0o755)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, program, *args, **kwargs):
        command = [str(POSTGRES_BIN / program), *args]
        if self.owner is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, **kwargs)

    def create(self):
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop(self):
        """Stop at once, as a crash or a reboot does: every open connection is cut."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def answers(self):
        result = subprocess.run(
            [str(POSTGRES_BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
            check=False,
        )
        return result.returncode == 0

    def copy_database(self, source, name):
        """Create ``name`` here as a copy of the Django database ``source`` (a settings_dict)."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = subprocess.run(
            [str(POSTGRES_BIN / "pg_dump"), "--no-owner", "--no-privileges", database_url(source)],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(POSTGRES_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url(name)],
            input=dump.stdout,
            check=True,
            capture_output=True,
        )

    def remove(self):
        if self.answers():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
