"""The new-tender form adds a criteria row in the page, and the row is saved with the draft."""

import pytest

from portal.models import ServiceType, Velayat
from tenders.models import Tender
from tests.e2e.steps import Steps, serious_violations
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.e2e


def test_add_a_criterion_adds_a_row_in_the_page_and_the_draft_keeps_it(page):
    steps = Steps(page)
    steps.log_in(UserFactory(procurement_officer=True))
    page.goto("/tenders/manage/new/")
    rows = page.locator("[data-formset-rows] > fieldset")
    assert rows.count() == 2
    url = page.url
    page.get_by_role("button", name="Add a criterion").click()
    assert page.url == url
    assert rows.count() == 3
    assert page.locator('input[name="criteria-TOTAL_FORMS"]').input_value() == "3"
    assert rows.nth(2).locator("legend").inner_text() == "Criterion 3"
    focused = page.evaluate("() => document.activeElement.name")
    assert focused == "criteria-2-title_tk"
    assert serious_violations(page) == []
    page.fill('[name="title_tk"]', "Garrylara öýde hyzmat")
    page.select_option('[name="service_type"]', str(ServiceType.objects.first().pk))
    page.select_option('[name="velayat"]', str(Velayat.objects.get(code="TM-S").pk))
    page.fill('[name="criteria-2-title_tk"]', "Tejribe")
    page.fill('[name="criteria-2-title_ru"]', "Опыт")
    page.fill('[name="criteria-2-weight"]', "10")
    page.fill('[name="criteria-2-max_points"]', "10")
    steps.click("Save the draft")
    tender = Tender.objects.get()
    assert list(tender.criteria.values_list("title_tk", flat=True)) == ["Tejribe"]
