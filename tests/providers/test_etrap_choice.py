"""The etrap follows the velayat on the organisation form: the server refuses an etrap of
another velayat, and with htmx the list narrows to the chosen velayat's etraps."""

import re

import pytest
from django.urls import reverse

from portal.models import Etrap, Velayat
from providers.models import Provider
from tests.conftest import sign_in
from tests.factories.providers import ProviderFactory, admin_of

pytestmark = pytest.mark.django_db


def offered(page):
    """The etrap ids the page's etrap options offer (the empty choice left out)."""
    return {int(value) for value in re.findall(r'<option value="(\d+)"', page)}


def options(client, **query):
    response = client.get(reverse("providers:etrap_options"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_etrap_list_narrows_to_the_chosen_velayats_etraps(client, outsider):
    mary = Velayat.objects.get(code="TM-M")
    sign_in(client, outsider)

    page = options(client, velayat=mary.pk)

    assert offered(page) == set(mary.etraps.filter(active=True).values_list("pk", flat=True))
    assert offered(page).isdisjoint(
        Etrap.objects.exclude(velayat=mary).values_list("pk", flat=True)
    )


def test_the_etrap_already_chosen_stays_chosen_when_the_velayat_still_has_it(client, outsider):
    etrap = Velayat.objects.get(code="TM-M").etraps.first()
    sign_in(client, outsider)

    page = options(client, velayat=etrap.velayat_id, etrap=etrap.pk)

    assert f'<option value="{etrap.pk}" selected>' in page


def test_no_velayat_chosen_offers_every_active_etrap(client, outsider):
    sign_in(client, outsider)

    assert offered(options(client, velayat="")) == set(
        Etrap.objects.filter(active=True).values_list("pk", flat=True)
    )


def test_the_velayat_choice_asks_for_its_etraps_and_the_page_works_without_javascript(
    client, outsider
):
    sign_in(client, outsider)

    page = client.get(reverse("providers:register")).content.decode()

    select = re.search(r'<select name="velayat"[^>]*>', page).group(0)
    assert f'hx-get="{reverse("providers:etrap_options")}"' in select
    assert 'hx-target="#id_etrap"' in select
    # Without JavaScript the full list stays, and the server checks the pair.
    assert len(offered(page)) >= Etrap.objects.filter(active=True).count()


def test_the_edit_form_asks_for_the_etraps_of_the_organisations_velayat(client):
    provider = ProviderFactory()
    sign_in(client, admin_of(provider))

    page = client.get(reverse("providers:edit")).content.decode()

    assert 'hx-include="#id_etrap"' in page and 'hx-trigger="load, change"' in page


def test_an_etrap_of_another_velayat_is_refused_next_to_the_field_in_russian(client, outsider):
    outsider.language = "ru"
    outsider.save(update_fields=["language"])
    sign_in(client, outsider)

    response = client.post(
        reverse("providers:register"),
        {
            "velayat": Velayat.objects.get(code="TM-S").pk,
            "etrap": Velayat.objects.get(code="TM-M").etraps.first().pk,
        },
    )

    assert response.context["form"].errors["etrap"] == [
        "Этрап должен относиться к выбранному велаяту."
    ]
    assert not Provider.objects.exists()


def test_the_etrap_list_is_for_signed_in_users(client):
    response = client.get(reverse("providers:etrap_options"), {"velayat": 1})

    assert response.status_code == 302
