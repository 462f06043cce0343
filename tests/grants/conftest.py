import pytest

from tests.conftest import sign_in
from tests.factories.grants import officer as make_officer
from tests.grants.test_dashboard import Pilots, on_the_day


@pytest.fixture
def officer():
    """A grant officer of the ministry."""
    return make_officer()


@pytest.fixture
def as_user(client):
    """Log ``client`` in as the given user and return it."""

    def login(user):
        sign_in(client, user)
        return client

    return login


@pytest.fixture
def officer_client(db, client, officer):
    """``client`` logged in as ``officer``."""
    sign_in(client, officer)
    return client


@pytest.fixture
def pilots(db):
    """The fixed pilots of ``test_dashboard``, seen on 20 May 2026."""
    with on_the_day():
        yield Pilots()
