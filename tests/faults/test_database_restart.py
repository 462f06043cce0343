"""PostgreSQL restarts under a running web server and worker: /health/ says 503 while it is down
and 200 after, both processes reconnect by themselves, and the mails of accounts opened before
the outage are each sent exactly once."""

import http.cookiejar
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request

import psycopg
import pytest

from portal.services import CONFIRM_EMAIL_EVENT
from tests.faults.conftest import mail_counts
from tests.faults.processes import wait_for

pytestmark = pytest.mark.integration

BEFORE, QUEUED, AFTER = 5, 10, 5
OUTAGE_SECONDS = 10


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_up(web, n):
    """Open an account through the sign-up page as a new visitor, each from an address of its
    own behind the one reverse proxy the web server trusts; the answer's status."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("X-Forwarded-For", f"10.0.{n // 250}.{n % 250 + 1}")]
    with opener.open(web.url("/accounts/signup/"), timeout=10) as page:
        assert page.status == 200
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = {
        "csrfmiddlewaretoken": token,
        "full_name": f"Aýna Berdiýewa {n}",
        "email": f"ayna{n}@ngo.example.org",
        "username": f"ayna{n}",
        "password1": "Gül-açylan-2026!",
        "password2": "Gül-açylan-2026!",
        "language": "tk",
    }
    try:
        opener.open(web.url("/accounts/signup/"), urllib.parse.urlencode(form).encode(), timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.headers.get("Location", "").endswith("/accounts/signup/sent/"), answer
        return answer.code
    raise AssertionError("the sign-up page did not redirect")


def confirmation_mails(url):
    """``[(Message-ID, delivered)]`` of the sign-up confirmations in the database at ``url``."""
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT key, delivered_at IS NOT NULL FROM workflows_outboxmessage WHERE event = %s",
            [CONFIRM_EMAIL_EVENT],
        ).fetchall()
    return [(f"<{key.replace(':', '.')}@portal>", delivered) for key, delivered in rows]


def test_web_and_worker_reconnect_after_a_database_restart_and_no_queued_mail_is_lost(
    running, pg_cluster, mail_dir
):
    database = pg_cluster.url("portal")
    worker = running.worker(DATABASE_URL=database)
    web = running.web(DATABASE_URL=database, PORTAL_PROXY_COUNT="1")
    pids = (worker.pid, web.pid)
    assert web.get("/health/")[0] == 200
    statuses = [sign_up(web, n) for n in range(BEFORE)]
    wait_for(
        lambda: all(delivered for _, delivered in confirmation_mails(database)),
        timeout=60,
        message="the first confirmations to be mailed",
    )

    # The worker falls behind (paused), so mails wait in the broker when the database goes.
    worker.process.send_signal(signal.SIGSTOP)
    statuses += [sign_up(web, n) for n in range(BEFORE, BEFORE + QUEUED)]
    pg_cluster.stop()
    stopped = time.monotonic()
    worker.process.send_signal(signal.SIGCONT)
    during = []
    while time.monotonic() - stopped < OUTAGE_SECONDS:
        started = time.monotonic()
        status, body = web.get("/health/")
        during.append((status, time.monotonic() - started, body))
        time.sleep(1)
    pg_cluster.start()
    restarted = time.monotonic()
    wait_for(lambda: web.get("/health/")[0] == 200, timeout=60, message="/health/ to be 200")
    healthy = time.monotonic() - restarted
    statuses += [sign_up(web, n) for n in range(BEFORE + QUEUED, BEFORE + QUEUED + AFTER)]
    wait_for(
        lambda: all(delivered for _, delivered in confirmation_mails(database)),
        timeout=180,
        interval=1,
        message="every confirmation to be mailed after the restart",
    )
    caught_up = time.monotonic() - restarted

    mails = confirmation_mails(database)
    found = mail_counts(mail_dir)
    counts = [found.get(message, 0) for message, _ in mails]
    retried = len(re.findall(r"deliver_message\[[-\w]+\] retry", worker.output()))
    print(
        f"\ndatabase down {restarted - stopped:.1f}s; /health/ during the outage: "
        f"{sorted({status for status, _, _ in during})}, slowest answer "
        f"{max(seconds for _, seconds, _ in during):.2f}s; 200 again {healthy:.1f}s after the "
        f"restart; {retried} deliveries retried; all {len(mails)} confirmations mailed "
        f"{caught_up:.1f}s after the restart, each {sorted(set(counts))} times"
    )
    assert statuses == [302] * (BEFORE + QUEUED + AFTER)
    assert {status for status, _, _ in during} == {503}
    assert all(b'"database": {"ok": false' in body for _, _, body in during)
    assert max(seconds for _, seconds, _ in during) < 3
    assert len(mails) == BEFORE + QUEUED + AFTER
    assert counts == [1] * len(mails)
    assert retried > 0, "mails were waiting while the database was down"
    assert (worker.pid, web.pid) == pids and worker.running() and web.running()
