import pytest

from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.tenders import TenderCriterionFactory, TenderFactory

pytestmark = pytest.mark.django_db


def test_a_system_administrator_can_read_a_tender_in_the_admin_but_not_change_it(client):
    tender = TenderFactory(published=True)
    TenderCriterionFactory(tender=tender, title_en="Quality of the care plan")
    sign_in(client, UserFactory(system_admin=True))
    response = client.get(f"/admin/tenders/tender/{tender.pk}/change/")
    assert response.status_code == 200
    assert tender.reference in response.text
    assert 'name="_save"' not in response.text


def test_a_published_release_is_shown_in_the_admin_and_cannot_be_changed_or_deleted(client):
    from tenders.models import Release
    from tests.tenders.open_data_support import published_tender

    published_tender()
    release = Release.objects.get()
    sign_in(client, UserFactory(system_admin=True))

    listing = client.get("/admin/tenders/release/")
    page = client.get(f"/admin/tenders/release/{release.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert release.release_id in listing.text
    assert 'name="_save"' not in page.text
    assert client.get("/admin/tenders/release/add/").status_code == 403
    assert client.get(f"/admin/tenders/release/{release.pk}/delete/").status_code == 403
    assert (
        client.post(f"/admin/tenders/release/{release.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Release.objects.filter(pk=release.pk).exists()
