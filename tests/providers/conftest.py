import pytest

from tests.factories.portal import UserFactory


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


@pytest.fixture
def outsider():
    """A signed-up user with no organisation and no ministry role."""
    return UserFactory()
