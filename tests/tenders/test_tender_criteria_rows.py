"""The tender form adds criteria rows: in the page with the script, by the server without it."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tenders.models import Tender
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.tenders import TenderFactory
from tests.tenders.test_tender_views import tender_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client):
    sign_in(client, UserFactory(procurement_officer=True))
    return client


def _third_row():
    return {
        "criteria-2-title_tk": "Tejribe",
        "criteria-2-title_ru": "Опыт",
        "criteria-2-weight": "0",
        "criteria-2-max_points": "10",
    }


def test_the_new_tender_form_carries_the_empty_row_template_and_its_script(officer_client):
    page = officer_client.get(reverse("tenders:create")).content.decode()
    assert "<template data-formset-template>" in page
    assert 'name="criteria-__prefix__-title_tk"' in page
    assert "Criterion __number__" in page
    assert "tenders/formset.js" in page
    assert 'name="add_criterion"' in page
    assert finders.find("tenders/formset.js")


def test_add_a_criterion_without_script_shows_the_form_again_with_one_more_row(officer_client):
    data = tender_form_data(add_criterion="1")
    response = officer_client.post(reverse("tenders:create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Tender.objects.exists()
    assert 'name="criteria-TOTAL_FORMS" value="3"' in page
    assert 'name="criteria-2-title_tk"' in page
    assert 'value="Garrylara öýde hyzmat"' in page
    assert 'value="Методика"' in page
    assert 'value="300000.00"' in page or 'value="300000"' in page
    assert "Criterion 3" in page
    assert "errorlist" not in page


def test_the_row_added_without_script_is_saved_with_the_others(officer_client):
    page = officer_client.post(
        reverse("tenders:create"), tender_form_data(add_criterion="1")
    ).content.decode()
    assert 'name="criteria-2-title_tk"' in page
    data = tender_form_data(**{"criteria-TOTAL_FORMS": "3", **_third_row()})
    response = officer_client.post(reverse("tenders:create"), data)
    assert response.status_code == 302
    tender = Tender.objects.get()
    assert [c.title_ru for c in tender.criteria.order_by("position")] == [
        "Методика",
        "Персонал",
        "Опыт",
    ]


def test_adding_a_row_to_an_incomplete_draft_shows_no_errors(officer_client):
    data = tender_form_data(add_criterion="1", title_tk="", title_ru="", title_en="")
    page = officer_client.post(reverse("tenders:create"), data).content.decode()
    assert "Give the tender a title" not in page
    assert 'name="criteria-TOTAL_FORMS" value="3"' in page


def test_no_more_rows_than_the_formset_allows(officer_client):
    data = tender_form_data(add_criterion="1", **{"criteria-TOTAL_FORMS": "20"})
    response = officer_client.post(reverse("tenders:create"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="criteria-TOTAL_FORMS" value="20"' in page
    assert 'name="criteria-19-title_tk"' in page
    assert 'name="criteria-20-title_tk"' not in page
    assert "errorlist" not in page
    assert not Tender.objects.exists()


def test_a_saved_draft_keeps_its_criteria_when_a_row_is_added(client):
    tender = TenderFactory(draft=True)
    sign_in(client, tender.created_by)
    page = client.get(reverse("tenders:edit", args=[tender.pk])).content.decode()
    rows = page.count('name="criteria-TOTAL_FORMS" value="')
    assert rows == 1
    criteria = tender.criteria.count()
    data = {
        key: value
        for key, value in tender_form_data(add_criterion="1").items()
        if not key.startswith("criteria-")
    }
    data.update(
        {
            "criteria-TOTAL_FORMS": str(criteria),
            "criteria-INITIAL_FORMS": str(criteria),
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "20",
        }
    )
    for n, criterion in enumerate(tender.criteria.order_by("position")):
        data.update(
            {
                f"criteria-{n}-id": criterion.pk,
                f"criteria-{n}-title_tk": criterion.title_tk,
                f"criteria-{n}-title_ru": criterion.title_ru,
                f"criteria-{n}-weight": criterion.weight,
                f"criteria-{n}-max_points": criterion.max_points,
            }
        )
    page = client.post(reverse("tenders:edit", args=[tender.pk]), data).content.decode()
    assert f'name="criteria-TOTAL_FORMS" value="{criteria + 1}"' in page
    assert f'name="criteria-{criteria}-title_tk"' in page
    assert tender.criteria.count() == criteria
