import pytest

from tests.factories.grants import officer as make_officer


@pytest.fixture
def officer():
    """A grant officer of the ministry."""
    return make_officer()
