"""Visiting the demo portal as each of its people: every page a role reaches from its home and
from the addresses of the demo's own records, in each language, with the Django test client."""

from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from portal.models import User
from tests.conftest import sign_in
from tests.i18n import pages

LANGUAGES = ("tk", "ru", "en")  # the order they are read in
# Distinct addresses read per URL pattern and role (other records, filters, pages of a list):
# enough to see each template's branches without reading every record of the programme.
PER_ROUTE = 2
PER_ROLE = 250
FILE = "a file"  # how a route that answered with a download or export is recorded
NOT_FOLLOWED = {"logout", "set_language", "switch_language"}


@dataclass
class Page:
    role: str
    path: str
    route: str
    status: int
    texts: dict = field(default_factory=dict)  # language: [text, ...]


@dataclass
class Visit:
    """What the crawl saw: the pages read, and per URL pattern how it answered a GET."""

    pages: list = field(default_factory=list)
    answers: dict = field(default_factory=dict)  # route: {status, or FILE}
    errors: list = field(default_factory=list)
    unfilled: list = field(default_factory=list)  # routes no demo record fills in


def routes():
    """``{route name: pattern}`` of every named URL pattern of the portal (of the Django admin,
    only its index)."""
    found = {}

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                if followed(name) or name in NOT_FOLLOWED:
                    found.setdefault(name, prefix + str(entry.pattern))

    walk(get_resolver(), "", "")
    return found


def route_of(path):
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def followed(route):
    if route is None or route in NOT_FOLLOWED:
        return False
    return not route.startswith("admin:") or route == "admin:index"


class Reader:
    """One person (``username``, or None for a visitor) reading the portal in a language."""

    def __init__(self, username):
        self.username = username
        self.client = Client()
        self.user = User.objects.get(username=username) if username else None
        if self.user is not None:
            sign_in(self.client, self.user)

    def speak(self, language):
        if self.user is not None:
            User.objects.filter(pk=self.user.pk).update(language=language)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    def get(self, path):
        response = self.client.get(path)
        content_type = response.get("Content-Type", "")
        if response.streaming:
            response.close()
        return response, content_type


def crawl(username, start, visit, files, compare):
    """Read, in Turkmen, the pages ``username`` reaches from ``start`` (bounded per route and
    role), then the same addresses in Russian, and in English those for which ``compare(page)``
    is true; add them to ``visit``. ``files`` is the set of routes already known to answer with
    a file, shared between roles: their links are not followed again."""
    reader = Reader(username)
    reader.speak(LANGUAGES[0])
    queue = deque(start)
    seen, per_route, found = set(queue), Counter(), []
    while queue and len(found) < PER_ROLE:
        path = queue.popleft()
        route = route_of(path)
        if not followed(route) or route in files or per_route[route] >= PER_ROUTE:
            continue
        try:
            response, content_type = reader.get(path)
        except Exception as error:  # noqa: BLE001 - reported by the test, with the page
            visit.errors.append(f"{username or 'visitor'} GET {path}: {error!r}")
            continue
        answers = visit.answers.setdefault(route, set())
        if response.status_code in (301, 302, 303):
            answers.add(response.status_code)
            _push(queue, seen, pages.same_site_path(path, response["Location"]))
            continue
        if "text/html" not in content_type:
            answers.add(FILE if response.status_code == 200 else response.status_code)
            if response.status_code == 200:
                files.add(route)
            continue
        answers.add(response.status_code)
        if response.status_code not in (200, 400):
            continue
        per_route[route] += 1
        texts, links = pages.read(response.content.decode())
        found.append(Page(username, path, route, response.status_code, {LANGUAGES[0]: texts}))
        for link in links:
            _push(queue, seen, pages.same_site_path(path, link))
    _read_again(reader, found, "ru")
    # English only where it can tell something: a text shown alike in Turkmen and Russian.
    _read_again(reader, [page for page in found if compare(page)], "en")
    visit.pages.extend(found)


def _read_again(reader, found, language):
    reader.speak(language)
    for page in found:
        response, _ = reader.get(page.path)
        page.texts[language] = pages.read(response.content.decode())[0]


def _push(queue, seen, path):
    if path is not None and path not in seen:
        seen.add(path)
        queue.append(path)
