"""``manage.py rundev`` as a developer runs it: a real web server and a real Celery worker with
embedded beat, on SQLite and the filesystem broker in a folder of the test's own."""

import base64
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django_otp.oath import totp

from portal.demo import DEMO_TOTP_SECRET
from portal.management.commands.rundev import child_environment

SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CELERY_", "EMAIL_", "AWS_", "PORTAL_", "DJANGO_")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def descendants(pid):
    """Process ids of every living descendant of ``pid``, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def alive(pids):
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def wait_for(condition, seconds, what, log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    output = log.read_text()[-4000:] if log else ""
    pytest.fail(f"timed out waiting for {what}\n{output}")


@pytest.fixture
def environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(SERVICE_VARIABLES)}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", PORTAL_VAR_DIR=str(tmp_path / "var"))
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(
            manage + command, env=env, cwd=settings.BASE_DIR, check=True, capture_output=True
        )
    return env


class Browser:
    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.status, response.read().decode()

    def post_form(self, path, data):
        _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.status, response.geturl(), response.read().decode()


def test_rundev_serves_delivers_mail_through_its_worker_and_stops_every_process(
    environment, tmp_path
):
    port = free_port()
    log_path = tmp_path / "rundev.log"
    mail_dir = tmp_path / "var" / "mail"
    with log_path.open("w") as log:
        rundev = subprocess.Popen(
            [sys.executable, "manage.py", "rundev", "--port", str(port)],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        wait_for(lambda: "ready." in log_path.read_text(), 120, "the worker", log_path)
        wait_for(lambda: can_get(browser, "/health/"), 120, "the web server", log_path)
        assert f"http://127.0.0.1:{port}/" in log_path.read_text()
        assert str(mail_dir) in log_path.read_text()

        status, url, _ = browser.post_form(
            "/accounts/login/", {"username": "approver", "password": "demo-approver-2026"}
        )
        assert (status, urllib.parse.urlparse(url).path) == (200, "/accounts/two-factor/verify/")
        code = f"{totp(base64.b32decode(DEMO_TOTP_SECRET)):06d}"
        status, url, _ = browser.post_form(url.removeprefix(browser.base), {"code": code})
        assert (status, urllib.parse.urlparse(url).path) == (200, "/")
        status, url, _ = browser.post_form(
            "/accounts/password/reset/", {"email": "evaluator1@example.org"}
        )
        assert urllib.parse.urlparse(url).path == "/accounts/password/reset/sent/"

        wait_for(lambda: reset_mails(mail_dir), 60, "the password-reset mail", log_path)
        assert len(reset_mails(mail_dir)) == 1
        # The link in the mail leads to this server, not to the default port.
        assert f"http://127.0.0.1:{port}/accounts/password/reset/" in (
            reset_mails(mail_dir)[0].read_text()
        )
        assert re.search(r"Task workflows\.deliver_message\[.+\] succeeded", log_path.read_text())

        started = descendants(rundev.pid)
        assert len(started) >= 4  # runserver and its reloaded child, the worker, its pool
    finally:
        rundev.send_signal(signal.SIGINT)
        code = rundev.wait(timeout=60)
    assert code == 0, log_path.read_text()[-3000:]
    assert "Stopped the web server and the worker." in log_path.read_text()
    wait_for(lambda: not alive(started), 10, "the children to be gone")


def reset_mails(mail_dir):
    """Password-reset mail files addressed to the account the test asked for (the demo data's
    own notifications land in the same folder)."""
    if not mail_dir.is_dir():
        return []
    return [
        mail
        for mail in mail_dir.iterdir()
        if "To: evaluator1@example.org" in (text := mail.read_text())
        and "/accounts/password/reset/" in text
    ]


def can_get(browser, path):
    try:
        return browser.get(path)[0] == 200
    except OSError:
        return False


def test_rundev_gives_its_children_the_site_address_of_its_port(monkeypatch):
    monkeypatch.delenv("PORTAL_SITE_URL", raising=False)

    assert child_environment(8311)["PORTAL_SITE_URL"] == "http://127.0.0.1:8311"


def test_rundev_keeps_a_site_address_that_is_set(monkeypatch):
    monkeypatch.setenv("PORTAL_SITE_URL", "https://portal.example.org")

    assert child_environment(8311)["PORTAL_SITE_URL"] == "https://portal.example.org"


def fake_venv(tmp_path):
    """A virtual environment whose ``python`` only writes down the site address it was given
    and its arguments, so ``make run`` can be watched without starting anything."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\necho "$PORTAL_SITE_URL $*" >> {tmp_path / "calls"}\n')
    python.chmod(0o755)
    (venv / ".installed").touch()
    return venv


@pytest.mark.parametrize(
    "given, expected",
    [(None, "http://127.0.0.1:8311"), ("https://portal.example.org", "https://portal.example.org")],
)
def test_make_run_on_another_port_points_the_demo_hint_and_mails_at_it(tmp_path, given, expected):
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_SITE_URL"}
    if given:
        env["PORTAL_SITE_URL"] = given
    venv = fake_venv(tmp_path)

    subprocess.run(
        ["make", "--no-print-directory", "run", "PORT=8311", f"VENV={venv}"],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
    )

    calls = (tmp_path / "calls").read_text().splitlines()
    assert [call.split(" ", 1)[0] for call in calls] == [expected] * 3
    assert calls[1].endswith("manage.py load_demo")
    assert calls[2].endswith("manage.py rundev --port 8311")
