"""The busiest day, as locust plays it: NGO staff preparing and submitting their bids in the last
minutes before the deadline while procurement officers browse the bid list and the tender.

It reads the plan the runner wrote (``PORTAL_LOAD_PLAN``, a JSON file: accounts, page addresses,
think times) and, when locust quits, writes what it saw into the plan's ``results`` file: the bid
of every submit that was answered with its receipt, the status of every answer and the errors.

The portal runs as in production behind a TLS proxy, so every request says it came over HTTPS
(``X-Forwarded-Proto``), and each user keeps the cookies it is given, secure ones included, and
sends them back over loopback HTTP as a browser does to the proxy.
"""

import itertools
import json
import os
import re
from collections import Counter
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from locust import FastHttpUser, between, events, task
from urllib3 import encode_multipart_formdata

PLAN = json.loads(Path(os.environ["PORTAL_LOAD_PLAN"]).read_text(encoding="utf-8"))
DOCUMENT = Path(PLAN["document"]).read_bytes()
THINK = between(*PLAN["think_seconds"])
NGO_ACCOUNTS = itertools.cycle(PLAN["ngo_accounts"])
OFFICER_SESSIONS = itertools.cycle(PLAN["officer_sessions"])
PAGES = PLAN["pages"]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(seen_state|seen)" value="([^"]*)"')
CRITERION = re.compile(r'name="(criterion_\d+)"')
STAFF_SELECT = re.compile(r'<select name="staff_member".*?</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
BID_PAGE = re.compile(r"/bids/(\d+)/$")

results = {"submitted": [], "statuses": Counter(), "errors": []}


@events.request.add_listener
def count_answer(request_type, name, response, exception, **kwargs):
    if response is not None and getattr(response, "status_code", 0):
        results["statuses"][str(response.status_code)] += 1
    if exception is not None:
        results["errors"].append(f"{request_type} {name}: {exception}")


@events.quitting.add_listener
def write_results(environment, **kwargs):
    Path(PLAN["results"]).write_text(json.dumps(results), encoding="utf-8")


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = THINK

    def on_start(self):
        self.cookies = {}

    def headers(self, **extra):
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        return {"X-Forwarded-Proto": "https", "Accept-Language": "en", "Cookie": cookie, **extra}

    def keep_cookies(self, response):
        for header in response.headers.getlist("Set-Cookie") if response.headers else []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    def page(self, path, name=None):
        with self.client.get(
            path, name=name or path, headers=self.headers(), catch_response=True
        ) as response:
            self.keep_cookies(response)
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")
            return response

    def post(self, path, page_html, data, *, name, file=None):
        """POST a form of ``page_html`` as a browser would, with the CSRF token of its page;
        ``file`` is ``(field, (name, bytes, type))``, sent as multipart."""
        token = CSRF.search(page_html or "")
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", **data}
        origin = f"https://{self.host.split('://', 1)[1]}"
        if file:
            body, content_type = encode_multipart_formdata([*data.items(), file])
        else:
            body, content_type = urlencode(data), "application/x-www-form-urlencoded"
        headers = self.headers(
            Origin=origin, Referer=f"{origin}{path}", **{"Content-Type": content_type}
        )
        with self.client.post(
            path,
            data=body,
            headers=headers,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.keep_cookies(response)
            if response.status_code != 302:
                response.failure(f"{name} answered {response.status_code}, not a redirect")
            return response


class NGOUser(PortalUser):
    """Signs in, opens the tender, starts a bid, fills every part and submits it once; then
    comes back to the receipt and the list of the organisation's bids."""

    weight = 50

    def on_start(self):
        super().on_start()
        self.account = next(NGO_ACCOUNTS)
        self.bid_path = None
        self.receipt = None
        login = self.page(PAGES["login"])
        self.post(
            PAGES["login"],
            login.text or "",
            {"username": self.account["username"], "password": self.account["password"]},
            name="sign in",
        )

    @task
    def work_on_the_bid(self):
        if self.receipt:
            self.page(self.receipt, name="receipt")
            self.page(PAGES["my_bids"])
            return
        if self.bid_path is None:
            tender = self.page(PAGES["tender"], name="tender page")
            started = self.post(PAGES["bid_start"], tender.text or "", {}, name="start a bid")
            if not BID_PAGE.search(started.headers.get("Location", "")):
                return
            self.bid_path = started.headers["Location"]
            self.page(self.bid_path, name="bid page")
            return
        self.prepare_and_submit()

    def form(self, part):
        path = f"{self.bid_path}{part}/"
        return path, self.page(path, name=f"bid {part} form").text or ""

    def seen_state(self, html):
        return dict(HIDDEN.findall(html)).get("seen_state", "draft")

    def prepare_and_submit(self):
        path, html = self.form("proposal")
        answers = {
            name: f"How we serve {self.account['username']}" for name in CRITERION.findall(html)
        }
        self.post(
            path, html, {"seen_state": self.seen_state(html), **answers}, name="save proposal"
        )
        self.wait()
        path, html = self.form("staff")
        select = STAFF_SELECT.search(html)
        choices = OPTION.findall(select.group(0)) if select else []
        self.post(
            path,
            html,
            {
                "seen_state": self.seen_state(html),
                "staff_member": choices[0] if choices else "",
                "role_in_project": "Team leader",
            },
            name="propose staff",
        )
        self.wait()
        path, html = self.form("budget")
        self.post(
            path,
            html,
            {
                "seen_state": self.seen_state(html),
                "category": "staff",
                "description": "Two social workers for twelve months",
                "amount": "120000.00",
            },
            name="add budget line",
        )
        self.wait()
        path, html = self.form("documents")
        self.post(
            path,
            html,
            {"seen_state": self.seen_state(html), "title": "Work plan"},
            file=("file", ("work-plan.pdf", DOCUMENT, "application/pdf")),
            name="upload document",
        )
        self.wait()
        path, html = self.form("submit")
        submitted = self.post(path, html, dict(HIDDEN.findall(html)), name="submit bid")
        location = submitted.headers.get("Location", "")
        if submitted.status_code == 302 and location.endswith("/receipt/"):
            self.receipt = location
            results["submitted"].append(int(BID_PAGE.search(location[: -len("receipt/")]).group(1)))
            self.page(location, name="receipt")


class OfficerUser(PortalUser):
    """A procurement officer watching the tender: its bid list, its page and the public list."""

    weight = 1
    fixed_count = PLAN["officers"]

    def on_start(self):
        super().on_start()
        session = next(OFFICER_SESSIONS)
        self.cookies[session["name"]] = session["value"]

    @task(3)
    def bid_list(self):
        self.page(PAGES["tender_bids"], name="officer: bid list")

    @task(2)
    def tender(self):
        self.page(PAGES["tender_manage"], name="officer: tender")
        self.page(PAGES["tender"], name="tender page")

    @task(1)
    def tenders(self):
        self.page(PAGES["tenders"], name="tender list")
