"""Every page tells the browser to run only the portal's own scripts and styles, and no page
carries an inline script, style element, style attribute or event handler that such a policy
would block; a staff member's session ends after half an hour without a request."""

from collections import Counter, deque
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.models import User
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.i18n import crawl, pages

PEOPLE = ("procurement", "evaluator1", "approver", "grants", "admin", "nrcst", None)
PER_ROUTE = 1
PER_PERSON = 40


class InlineCode(HTMLParser):
    """What of a page a Content Security Policy without 'unsafe-inline' refuses to run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        # A JSON data block (Django's json_script) is read by a script, never run, so the
        # policy does not apply to it.
        data = attributes.get("type") == "application/json"
        if tag == "script" and not attributes.get("src") and not data:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name in attributes:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")


def inline_code(html):
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def policy(response):
    return dict(
        part.strip().split(" ", 1)
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    )


def pages_of(username):
    """The pages a demo person reaches from their home, one address per URL pattern."""
    client = Client()
    if username:
        sign_in(client, User.objects.get(username=username))
    queue, seen, per_route = deque(["/"]), {"/"}, Counter()
    while queue and sum(per_route.values()) < PER_PERSON:
        path = queue.popleft()
        route = crawl.route_of(path)
        if not crawl.followed(route) or per_route[route] >= PER_ROUTE:
            continue
        response = client.get(path)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        per_route[route] += 1
        yield path, response
        for link in pages.read(response.content.decode())[1]:
            target = pages.same_site_path(path, link)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)


@pytest.mark.django_db
@pytest.mark.parametrize("username", PEOPLE)
def test_every_page_a_person_reaches_runs_only_the_portals_own_scripts(seeded, username):
    read = 0
    for path, response in pages_of(username):
        read += 1
        rules = policy(response)
        assert rules["script-src"] == "'self'", path
        assert rules["style-src"] == "'self'", path
        assert rules["frame-ancestors"] == "'none'", path
        assert "unsafe-inline" not in response["Content-Security-Policy"], path
        assert inline_code(response.content.decode()) == [], path
    assert read >= 3


@pytest.mark.django_db
def test_pages_forbid_framing_sniffing_and_foreign_referrers_and_openers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_an_inline_script_or_style_attribute_would_be_found():
    html = '<p style="color:red" onclick="x()">a</p><script>alert(1)</script><style></style>'
    assert inline_code(html) == [
        "<p style=...>",
        "<p onclick=...>",
        "<script> without src",
        "<style>",
    ]
    assert inline_code('<script src="/static/portal/tables.js" defer></script>') == []
    assert inline_code('<script id="config" type="application/json">{"a": 1}</script>') == []


@pytest.mark.django_db
def test_a_staff_session_ends_after_half_an_hour_without_a_request(client):
    sign_in(client, UserFactory(evaluator=True))
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=25)):
        assert client.get(reverse("notification_settings")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=50)):
        assert client.get(reverse("notification_settings")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=50 + 31)):
        response = client.get(reverse("notification_settings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_an_ngo_users_session_outlives_half_an_hour_without_a_request(client):
    sign_in(client, UserFactory())
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert client.get(reverse("notification_settings")).status_code == 200
