"""The public tender list and notices, seen without logging in."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.models import ServiceType, Velayat
from tests.conftest import forget_cached_pages, sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import (
    AmendmentFactory,
    ClarificationFactory,
    TenderCriterionFactory,
    TenderDocumentFactory,
    TenderFactory,
)
from tests.tenders.tender_support import at_ashgabat

pytestmark = pytest.mark.django_db

LIST = reverse("tenders:list")


def titles(response):
    return {tender.title_en for tender in response.context["page"].object_list}


@pytest.fixture
def tenders_in_every_state():
    return {
        trait: TenderFactory(**{trait: True}, title_en=trait)
        for trait in ("draft", "published", "closed", "unsuccessful", "cancelled")
    }


# The list


def test_the_list_shows_open_tenders_by_default(client, tenders_in_every_state):
    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == {"published"}


@pytest.mark.parametrize("state", ["closed", "unsuccessful", "cancelled"])
def test_past_tenders_are_shown_by_state(client, tenders_in_every_state, state):
    assert titles(client.get(LIST, {"state": state})) == {state}


def test_all_states_together_still_leave_drafts_out(client, tenders_in_every_state):
    response = client.get(LIST, {"state": "all"})

    assert titles(response) == {"published", "closed", "unsuccessful", "cancelled"}


def test_a_draft_cannot_be_asked_for_by_state(client, tenders_in_every_state):
    response = client.get(LIST, {"state": "draft"})

    assert titles(response) == set()
    assert response.context["filter"].errors


def test_the_list_filters_by_service_type_and_velayat(client):
    disability = ServiceType.objects.get(code="disability-support")
    mary = Velayat.objects.get(code="TM-M")
    TenderFactory(published=True, title_en="elderly in Ashgabat")
    TenderFactory(published=True, title_en="disability in Ashgabat", service_type=disability)
    TenderFactory(
        published=True, title_en="disability in Mary", service_type=disability, velayat=mary
    )

    by_service = client.get(LIST, {"service_type": disability.pk})
    by_both = client.get(LIST, {"service_type": disability.pk, "velayat": mary.pk})

    assert titles(by_service) == {"disability in Ashgabat", "disability in Mary"}
    assert titles(by_both) == {"disability in Mary"}


def test_the_list_is_paginated_and_keeps_the_filters_across_pages(client):
    TenderFactory.create_batch(25, published=True)

    first = client.get(LIST, {"state": "published"})
    second = client.get(LIST, {"state": "published", "page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert "state=published&amp;page=2" in first.content.decode()


def test_deadlines_are_shown_in_ashgabat_time_with_the_zone_named(client):
    TenderFactory(published=True, submission_deadline=at_ashgabat(2099, 4, 15, 18, 0))

    response = client.get(LIST)

    assert "15 April 2099 18:00 (Ashgabat time, UTC+05:00)" in response.content.decode()


# The notice


def test_a_notice_shows_the_tender_in_the_readers_language(client):
    tender = TenderFactory(published=True, title_ru="Помощь на дому", description_ru="Описание")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"

    response = client.get(tender.get_absolute_url())

    page = response.content.decode()
    assert "Помощь на дому" in page and "Описание" in page
    assert tender.title_en not in page


def test_a_notice_lists_criteria_weights_eligibility_deadlines_and_documents(client):
    tender = TenderFactory(
        published=True,
        criteria=[],
        price_weight=30,
        required_document_types=["charter", "bank_details"],
        min_trained_staff=3,
        questions_deadline=at_ashgabat(2099, 4, 8, 12, 0),
        submission_deadline=at_ashgabat(2099, 4, 15, 18, 0),
    )
    TenderCriterionFactory(tender=tender, title_en="Service approach", weight=70)
    document = TenderDocumentFactory(tender=tender, title="Terms of reference")

    page = client.get(tender.get_absolute_url()).content.decode()

    assert "Service approach" in page and "70%" in page and "30%" in page
    assert "Charter" in page and "Bank details" in page
    assert "At least 3 active staff members with completed in-service training." in page
    assert "The organisation is verified by the ministry." in page
    assert "8 April 2099 12:00 (Ashgabat time, UTC+05:00)" in page
    assert "15 April 2099 18:00 (Ashgabat time, UTC+05:00)" in page
    assert reverse("tenders:document", args=[tender.pk, document.pk]) in page


def test_published_answers_are_shown_without_naming_who_asked(client):
    tender = TenderFactory(published=True)
    provider = ProviderFactory(verified=True, name_en="Yenme association")
    answered = ClarificationFactory(
        tender=tender, provider=provider, asked_by=admin_of(provider), answered=True
    )
    waiting = ClarificationFactory(tender=tender, question="Still waiting for this one?")

    page = client.get(tender.get_absolute_url()).content.decode()

    assert answered.question in page and answered.answer in page
    assert waiting.question not in page
    assert "Yenme" not in page
    assert admin_of(provider).full_name not in page


def test_amendments_are_listed_with_what_changed(client):
    tender = TenderFactory(published=True)
    AmendmentFactory(tender=tender, reason="Transport costs added.")

    page = client.get(tender.get_absolute_url()).content.decode()

    assert "Amendment 1" in page and "Transport costs added." in page
    assert "450,000.00 TMT" in page and "500,000.00 TMT" in page


def test_a_cancelled_notice_shows_the_reason(client):
    tender = TenderFactory(cancelled=True, cancel_reason="The budget was withdrawn.")

    assert "The budget was withdrawn." in client.get(tender.get_absolute_url()).content.decode()


def test_a_draft_is_not_found_by_the_public_by_providers_or_other_officers(client):
    tender = TenderFactory(draft=True)
    provider_admin = admin_of(ProviderFactory(verified=True))
    url = tender.get_absolute_url()

    assert client.get(url).status_code == 404
    for user in (provider_admin, UserFactory(procurement_officer=True)):
        sign_in(client, user)
        assert client.get(url).status_code == 404


def test_an_unknown_tender_is_not_found(client):
    assert client.get(reverse("tenders:detail", args=[999999])).status_code == 404


# Terms-of-reference downloads


def test_anyone_downloads_the_terms_of_reference_of_a_public_tender(client):
    document = TenderDocumentFactory(tender=TenderFactory(published=True))

    response = client.get(reverse("tenders:document", args=[document.tender_id, document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_documents_of_a_draft_are_not_found(client):
    document = TenderDocumentFactory(tender=TenderFactory(draft=True))

    response = client.get(reverse("tenders:document", args=[document.tender_id, document.pk]))

    assert response.status_code == 404


def test_a_document_asked_for_under_another_tender_is_not_found(client):
    document = TenderDocumentFactory(tender=TenderFactory(published=True))
    other = TenderFactory(published=True)

    response = client.get(reverse("tenders:document", args=[other.pk, document.pk]))

    assert response.status_code == 404


# Query counts


def notice_with(size):
    tender = TenderFactory(published=True, criteria=[], etraps=min(size, 4))
    for _ in range(size):
        TenderCriterionFactory(tender=tender, weight=1)
        TenderDocumentFactory(tender=tender)
        ClarificationFactory(tender=tender, answered=True)
        ClarificationFactory(tender=tender)
    for number in range(1, size + 1):
        AmendmentFactory(tender=tender, number=number)
    return tender


def count_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_notice_takes_the_same_number_of_queries_however_much_it_holds(
    client, django_assert_num_queries
):
    small, large = notice_with(3), notice_with(30)
    expected = count_queries(client, small.get_absolute_url())

    with django_assert_num_queries(expected):
        client.get(large.get_absolute_url())


def test_the_list_takes_the_same_number_of_queries_for_3_or_30_tenders(
    client, django_assert_num_queries, monkeypatch
):
    TenderFactory.create_batch(3, published=True, etraps=2)
    expected = count_queries(client, LIST)
    TenderFactory.create_batch(27, published=True, etraps=2)
    forget_cached_pages(monkeypatch)

    with django_assert_num_queries(expected):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == 20


def test_the_list_page_queries_do_not_depend_on_what_is_filtered(
    client, django_assert_num_queries, monkeypatch
):
    tenders = TenderFactory.create_batch(3, published=True)
    url = f"{LIST}?service_type={tenders[0].service_type_id}&velayat={tenders[0].velayat_id}"
    expected = count_queries(client, url)
    TenderFactory.create_batch(27, published=True)
    forget_cached_pages(monkeypatch)

    with django_assert_num_queries(expected):
        client.get(url)


def test_a_visitor_is_invited_to_log_in_to_ask_a_question(client):
    tender = TenderFactory(published=True)

    page = client.get(tender.get_absolute_url()).content.decode()

    assert "Log in to ask a question." in page
