import pytest

from tests.factories.portal import UserFactory
from tests.factories.tenders import TenderCriterionFactory, TenderFactory

pytestmark = pytest.mark.django_db


def test_a_system_administrator_can_read_a_tender_in_the_admin_but_not_change_it(client):
    tender = TenderFactory(published=True)
    TenderCriterionFactory(tender=tender, title_en="Quality of the care plan")
    client.force_login(UserFactory(system_admin=True))
    response = client.get(f"/admin/tenders/tender/{tender.pk}/change/")
    assert response.status_code == 200
    assert tender.reference in response.text
    assert 'name="_save"' not in response.text
