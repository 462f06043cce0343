"""A bid's documents uploaded over the API (multipart), with the page's upload checks."""

import pytest
from django.core.cache import cache

from providers.models import MemberRole
from tenders.models import BidBudgetLine, BidDocument
from tests.factories.documents import upload
from tests.factories.providers import admin_of, member_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider
from tests.portal.api_support import token_client
from tests.portal.hostile_files import encrypted_pdf
from workflows.audit import history

pytestmark = pytest.mark.django_db

DRAFT = {"seen_state": "draft"}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def bid():
    tender = bid_ready_tender()
    return BidFactory(tender=tender, provider=eligible_provider(tender))


def send(client, bid, **fields):
    sent = {"seen_state": "draft", "title": "Charter", "file": upload("pdf"), **fields}
    return client.post(f"/api/bids/{bid.pk}/documents/", sent, format="multipart")


def test_the_bidder_uploads_a_document_and_it_is_listed_with_its_digest(bid):
    admin = admin_of(bid.provider)
    response = send(token_client(admin), bid)
    assert response.status_code == 200, response.json()
    document = BidDocument.objects.get(bid=bid)
    assert response.json()["documents"] == [
        {
            "id": document.pk,
            "title": "Charter",
            "original_name": "document.pdf",
            "size": document.size,
            "sha256": document.sha256,
            "mime": "application/pdf",
            "uploaded_at": response.json()["documents"][0]["uploaded_at"],
        }
    ]
    assert history(bid).get(action="document_added").actor == admin


def test_an_encrypted_pdf_is_refused_in_russian_and_nothing_is_stored(bid):
    admin = admin_of(bid.provider)
    admin.language = "ru"
    admin.save(update_fields=["language"])
    response = send(token_client(admin), bid, file=upload("pdf", content=encrypted_pdf()))
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "Этот PDF защищён паролем или шифрованием; загрузите копию без защиты."
    ]
    assert not BidDocument.objects.exists()


def test_a_document_for_a_bid_read_in_another_state_is_a_conflict(bid):
    response = send(token_client(admin_of(bid.provider)), bid, seen_state="submitted")
    assert response.status_code == 409
    assert not BidDocument.objects.exists()


def test_a_viewer_may_not_upload(bid):
    response = send(token_client(member_of(bid.provider, MemberRole.VIEWER)), bid)
    assert response.status_code == 403
    assert not BidDocument.objects.exists()


def test_another_organisation_finds_no_bid_to_upload_to(bid):
    other = admin_of(eligible_provider(bid.tender))
    response = send(token_client(other), bid)
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"}
    assert not BidDocument.objects.exists()


def test_a_json_body_is_refused_as_the_wrong_media_type(bid):
    response = token_client(admin_of(bid.provider)).post(
        f"/api/bids/{bid.pk}/documents/", {"seen_state": "draft"}, format="json"
    )
    assert response.status_code == 415


def test_the_bidder_removes_a_document_a_budget_line_and_a_proposed_person(bid):
    client = token_client(admin_of(bid.provider))
    send(client, bid)
    document = BidDocument.objects.get(bid=bid)
    line = BidBudgetLine.objects.create(
        bid=bid, category="staff", description="Social workers", amount=100
    )
    person = bid.provider.staff.first()
    client.post(
        f"/api/bids/{bid.pk}/staff/",
        {"seen_state": "draft", "staff_member": person.pk},
        format="json",
    )
    for path in (
        f"documents/{document.pk}/remove",
        f"budget-lines/{line.pk}/remove",
        f"staff/{person.pk}/remove",
    ):
        response = client.post(
            f"/api/bids/{bid.pk}/{path}/", {"seen_state": "draft"}, format="json"
        )
        assert response.status_code == 200, (path, response.json())
    body = response.json()
    assert (body["documents"], body["budget_lines"], body["staff"]) == ([], [], [])
    assert history(bid).filter(action="document_removed").exists()


def test_a_removal_without_the_state_read_is_refused_in_turkmen(bid):
    admin = admin_of(bid.provider)
    admin.language = "tk"
    admin.save(update_fields=["language"])
    client = token_client(admin)
    send(client, bid)
    document = BidDocument.objects.get(bid=bid)
    response = client.post(f"/api/bids/{bid.pk}/documents/{document.pk}/remove/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["seen_state"] == ["Bu meýdança hökman gerekli."]
    assert BidDocument.objects.filter(pk=document.pk).exists()


def test_a_removal_from_a_bid_read_in_another_state_is_a_conflict(bid):
    client = token_client(admin_of(bid.provider))
    send(client, bid)
    document = BidDocument.objects.get(bid=bid)
    response = client.post(
        f"/api/bids/{bid.pk}/documents/{document.pk}/remove/",
        {"seen_state": "submitted"},
        format="json",
    )
    assert response.status_code == 409
    assert BidDocument.objects.filter(pk=document.pk).exists()


def test_a_viewer_may_not_remove_a_document(bid):
    send(token_client(admin_of(bid.provider)), bid)
    document = BidDocument.objects.get(bid=bid)
    viewer = token_client(member_of(bid.provider, MemberRole.VIEWER))
    response = viewer.post(
        f"/api/bids/{bid.pk}/documents/{document.pk}/remove/",
        {"seen_state": "draft"},
        format="json",
    )
    assert response.status_code == 403
    assert BidDocument.objects.filter(pk=document.pk).exists()


def test_another_bid_s_document_is_not_found(bid):
    other = BidFactory(tender=bid.tender, provider=eligible_provider(bid.tender))
    send(token_client(admin_of(other.provider)), other)
    document = BidDocument.objects.get(bid=other)
    response = token_client(admin_of(bid.provider)).post(
        f"/api/bids/{bid.pk}/documents/{document.pk}/remove/",
        {"seen_state": "draft"},
        format="json",
    )
    assert response.status_code == 404
    assert BidDocument.objects.filter(pk=document.pk).exists()
