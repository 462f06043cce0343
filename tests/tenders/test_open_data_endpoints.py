"""The public open-data endpoints: the release package (paginated, filtered by date), the
record package of a contracting process, and the publisher, licence and policy pages."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tenders.models import Release
from tenders.opendata import packages
from tenders.opendata.validation import RECORD_PACKAGE, RELEASE_PACKAGE, errors
from tests.tenders.open_data_support import cancelled_tender, lifecycle, published_tender

pytestmark = pytest.mark.django_db

RELEASES = reverse("opendata:releases")
SITE = "https://portal.example.org"


def record_url(ocid):
    return reverse("opendata:record", args=[ocid])


@pytest.fixture
def processes():
    process = lifecycle()
    cancelled_tender()
    return process


def test_the_release_package_is_public_and_valid(client, processes):
    response = client.get(RELEASES)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    package = response.json()
    assert len(package["releases"]) == Release.objects.count() == 10
    assert errors(package, RELEASE_PACKAGE) == []
    assert "links" not in package


def test_every_record_package_is_public_and_valid(client, processes):
    ocids = list(packages.ocids())
    assert len(ocids) == 2

    for ocid in ocids:
        response = client.get(record_url(ocid))
        assert response.status_code == 200
        package = response.json()
        assert errors(package, RECORD_PACKAGE) == []
        (record,) = package["records"]
        assert record["ocid"] == ocid
        assert [release["id"] for release in record["releases"]] == list(
            Release.objects.filter(ocid=ocid).values_list("release_id", flat=True)
        )
        assert record["compiledRelease"]["ocid"] == ocid


def test_an_unknown_ocid_is_not_found(client, db):
    response = client.get(record_url("ocds-xxxxxx-SC-2026-9999"))

    assert response.status_code == 404
    assert response.json()["error"] == "No contracting process has this OCID."


@override_settings(SITE_URL=SITE)
def test_packages_name_their_publisher_licence_and_policy_by_absolute_address(client):
    published_tender()

    package = client.get(RELEASES).json()

    assert package["uri"] == f"{SITE}{RELEASES}"
    assert package["publisher"] == {
        "name": "Ministry of Labour and Social Protection of Population of Turkmenistan",
        "uri": f"{SITE}{reverse('opendata:publisher')}",
    }
    assert package["license"] == f"{SITE}{reverse('opendata:licence')}"
    assert package["publicationPolicy"] == f"{SITE}{reverse('opendata:policy')}"
    assert package["version"] == "1.1"
    ocid = package["releases"][0]["ocid"]
    record = client.get(record_url(ocid)).json()
    assert record["uri"] == f"{SITE}{record_url(ocid)}"
    assert record["packages"] == [f"{SITE}{RELEASES}"]


@override_settings(SITE_URL=SITE)
def test_releases_are_paginated_with_links_to_the_next_and_previous_pages(
    client, monkeypatch, processes
):
    monkeypatch.setattr(packages, "PAGE_SIZE", 4)

    first = client.get(RELEASES).json()
    second = client.get(first["links"]["next"].removeprefix(SITE)).json()
    third = client.get(second["links"]["next"].removeprefix(SITE)).json()

    assert first["links"] == {"next": f"{SITE}{RELEASES}?page=2"}
    assert second["links"] == {
        "next": f"{SITE}{RELEASES}?page=3",
        "prev": f"{SITE}{RELEASES}",
    }
    assert third["links"] == {"prev": f"{SITE}{RELEASES}?page=2"}
    ids = [release["id"] for page in (first, second, third) for release in page["releases"]]
    assert ids == list(Release.objects.order_by("date", "id").values_list("release_id", flat=True))
    for page in (first, second, third):
        assert errors(page, RELEASE_PACKAGE) == []


def test_a_page_past_the_end_is_not_found(client, db):
    published_tender()

    for page in ("2", "0", "first"):
        response = client.get(RELEASES, {"page": page})
        assert response.status_code == 404
        assert response.json()["error"] == "There is no such page."


def _published_on(moment):
    with time_machine.travel(moment, tick=False):
        return published_tender()


def test_since_and_until_keep_the_releases_of_those_days(client, db):
    march = _published_on(datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.UTC))
    april = _published_on(datetime.datetime(2026, 4, 1, 10, tzinfo=datetime.UTC))

    def references(**query):
        response = client.get(RELEASES, query)
        assert response.status_code == 200
        return [release["tender"]["id"] for release in response.json()["releases"]]

    assert references(since="2026-03-15") == [april.reference]
    assert references(until="2026-03-15") == [march.reference]
    assert references(until="2026-03-01") == [march.reference]
    assert references(since="2026-03-01", until="2026-04-01") == [march.reference, april.reference]
    assert references(since="2026-04-01T15:00:01+05:00") == []
    assert references(since="2026-04-01T15:00") == [april.reference]


def test_the_filter_is_carried_into_the_next_link(client, monkeypatch, db):
    monkeypatch.setattr(packages, "PAGE_SIZE", 1)
    published_tender()
    published_tender()

    links = client.get(RELEASES, {"since": "2020-01-01"}).json()["links"]

    assert links["next"].endswith(f"{RELEASES}?since=2020-01-01&page=2")


def test_a_malformed_date_is_refused_in_the_visitors_language(client, db):
    english = client.get(RELEASES, {"since": "yesterday"})
    russian = client.get(RELEASES, {"until": "2026-13-45"}, HTTP_ACCEPT_LANGUAGE="ru")

    assert (english.status_code, russian.status_code) == (400, 400)
    assert "“since” must be a date" in english.json()["error"]
    assert "«until»" in russian.json()["error"] or "“until”" in russian.json()["error"]
    assert "дат" in russian.json()["error"]


def test_the_endpoints_answer_only_reading(client, db):
    published_tender()
    ocid = Release.objects.get().ocid

    for url in (RELEASES, record_url(ocid), reverse("opendata:policy")):
        assert client.post(url).status_code == 405


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queries_of_a_page_do_not_grow_with_its_releases(client, db):
    tender = published_tender()
    few = _queries(client, RELEASES)
    record_few = _queries(
        client, record_url(Release.objects.get(ocid__endswith=tender.reference).ocid)
    )

    process = lifecycle()
    assert Release.objects.count() > 5

    assert _queries(client, RELEASES) == few
    ocid = Release.objects.filter(ocid__endswith=process.tender.reference).first().ocid
    assert _queries(client, record_url(ocid)) == record_few


@pytest.mark.parametrize(
    "language, heading",
    [
        ("en", "Open contracting data"),
        ("ru", "Открытые данные о контрактах"),
        ("tk", "Şertnamalar barada açyk maglumatlar"),
    ],
)
def test_the_publisher_page_is_public_and_translated(client, db, language, heading):
    response = client.get(reverse("opendata:publisher"), HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 200
    assert heading in response.content.decode()
    assert "ocds-xxxxxx-" in response.content.decode()


@pytest.mark.parametrize("name", ["licence", "policy"])
def test_the_licence_and_policy_pages_are_public(client, db, name):
    response = client.get(reverse(f"opendata:{name}"))

    assert response.status_code == 200
    assert reverse("opendata:publisher") in response.content.decode()
