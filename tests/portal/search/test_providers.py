"""Searching organisations: the officers who review them find them; nobody else does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, member_of
from tests.factories.tenders import TenderFactory
from tests.portal.search.support import found, search

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


def test_an_officers_query_count_does_not_grow_with_the_results(client):
    sign_in(client, UserFactory(procurement_officer=True))

    def queries_for(count):
        word = f"Batch{count}"
        ProviderFactory.create_batch(count, submitted=True, name_en=f"Fund {word}")
        TenderFactory.create_batch(count, published=True, title_en=f"Care {word}")
        with CaptureQueriesContext(connection) as queries:
            groups = search(client, word).context["groups"]
        shown = {group["kind"].NAME: len(group["results"]) for group in groups}
        assert shown["providers"] == shown["tenders"] == min(count, 10)
        return len(queries)

    assert queries_for(3) == queries_for(15)
