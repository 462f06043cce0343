"""Searching organisations: the officers who review them find them; nobody else does."""

import pytest

from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, member_of
from tests.portal.search.support import found

pytestmark = pytest.mark.django_db


def test_a_procurement_officer_finds_an_organisation_by_its_russian_name(client):
    provider = ProviderFactory(submitted=True, name_ru="Фонд Милосердие")
    sign_in(client, UserFactory(procurement_officer=True))

    assert found(client, "Милосердие", "providers") == [str(provider)]


def test_an_organisation_is_found_by_its_registration_number(client):
    provider = ProviderFactory(submitted=True)
    sign_in(client, UserFactory(procurement_officer=True))

    assert str(provider) in found(client, provider.registration_number, "providers")


def test_an_ngo_member_and_a_visitor_search_no_organisations(client):
    ProviderFactory(submitted=True, name_en="Mercy Fund")

    assert found(client, "Mercy", "providers") is None
    sign_in(client, member_of(ProviderFactory(verified=True)))
    assert found(client, "Mercy", "providers") is None


def test_a_misspelt_name_finds_the_organisation_on_postgresql(client, postgres):
    ProviderFactory(submitted=True, name_en="Rehabilitation Centre Umyt")
    sign_in(client, UserFactory(procurement_officer=True))

    assert len(found(client, "Rehabilitasion Umit", "providers")) == 1
