import pytest
from django.core.exceptions import ValidationError

from portal.models import Velayat
from providers.models import ProviderState
from tests.factories.providers import ProviderFactory

pytestmark = pytest.mark.django_db


def test_the_state_cannot_be_set_directly():
    provider = ProviderFactory()

    with pytest.raises(AttributeError):
        provider.state = ProviderState.VERIFIED


def test_an_etrap_of_another_velayat_is_invalid():
    provider = ProviderFactory()
    provider.etrap = Velayat.objects.get(code="TM-M").etraps.first()

    with pytest.raises(ValidationError) as error:
        provider.clean()

    assert "etrap" in error.value.message_dict


def test_is_verified_only_in_the_verified_state():
    assert ProviderFactory(verified=True).is_verified
    assert not ProviderFactory(suspended=True).is_verified
    assert not ProviderFactory(submitted=True).is_verified


def test_the_name_follows_the_active_language():
    from django.utils import translation

    provider = ProviderFactory(name_tk="Ýeňme", name_ru="Енме", name_en="")
    with translation.override("ru"):
        assert provider.name == "Енме"
    with translation.override("en"):
        assert provider.name == "Ýeňme"
