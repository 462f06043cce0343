"""The procurement officer's pages and asking a question from a notice."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.models import Etrap, ServiceType, TargetGroup, Velayat
from portal.pagination import PAGE_SIZE
from tenders.models import Amendment, Bid, Tender
from tenders.services.fingerprints import tender_fingerprint
from tests.conftest import sign_in
from tests.factories.documents import upload
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import ClarificationFactory, TenderFactory
from tests.tenders.tender_support import at_ashgabat, bid_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


def tender_form_data(**overrides):
    ashgabat = Velayat.objects.get(code="TM-S")
    data = {
        "title_tk": "Garrylara öýde hyzmat",
        "title_ru": "Помощь на дому пожилым",
        "title_en": "Home care for the elderly",
        "description_tk": "Düşündiriş",
        "description_ru": "Описание",
        "description_en": "Description",
        "service_type": ServiceType.objects.get(code="elderly-home-care").pk,
        "target_groups": [TargetGroup.objects.get(code="elderly").pk],
        "velayat": ashgabat.pk,
        "etraps": [etrap.pk for etrap in ashgabat.etraps.all()[:2]],
        "budget_ceiling": "300000.00",
        "grant_start": "2099-06-01",
        "grant_end": "2100-05-31",
        "awards_count": "1",
        "required_document_types": ["charter", "bank_details"],
        "min_trained_staff": "2",
        "price_weight": "20",
        "min_technical_score": "60",
        "questions_deadline": "2099-04-08T12:00",
        "submission_deadline": "2099-04-15T18:00",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-title_tk": "Usul",
        "criteria-0-title_ru": "Методика",
        "criteria-0-weight": "50",
        "criteria-0-max_points": "10",
        "criteria-1-title_tk": "Işgärler",
        "criteria-1-title_ru": "Персонал",
        "criteria-1-weight": "30",
        "criteria-1-max_points": "10",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-title": "Terms of reference",
        "documents-0-file": upload("pdf", name="tor.pdf"),
        "creation_key": str(uuid.uuid4()),
    }
    return {**data, **overrides}


# Access


@pytest.mark.parametrize("name", ["tenders:manage", "tenders:create"])
def test_the_officer_pages_need_a_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["tenders:manage", "tenders:create"])
def test_the_officer_pages_are_refused_to_other_users(client, name):
    sign_in(client, admin_of(ProviderFactory(verified=True)))

    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize(
    "name, method",
    [
        ("tenders:manage_detail", "get"),
        ("tenders:edit", "get"),
        ("tenders:publish", "post"),
        ("tenders:cancel", "get"),
        ("tenders:amend", "get"),
        ("tenders:questions", "get"),
    ],
)
def test_another_officers_tender_is_not_found(officer_client, name, method):
    tender = TenderFactory(published=True)

    response = getattr(officer_client, method)(reverse(name, args=[tender.pk]))

    assert response.status_code == 404


# My tenders


def test_my_tenders_lists_only_mine_by_state(officer_client, officer):
    TenderFactory(created_by=officer, title_en="my draft")
    TenderFactory(created_by=officer, published=True, title_en="my open tender")
    TenderFactory(published=True, title_en="someone else's")

    everything = officer_client.get(reverse("tenders:manage"))
    published = officer_client.get(reverse("tenders:manage"), {"state": "published"})

    assert {t.title_en for t in everything.context["tenders"]} == {"my draft", "my open tender"}
    assert {t.title_en for t in published.context["tenders"]} == {"my open tender"}


def test_my_tenders_counts_unanswered_questions_and_submitted_bids(officer_client, officer):
    tender = TenderFactory(created_by=officer, published=True)
    ClarificationFactory.create_batch(2, tender=tender)
    ClarificationFactory(tender=tender, answered=True)
    bid_in(tender, Bid.State.SUBMITTED)
    bid_in(tender, Bid.State.DRAFT)

    row = officer_client.get(reverse("tenders:manage")).context["tenders"][0]

    assert (row.unanswered_count, row.submitted_count) == (2, 1)


def make_officer_tenders(officer, count):
    for _ in range(count):
        tender = TenderFactory(created_by=officer, published=True, etraps=2)
        ClarificationFactory(tender=tender)
        bid_in(tender, Bid.State.SUBMITTED)


def test_my_tenders_takes_the_same_number_of_queries_for_3_or_30(
    officer_client, officer, django_assert_num_queries
):
    make_officer_tenders(officer, 3)
    with CaptureQueriesContext(connection) as small:
        officer_client.get(reverse("tenders:manage"))
    make_officer_tenders(officer, 27)

    with django_assert_num_queries(len(small)):
        response = officer_client.get(reverse("tenders:manage"))
    assert response.context["tenders"].paginator.count == 30
    assert len(response.context["tenders"]) == PAGE_SIZE


# Writing a draft


def test_the_new_tender_form_suggests_deadlines_in_ashgabat_time(officer_client):
    response = officer_client.get(reverse("tenders:create"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="datetime-local"' in page and "T18:00" in page
    assert "Date and time in Ashgabat (UTC+05:00)." in page


def test_an_officer_writes_a_draft_with_local_deadlines(officer_client, officer):
    response = officer_client.post(reverse("tenders:create"), tender_form_data())

    tender = Tender.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:manage_detail", args=[tender.pk])
    assert tender.created_by == officer
    assert tender.submission_deadline == at_ashgabat(2099, 4, 15, 18, 0)
    assert tender.submission_deadline.astimezone(datetime.UTC).hour == 13
    assert tender.budget_ceiling == Decimal("300000.00")
    assert tender.required_document_types == ["charter", "bank_details"]
    assert [c.weight for c in tender.criteria.all()] == [50, 30]
    assert tender.documents.get().title == "Terms of reference"


def test_a_double_click_on_create_makes_one_draft(officer_client):
    key = str(uuid.uuid4())
    officer_client.post(reverse("tenders:create"), tender_form_data(creation_key=key))
    officer_client.post(reverse("tenders:create"), tender_form_data(creation_key=key))

    assert Tender.objects.count() == 1


def test_a_tampered_form_key_still_creates_the_draft(officer_client):
    response = officer_client.post(
        reverse("tenders:create"), tender_form_data(creation_key="not-a-key")
    )

    assert response.status_code == 302
    assert Tender.objects.count() == 1


def test_an_etrap_outside_the_velayat_is_shown_next_to_the_field(officer_client):
    mary_etrap = Etrap.objects.filter(velayat__code="TM-M").first()

    response = officer_client.post(
        reverse("tenders:create"), tender_form_data(etraps=[mary_etrap.pk])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["etraps"]
    assert not Tender.objects.exists()


def test_the_questions_deadline_after_the_submission_deadline_is_an_error(officer_client):
    response = officer_client.post(
        reverse("tenders:create"), tender_form_data(questions_deadline="2099-04-16T10:00")
    )

    assert response.context["form"].errors["questions_deadline"] == [
        "The questions deadline must be before the submission deadline."
    ]


@pytest.mark.parametrize("ceiling", ["-5", "0", "1000000000.01"])
def test_a_budget_ceiling_out_of_range_is_refused_next_to_the_field(officer_client, ceiling):
    response = officer_client.post(
        reverse("tenders:create"), tender_form_data(budget_ceiling=ceiling)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["budget_ceiling"]
    assert not Tender.objects.exists()


@pytest.mark.parametrize("awards", ["999999999999", "0", "51"])
def test_an_impossible_number_of_awards_is_refused_next_to_the_field(officer_client, awards):
    response = officer_client.post(reverse("tenders:create"), tender_form_data(awards_count=awards))

    assert response.status_code == 200
    assert response.context["form"].errors["awards_count"]
    assert not Tender.objects.exists()


def test_fifty_awards_are_accepted(officer_client):
    officer_client.post(reverse("tenders:create"), tender_form_data(awards_count="50"))

    assert Tender.objects.get().awards_count == 50


@pytest.mark.parametrize("character", ["\u202e", "\x00", "\u2066"])
@pytest.mark.parametrize("field", ["title_tk", "title_ru", "title_en"])
def test_invisible_control_characters_in_a_tender_title_are_refused(
    officer_client, field, character
):
    response = officer_client.post(
        reverse("tenders:create"), tender_form_data(**{field: f"Hyzmat{character}gpj.exe"})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Tender.objects.exists()


@pytest.mark.parametrize("deadline", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_deadline_in_an_implausible_year_is_a_field_error(officer_client, deadline):
    response = officer_client.post(
        reverse("tenders:create"), tender_form_data(questions_deadline=deadline)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["questions_deadline"] == [
        "Enter a date between the years 2000 and 2100."
    ]
    assert not Tender.objects.exists()


def test_the_etrap_choices_follow_the_velayat(officer_client):
    mary = Velayat.objects.get(code="TM-M")

    response = officer_client.get(reverse("tenders:etrap_options"), {"velayat": mary.pk})

    offered = set(response.context["field"].field.queryset.values_list("velayat", flat=True))
    assert offered == {mary.pk}


def test_the_officer_edits_a_draft(officer_client, officer):
    tender = TenderFactory(created_by=officer, criteria=[])

    data = tender_form_data(title_en="Edited title")
    data.pop("creation_key")
    response = officer_client.post(reverse("tenders:edit", args=[tender.pk]), data)

    assert response.status_code == 302
    assert Tender.objects.get(pk=tender.pk).title_en == "Edited title"


def test_editing_a_published_tender_leads_to_the_amendment_form(officer_client, officer):
    tender = TenderFactory(created_by=officer, published=True)

    response = officer_client.get(reverse("tenders:edit", args=[tender.pk]))

    assert response["Location"] == reverse("tenders:amend", args=[tender.pk])


# Publishing and cancelling


def test_the_draft_page_lists_what_keeps_it_from_being_published(officer_client, officer):
    tender = TenderFactory(created_by=officer, title_ru="", criteria=[60])

    page = officer_client.get(reverse("tenders:manage_detail", args=[tender.pk])).content.decode()

    assert "The title in Russian is missing." in page
    assert "add up to 60; they must add up to 100" in page


def test_publishing_from_the_page(officer_client, officer):
    tender = TenderFactory(created_by=officer)

    response = officer_client.post(
        reverse("tenders:publish", args=[tender.pk]),
        {"seen_state": "draft", "seen": tender_fingerprint(tender)},
        follow=True,
    )

    assert Tender.objects.get(pk=tender.pk).state == Tender.State.PUBLISHED
    assert "The tender is published." in response.content.decode()


def test_publishing_an_incomplete_draft_shows_every_problem(officer_client, officer):
    tender = TenderFactory(created_by=officer, budget_ceiling=None, description_ru="")

    response = officer_client.post(
        reverse("tenders:publish", args=[tender.pk]),
        {"seen_state": "draft", "seen": tender_fingerprint(tender)},
        follow=True,
    )

    page = response.content.decode()
    assert "The budget ceiling must be more than 0 TMT." in page
    assert "The description in Russian is missing." in page
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.DRAFT


def test_cancelling_needs_a_reason_on_the_form(officer_client, officer):
    tender = TenderFactory(created_by=officer, published=True)
    url = reverse("tenders:cancel", args=[tender.pk])

    empty = officer_client.post(url, {"reason": " ", "seen_state": "published"})
    done = officer_client.post(url, {"reason": "Budget withdrawn.", "seen_state": "published"})

    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    assert done.status_code == 302
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.CANCELLED


def test_cancelling_from_a_stale_page_says_so(officer_client, officer):
    tender = TenderFactory(created_by=officer, closed=True)

    response = officer_client.post(
        reverse("tenders:cancel", args=[tender.pk]), {"reason": "X", "seen_state": "published"}
    )

    assert "changed by someone else" in str(response.context["form"].non_field_errors())


# Amending


def amendment_data(tender, **overrides):
    local = timezone.localtime
    data = {
        name: getattr(tender, name)
        for name in (
            "title_tk",
            "title_ru",
            "title_en",
            "description_tk",
            "description_ru",
            "description_en",
            "budget_ceiling",
            "grant_start",
            "grant_end",
        )
    }
    data.update(
        questions_deadline=local(tender.questions_deadline).strftime("%Y-%m-%dT%H:%M"),
        submission_deadline=local(tender.submission_deadline).strftime("%Y-%m-%dT%H:%M"),
        reason="Transport costs added.",
        seen_amendments=tender.amendments.count(),
        **{
            "documents-TOTAL_FORMS": "0",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "10",
        },
    )
    return {**data, **overrides}


def test_the_officer_amends_a_published_tender(officer_client, officer):
    tender = TenderFactory(
        created_by=officer,
        published=True,
        questions_deadline=at_ashgabat(2099, 4, 8, 12, 0),
        submission_deadline=at_ashgabat(2099, 4, 15, 18, 0),
        grant_start=datetime.date(2099, 6, 1),
    )
    url = reverse("tenders:amend", args=[tender.pk])
    assert "2099-04-15T18:00" in officer_client.get(url).content.decode()

    response = officer_client.post(
        url,
        amendment_data(tender, budget_ceiling="500000.00", submission_deadline="2099-04-22T18:00"),
    )

    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert set(amendment.changes) == {"budget_ceiling", "submission_deadline"}
    assert Tender.objects.get(pk=tender.pk).submission_deadline == at_ashgabat(2099, 4, 22, 18, 0)


def test_a_refused_amendment_shows_the_problem_next_to_its_field(officer_client, officer):
    tender = TenderFactory(created_by=officer, published=True)

    response = officer_client.post(
        reverse("tenders:amend", args=[tender.pk]),
        amendment_data(
            tender,
            submission_deadline=timezone.localtime(
                tender.submission_deadline - datetime.timedelta(days=1)
            ).strftime("%Y-%m-%dT%H:%M"),
        ),
    )

    assert response.context["form"].errors["submission_deadline"] == [
        "The submission deadline can only be moved later."
    ]
    assert not Amendment.objects.exists()


def test_a_draft_cannot_be_amended_from_the_page(officer_client, officer):
    tender = TenderFactory(created_by=officer)

    response = officer_client.get(reverse("tenders:amend", args=[tender.pk]))

    assert response["Location"] == reverse("tenders:manage_detail", args=[tender.pk])
