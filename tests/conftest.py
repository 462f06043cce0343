import importlib
import io
import os
import uuid

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from portal import page_cache, two_factor
from tests.factories.portal import authenticator


def sign_in(client, user, *, second_factor=True):
    """Sign ``user`` in on the test ``client`` as the login page would after the password and,
    for an account with a second factor (every staff member has one), a code from a confirmed
    authenticator app; return the client. With ``second_factor=False`` the sign-in stops after
    the password, where the portal asks for the code (or, for staff without an app, to set
    one up)."""
    client.force_login(user)
    if not second_factor:
        return client
    if two_factor.required_for(user) or two_factor.has_second_factor(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
        session.save()
    return client


pytest_plugins = ["tests.storage"]


def in_ci():
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition, reason):
    """Skip a test whose service is missing, except in CI, where a missing service fails it."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"CI requires {reason}")
    pytest.skip(f"needs {reason}")


@pytest.fixture
def postgres():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def reference_data_survives_flush(request):
    """A transactional test empties every table when it ends; before the next one, put back the
    reference data the migrations load, so every test starts from the same database."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and marker.kwargs.get("transaction", False)
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        reference = importlib.import_module("portal.migrations.0002_reference_data")
        reference.load(django_apps, None)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("load_demo", force=True, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def own_rate_limits(settings):
    """Each test counts requests against the rate limits from zero, in the shared cache."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language, whatever language a request of the test
    before it (the test client runs requests in the test's own thread) left active."""
    translation.deactivate()


@pytest.fixture(autouse=True)
def own_page_cache(monkeypatch):
    """Each test starts with no cached pages, in the shared cache."""
    forget_cached_pages(monkeypatch)


def forget_cached_pages(monkeypatch):
    """Drop every cached page, as the services' events would after rows that a test wrote
    past them (with factories)."""
    monkeypatch.setattr(page_cache, "PREFIX", f"pages:{uuid.uuid4().hex}")
