"""Measure the portal's main pages against the framework's floor on the scale programme.

``python bench/run.py --factor 0.1`` builds the programme at that factor when the database
(``DATABASE_URL``) has none, starts gunicorn with two workers on production settings, signs
in the users each page needs, sends the same bounded number of requests to each page at a
fixed concurrency over loopback, measures the background work of ``bench/throughput.py``,
prints markdown tables and writes the figures as JSON under ``var/bench/``. Exits 1 when a page
answers other than 200 or serves fewer requests per second than ``--min-ratio`` of the
floor's.
"""

import argparse
import asyncio
import base64
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
VERIFY = "/accounts/two-factor/verify/"
sys.path.insert(0, str(ROOT))

from django_otp.oath import totp  # noqa: E402

from portal.scale import PASSWORD, TOTP_SECRET  # noqa: E402


def arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, default=0.1, help="1 is national size")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--min-ratio",
        type=float,
        default=0.5,
        help="fail when a page serves fewer requests/s than this share of the floor's",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "bench")
    return parser.parse_args(argv)


def environment():
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=env.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_LOG_LEVEL=env.get("DJANGO_LOG_LEVEL", "WARNING"),
    )
    return env


def manage(env, *command):
    subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env, port):
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--forwarded-allow-ips",
            "*",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            floor = httpx.get(f"http://127.0.0.1:{port}/bench/floor/", timeout=2)
            if floor.status_code < 500:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within a minute")


class Session:
    """The cookies of one user, sent by hand: the site's cookies are Secure and loopback is
    plain HTTP behind a pretend TLS proxy (``X-Forwarded-Proto: https``)."""

    def __init__(self, base):
        self.base = base
        self.cookies = {}

    def headers(self, path):
        return {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://{self.base.split('://')[1]}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }

    def keep(self, response):
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def sign_in(self, username):
        path = "/accounts/login/"
        with httpx.Client(base_url=self.base) as client:
            page = client.get(path, headers=self.headers(path))
            self.keep(page)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            answer = client.post(
                path,
                data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
                headers=self.headers(path),
            )
            self.keep(answer)
            if answer.status_code == 302:
                answer = self.second_factor(client) or answer
        if answer.status_code != 302:
            raise SystemExit(f"{username} could not sign in ({answer.status_code})")
        return self

    def second_factor(self, client):
        """Staff give the code of their authenticator app after the password; ``None`` for
        an account the portal asks no code of (the page sends it on)."""
        page = client.get(VERIFY, headers=self.headers(VERIFY))
        self.keep(page)
        if page.status_code != 200:
            return None
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        code = f"{totp(base64.b32decode(TOTP_SECRET)):06d}"
        answer = client.post(
            VERIFY,
            data={"csrfmiddlewaretoken": token, "code": code},
            headers=self.headers(VERIFY),
        )
        self.keep(answer)
        return answer


async def drive(base, page, session, requests, concurrency):
    """``requests`` GETs of ``page`` from ``concurrency`` clients; the figures."""
    headers = session.headers(page.path) if session else {"X-Forwarded-Proto": "https"}
    latencies, statuses, sizes, queries = [], set(), [], []
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        for _ in range(min(5, requests)):
            await client.get(page.path, headers=headers)
        remaining = iter(range(requests))

        async def worker():
            for _ in remaining:
                started = time.perf_counter()
                response = await client.get(page.path, headers=headers)
                latencies.append(time.perf_counter() - started)
                statuses.add(response.status_code)
                sizes.append(len(response.content))
                queries.append(int(response.headers.get("X-Bench-Queries", "0")))

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "page": page.name,
        "path": page.path,
        "user": page.username,
        "requests": requests,
        "statuses": sorted(statuses),
        "requests_per_s": round(requests / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000, 1),
        "bytes": max(sizes),
        "queries": max(queries),
    }


def table(results):
    lines = [
        "| page | req/s | p50 ms | p99 ms | req/s ratio | p99 ratio | queries | bytes |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['page']} | {r['requests_per_s']} | {r['p50_ms']} | {r['p99_ms']} | "
            f"{r['ratio_requests']:.2f} | {r['ratio_p99']:.1f} | {r['queries']} | {r['bytes']} |"
        )
    return "\n".join(lines)


def background(env):
    """The figures of ``bench/throughput.py``: background work against its floor."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "throughput.py")],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def background_table(figures):
    lines = [
        "| work | objects | objects/s | floor objects/s | ratio |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, f in figures["background"].items():
        lines.append(
            f"| {name} | {f['objects']} | {f['objects_per_s']} | {f['floor_objects_per_s']} | "
            f"{f['ratio']} |"
        )
    lines += [
        "",
        "| aggregate | rows | same figures | ms | hand-written SQL ms | ratio | target |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, f in figures["aggregates"].items():
        lines.append(
            f"| {name} | {f['rows']} | {'yes' if f['same_figures'] else 'NO'} | "
            f"{f['dashboard_ms']} | {f['sql_ms']} | {f['ratio']} | {f['target_ratio']} |"
        )
    return "\n".join(lines)


def main(argv=None):
    options = arguments(argv)
    env = environment()
    os.environ.update(env)
    import django

    django.setup()
    from bench.pages import pages
    from providers.models import Provider

    if not Provider.objects.filter(registration_number__startswith="SCALE-").exists():
        manage(env, "populate_scale", "--factor", str(options.factor))
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    targets = pages()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A stopped benchmark stops its server too (through the ``finally`` below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    server = start_gunicorn(env, port)
    try:
        sessions = {}
        for page in targets:
            if page.username and page.username not in sessions:
                sessions[page.username] = Session(base).sign_in(page.username)
        results = [
            asyncio.run(
                drive(
                    base,
                    page,
                    sessions.get(page.username),
                    options.requests,
                    options.concurrency,
                )
            )
            for page in targets
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    floor = results[0]
    for r in results:
        r["ratio_requests"] = r["requests_per_s"] / floor["requests_per_s"]
        r["ratio_p99"] = r["p99_ms"] / floor["p99_ms"]
    print(table(results))
    work = background(env)
    print()
    print(background_table(work))
    options.output.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    written = options.output / f"bench-{stamp}-factor-{options.factor:g}.json"
    written.write_text(
        json.dumps(
            {
                "factor": options.factor,
                "requests": options.requests,
                "concurrency": options.concurrency,
                "min_ratio": options.min_ratio,
                "at": stamp,
                "results": results,
                **work,
            },
            indent=2,
        )
    )
    print(f"Figures written to {written}")
    failed = [r["page"] for r in results if r["statuses"] != [200]]
    slow = [r["page"] for r in results[1:] if r["ratio_requests"] < options.min_ratio]
    if failed:
        print("Not every answer was 200: " + ", ".join(failed))
    if slow:
        print(f"Below {options.min_ratio:.0%} of the floor's requests/s: " + ", ".join(slow))
    return 1 if failed or slow else 0


if __name__ == "__main__":
    sys.exit(main())
