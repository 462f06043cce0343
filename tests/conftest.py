import importlib
import io
import os
import uuid

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction


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
