"""What every property test of a form does: set the scene, read the form from its page, send
generated bodies, and check that the portal answers without a server error and that a refusal
changes nothing stored.

An ``Endpoint`` names a POST view (its URL name), a ``scene`` that builds, with the factories,
the objects and the user that may use it (returning a ``Scene``), and the form classes whose
fields the view reads. The form on the page gives the rest: every input's name, type, hidden
value and options, so fields added to a form later are generated too.
"""

import hashlib
import inspect
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib import messages
from django.db import transaction
from django.template import Template
from django.test.utils import _TestState
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import settings

from tests.conftest import sign_in
from tests.properties.pages import form_for


def profile():
    """The hypothesis settings of the form tests (profiles registered in the conftest)."""
    return settings.get_profile(os.environ.get("HYPOTHESIS_FORMS_PROFILE", "forms"))


DOMAIN_APPS = {"auth", "portal", "providers", "tenders", "grants", "workflows"}


@dataclass
class Scene:
    """Who posts where: ``user`` (``None``: a visitor), the URL's arguments, and the page the
    form is on when it is not the view's own GET page."""

    user: object
    kwargs: dict = field(default_factory=dict)
    page: str | None = None
    # False: the user gave the password but not yet the code of their second factor.
    second_factor: bool = True


@dataclass(frozen=True)
class Endpoint:
    name: str
    scene: Callable[[], Scene]
    forms: tuple = ()
    # The form is rendered on a page (found by its action); False for a view that only
    # receives a POST from a link-like button rendered elsewhere or not at all.
    on_page: bool = True
    # A view that re-renders its page (200) after a successful POST, so a 200 is no refusal.
    renders_on_success: bool = False
    # Tells apart entries of one view (another action, another user) in the test ids.
    label: str = ""

    def __str__(self):
        return f"{self.name}/{self.label}" if self.label else self.name


def snapshot():
    """Every domain table as (row count, hash of all rows' values): cheap to compare."""
    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digest = hashlib.sha256(repr(rows).encode()).hexdigest()
        state[model._meta.db_table] = (len(rows), digest)
    return state


def changed_tables(before, after):
    return sorted(table for table in before if before[table] != after.get(table))


@contextmanager
def uninstrumented_templates():
    """Render templates without the test client's record of every context: on the large
    report and evaluation pages that record costs more than the request itself, and these
    tests never read it."""
    instrumented = Template._render
    Template._render = _TestState.saved_data.template_render
    try:
        yield
    finally:
        Template._render = instrumented


def form_fields(form_classes):
    """``{name: field}`` of the view's form classes, as declared on the classes."""
    fields = {}
    for form_class in form_classes:
        fields.update(form_class.base_fields)
    return fields


class Target:
    """One endpoint, set up for a test: the logged-in client, the URL, the parsed form."""

    def __init__(self, client, endpoint):
        self.client = client
        self.endpoint = endpoint
        scene = endpoint.scene()
        if scene.user is not None:
            sign_in(client, scene.user, second_factor=scene.second_factor)
        self.url = reverse(endpoint.name, kwargs=scene.kwargs)
        self.page = scene.page or self.url
        self.fields = form_fields(endpoint.forms)
        self.form = None
        if endpoint.on_page:
            response = client.get(self.page, follow=True)
            assert response.status_code == 200, (self.page, response.status_code)
            shown = response.request["PATH_INFO"]
            self.form = form_for(response.content.decode(), shown, self.url)
            assert self.form is not None, f"no form posting to {self.url} on {self.page}"

    def send(self, data):
        """POST ``data``; the answer is never a server error, and a refusal stores nothing."""
        self.client.cookies.pop("messages", None)
        with transaction.atomic():
            before = snapshot()
            with uninstrumented_templates():
                response = self.client.post(self.url, data)
            status = response.status_code
            assert status < 500, f"{status} from {self.url}"
            if self.refused(response):
                after = snapshot()
                assert after == before, (
                    f"a refused POST ({status}) changed {changed_tables(before, after)}"
                )
            transaction.set_rollback(True)

    def refused(self, response):
        status = response.status_code
        if status >= 400:
            return True
        if status == 200:
            return not self.endpoint.renders_on_success
        levels = {message.level for message in messages.get_messages(response.wsgi_request)}
        return messages.ERROR in levels and messages.SUCCESS not in levels


def url_patterns(resolver=None, namespace=""):
    """``(url name, view)`` of every route in the URL conf."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or ''}", pattern.callback


def accepts_post(view):
    """Whether a view takes a POST: a class-based view with ``post``, or a function whose
    code (decorators included), or that of a helper of its module it calls, handles ``POST``."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    return _handles_post(inspect.unwrap(view), set())


def _handles_post(function, seen):
    seen.add(function)
    if "POST" in inspect.getsource(function):
        return True
    module = inspect.getmodule(function)
    helpers = (getattr(module, name, None) for name in function.__code__.co_names)
    return any(
        _handles_post(helper, seen)
        for helper in helpers
        if inspect.isfunction(helper)
        and helper.__module__ == module.__name__
        and helper not in seen
    )


def post_views():
    """URL names of every view that takes a POST."""
    return sorted({name for name, view in url_patterns() if accepts_post(view)})
