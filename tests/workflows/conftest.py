import socket

import pytest
from django.conf import settings

from tests.conftest import require
from tests.workflows.brokers import broker, free_port


@pytest.fixture
def redis_settings():
    """The deployed Redis broker settings are under test, so this needs REDIS_URL set."""
    require(settings.CELERY_BROKER_URL.startswith("redis"), "a Redis broker (set REDIS_URL)")


@pytest.fixture
def refused_broker(redis_settings):
    """A Redis address where nothing listens: connections are refused at once."""
    with broker(f"redis://127.0.0.1:{free_port()}/0"):
        yield


@pytest.fixture
def silent_broker(redis_settings):
    """A Redis address that accepts connections and never answers, like a hung server."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        with broker(f"redis://127.0.0.1:{server.getsockname()[1]}/0"):
            yield
