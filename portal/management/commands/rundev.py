"""Run the portal for development: the web server and a Celery worker with embedded beat.

Both children get ``PORTAL_SITE_URL`` (unless it is already set) pointing at the chosen port,
so the links in mails, which the worker renders, lead to this server."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

POLL_SECONDS = 0.5
GRACE_SECONDS = 15
KILL_SECONDS = 5


class Command(BaseCommand):
    help = (
        "Start the development web server and a Celery worker with embedded beat as child "
        "processes; Ctrl-C or SIGTERM stops all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Web server port on 127.0.0.1.")
        parser.add_argument(
            "--concurrency", type=int, default=2, help="Number of Celery worker processes."
        )

    def handle(self, *args, port, concurrency, **options):
        manage = str(settings.BASE_DIR / "manage.py")
        environment = child_environment(port)
        commands = {
            "web": [sys.executable, manage, "runserver", f"127.0.0.1:{port}"],
            "worker": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "-B",
                "-l",
                "info",
                "--concurrency",
                str(concurrency),
            ],
        }
        stop = []
        previous = {
            signum: signal.signal(signum, lambda signum, frame: stop.append(signum))
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        children = {}
        try:
            for name, command in commands.items():
                # Each child leads its own process group, so stopping it reaches its own
                # children too (runserver's reloader, the worker's pool and beat).
                children[name] = subprocess.Popen(
                    command, cwd=settings.BASE_DIR, env=environment, start_new_session=True
                )
            self.announce(port)
            failed = self.wait(children, stop)
        finally:
            self.stop_all(children)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if failed:
            self.stderr.write(f"The {failed} process stopped; everything else was stopped too.")
            sys.exit(1)
        self.stdout.write("Stopped the web server and the worker.")

    def announce(self, port):
        self.stdout.write(self.style.SUCCESS(f"Portal: http://127.0.0.1:{port}/"))
        mail = getattr(settings, "EMAIL_FILE_PATH", None)
        if mail:
            self.stdout.write(f"Mail is written as files to {mail}")
        else:
            self.stdout.write(f"Mail is sent with {settings.EMAIL_BACKEND}")
        self.stdout.write("Press Ctrl-C to stop.")

    def wait(self, children, stop):
        """Block until a stop signal arrives (return None) or a child exits (return its name)."""
        while not stop:
            for name, child in children.items():
                if child.poll() is not None:
                    return name
            time.sleep(POLL_SECONDS)
        return None

    def stop_all(self, children):
        """Interrupt every child's process group as Ctrl-C in a terminal would, then terminate
        and finally kill whatever is left, so no process started here outlives the command."""
        for sig, seconds in (
            (signal.SIGINT, GRACE_SECONDS),
            (signal.SIGTERM, KILL_SECONDS),
            (signal.SIGKILL, KILL_SECONDS),
        ):
            alive = [child for child in children.values() if group_alive(child)]
            if not alive:
                return
            for child in alive:
                signal_group(child, sig)
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and any(group_alive(c) for c in alive):
                time.sleep(0.2)


def child_environment(port):
    """This process's environment for the children, with ``PORTAL_SITE_URL`` defaulting to
    the development server on ``port``."""
    environment = dict(os.environ)
    environment.setdefault("PORTAL_SITE_URL", f"http://127.0.0.1:{port}")
    return environment


def signal_group(child, sig):
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        pass


def group_alive(child):
    """True while the child or any process in its group still runs."""
    child.poll()
    try:
        os.killpg(child.pid, 0)
    except ProcessLookupError:
        return False
    return True
