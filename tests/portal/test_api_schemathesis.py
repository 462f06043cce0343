"""The API answers as its OpenAPI schema says: schemathesis generates requests for every
operation of the live schema (valid and invalid ones) and runs all its checks on the answers,
signed in with a read-and-write token of a grantee whose organisation has a bid and a report."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from portal.api.tokens import api_token_create
from portal.models import TokenScope
from tests.factories.grants import PilotReportFactory, grantee_admin
from tests.factories.portal import add_notification
from tests.factories.tenders import BidFactory, ClarificationFactory, TenderFactory


@pytest.fixture
def grantee(db, settings):
    settings.API_THROTTLE_RATE = "1000000/hour"
    cache.clear()
    agreement = PilotReportFactory(open=True, filled=True).agreement
    admin = grantee_admin(agreement)
    tender = TenderFactory(published=True)
    BidFactory(tender=tender, provider=agreement.grantee, complete=True)
    ClarificationFactory(tender=tender, provider=agreement.grantee, answered=True)
    add_notification(admin)
    return admin


@pytest.fixture
def api_key(grantee):
    return api_token_create(actor=grantee, name="schemathesis", scope=TokenScope.WRITE)[1]


@pytest.fixture
def requests_keep_the_test_connection():
    """Like Django's test client, requests sent here keep the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The schema as the portal serves it; its requests go to the portal in this process.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_the_schema_says(
    case, api_key, requests_keep_the_test_connection
):
    # Schemathesis's WSGI transport asks for gzip but does not unpack it, as an HTTP client
    # would; the compression itself is tested in test_compression.py.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}", "Accept-Encoding": "identity"}
    )
