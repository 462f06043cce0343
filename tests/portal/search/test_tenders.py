"""Searching public tenders: anyone finds them, in any of their three languages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories.tenders import TenderFactory
from tests.portal.search.support import search

pytestmark = pytest.mark.django_db


def test_anyone_finds_a_public_tender_by_a_word_of_its_title(client):
    tender = TenderFactory(published=True, title_en="Day centre for children with autism")

    page = search(client, "autism")

    assert page.status_code == 200
    assert tender.reference in page.content.decode()
    assert reverse("tenders:detail", args=[tender.pk]) in page.content.decode()


def test_a_russian_and_a_turkmen_word_find_their_tender(client):
    tender = TenderFactory(
        published=True,
        description_ru="Реабилитация подростков после больницы.",
        description_tk="Ýetginjekleri dikeltmek hyzmaty.",
    )

    assert tender.reference in search(client, "Реабилитация").content.decode()
    assert tender.reference in search(client, "Ýetginjekleri").content.decode()


def test_another_form_of_a_russian_word_finds_its_tender_on_postgresql(client, postgres):
    tender = TenderFactory(published=True, description_ru="Реабилитация подростков после больницы.")

    assert tender.reference in search(client, "больница").content.decode()


def test_a_draft_tender_is_not_found(client):
    TenderFactory(draft=True, title_en="Secret draft about orphanages")

    assert search(client, "orphanages").context["groups"][0]["results"] == []


def test_the_matched_word_is_marked_and_the_rest_escaped(client):
    TenderFactory(published=True, description_en="Shelter <script>alert(1)</script> for women")

    body = search(client, "Shelter").content.decode()

    assert "<mark>Shelter</mark>" in body
    assert "<script>alert(1)</script>" not in body


def test_a_query_of_punctuation_alone_searches_nothing(client):
    TenderFactory(published=True)

    page = search(client, "&:*!")

    assert page.status_code == 200
    assert page.context["groups"] == []


def test_results_are_paginated(client):
    TenderFactory.create_batch(12, published=True, title_en="Respite care")

    first = search(client, "Respite")
    second = search(client, "Respite", tenders_page=2)

    assert len(first.context["groups"][0]["results"]) == 10
    assert len(second.context["groups"][0]["results"]) == 2


def test_the_number_of_queries_does_not_grow_with_the_results(client):
    def queries_for(count):
        TenderFactory.create_batch(count, published=True, title_en=f"Counselling batch{count}")
        with CaptureQueriesContext(connection) as queries:
            assert len(search(client, f"batch{count}").context["groups"][0]["results"]) == min(
                count, 10
            )
        return len(queries)

    assert queries_for(3) == queries_for(15)


def test_the_site_header_offers_the_search_box(client):
    body = client.get(reverse("home")).content.decode()

    assert f'action="{reverse("search")}"' in body
