import re

import pytest
from django.conf import settings

from tests.factories.tenders import TenderFactory
from tests.portal.api_support import anonymous_client

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_is_served_at_api_schema():
    response = anonymous_client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/tenders/" in schema["paths"]


def test_the_docs_load_swagger_ui_from_the_portal_s_own_static_files():
    page = anonymous_client().get("/api/docs/").content.decode()
    assert f"{settings.STATIC_URL}drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    script = anonymous_client().get("/api/docs/", {"script": ""}).content.decode()
    assert "/api/schema/" in script


def test_the_docs_page_runs_no_inline_script_or_style_under_the_content_security_policy():
    response = anonymous_client().get("/api/docs/")
    page = response.content.decode()
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "<style" not in page
    assert all(" src=" in tag for tag in re.findall(r"<script[^>]*>", page))


def test_a_visitor_lists_published_tenders_but_not_drafts():
    published = TenderFactory(published=True)
    draft = TenderFactory(draft=True)
    response = anonymous_client().get("/api/tenders/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert published.pk in ids
    assert draft.pk not in ids


def test_a_draft_tender_is_not_found_and_says_so_in_the_reader_s_language():
    draft = TenderFactory(draft=True)
    response = anonymous_client(HTTP_ACCEPT_LANGUAGE="ru").get(f"/api/tenders/{draft.pk}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "По этому адресу ничего не найдено."}


def test_a_published_tender_shows_its_notice_in_every_language():
    tender = TenderFactory(published=True)
    body = anonymous_client().get(f"/api/tenders/{tender.pk}/").json()
    assert body["reference"] == tender.reference
    assert (body["title_tk"], body["title_ru"]) == (tender.title_tk, tender.title_ru)
    assert len(body["criteria"]) == tender.criteria.count()


def test_an_address_under_the_api_that_names_nothing_is_a_json_404():
    response = anonymous_client().get("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_page_that_is_not_a_number_is_not_found():
    TenderFactory(published=True)
    assert anonymous_client().get("/api/tenders/?page=").status_code == 404
    assert anonymous_client().get("/api/tenders/?page=1").status_code == 200


def test_an_address_with_a_newline_is_not_found_in_json():
    response = anonymous_client().post("/api/reports/1/attachments/a%0Ab/remove/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
