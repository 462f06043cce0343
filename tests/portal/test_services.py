import pytest

from portal.services import user_set_language
from tests.factories.portal import UserFactory
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db


def test_user_set_language_saves_the_language():
    user = UserFactory(language="tk")
    user_set_language(actor=user, user=user, language="en")
    user.refresh_from_db()
    assert user.language == "en"


def test_user_set_language_refuses_another_users_account():
    user, other = UserFactory(language="tk"), UserFactory()
    with pytest.raises(DomainError) as error:
        user_set_language(actor=other, user=user, language="en")
    assert error.value.code == "forbidden"
    user.refresh_from_db()
    assert user.language == "tk"


def test_user_set_language_refuses_an_unknown_language():
    user = UserFactory(language="tk")
    with pytest.raises(DomainError) as error:
        user_set_language(actor=user, user=user, language="de")
    assert error.value.code == "unknown_language"


def test_user_set_language_repeat_writes_nothing(django_assert_num_queries):
    user = UserFactory(language="ru")
    with django_assert_num_queries(0):
        user_set_language(actor=user, user=user, language="ru")
