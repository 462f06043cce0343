"""Every hostile upload is refused in every upload field of the portal, over HTTP, as the user
who may upload there; nothing is stored and no file is left behind. A valid file is still
accepted in each field."""

from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils.html import escape

from grants.models import AgreementDocument, ReportAttachment
from portal.documents.orphans import orphaned_names
from providers.models import DocumentType, ProviderDocument, TrainingRecord
from tenders.models import Amendment, BidDocument, Objection, Tender
from tenders.services.award import award_approve, award_propose
from tests.conftest import sign_in
from tests.factories.documents import pdf_bytes
from tests.factories.grants import GrantAgreementFactory, PilotReportFactory, grantee_admin
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, StaffMemberFactory, admin_of
from tests.factories.tenders import (
    BidFactory,
    TenderFactory,
    bid_ready_tender,
    completed_evaluation,
    eligible_provider,
)
from tests.portal.hostile_files import HOSTILE_NAMES, corpus
from tests.portal.multipart import multipart
from tests.tenders.test_tender_views import amendment_data, tender_form_data

pytestmark = pytest.mark.django_db


@dataclass
class Place:
    """An upload field on a real page: who may post, where, the other fields, the file field
    and how many records it has made so far."""

    user: object
    url: str
    fields: dict
    file_field: str
    records: object


def provider_document():
    provider = ProviderFactory()
    fields = {"seen_state": "draft", "document_type": DocumentType.CHARTER, "title": "Charter"}
    return Place(
        admin_of(provider),
        reverse("providers:documents"),
        {**fields, "expires_on": ""},
        "file",
        ProviderDocument.objects.count,
    )


def training_certificate():
    provider = ProviderFactory(verified=True)
    staff = StaffMemberFactory(provider=provider)
    fields = {
        "seen_state": "verified",
        "course": "Home care",
        "training_provider": "Red Crescent",
        "started_on": "2026-01-10",
        "completed_on": "2026-02-10",
    }
    return Place(
        admin_of(provider),
        reverse("providers:training_add", args=[staff.pk]),
        fields,
        "certificate",
        TrainingRecord.objects.count,
    )


def bid_document():
    tender = bid_ready_tender()
    bid = BidFactory(tender=tender, provider=eligible_provider(tender))
    return Place(
        admin_of(bid.provider),
        reverse("tenders:bid_documents", args=[bid.pk]),
        {"title": "Letter", "seen_state": "draft"},
        "file",
        BidDocument.objects.count,
    )


def report_attachment():
    report = PilotReportFactory(open=True)
    return Place(
        grantee_admin(report.agreement),
        reverse("grants:report_attach", args=[report.pk]),
        {"title": "Visit"},
        "file",
        ReportAttachment.objects.count,
    )


def tender_document():
    fields = tender_form_data()
    del fields["documents-0-file"]
    return Place(
        UserFactory(procurement_officer=True),
        reverse("tenders:create"),
        fields,
        "documents-0-file",
        Tender.objects.count,
    )


def agreement_file():
    agreement = GrantAgreementFactory()
    return Place(
        grantee_admin(agreement),
        reverse("grants:agreement_upload", args=[agreement.pk]),
        {"seen_version": 1},
        "file",
        AgreementDocument.objects.count,
    )


def objection_document():
    evaluation, _chair, _evaluators, (_winner, loser) = completed_evaluation(points=[9, 7])
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    award_approve(actor=UserFactory(approver=True), decision=decision)
    return Place(
        admin_of(loser.provider),
        reverse("tenders:bid_outcome", args=[loser.pk]),
        {"reasons": "Our trainers were certified.", "document_title": "Certificates"},
        "document",
        Objection.objects.count,
    )


def amendment_document():
    officer = UserFactory(procurement_officer=True)
    tender = TenderFactory(created_by=officer, published=True)
    # The form shows deadlines to the minute; whole minutes make an unchanged deadline equal.
    for name in ("questions_deadline", "submission_deadline"):
        setattr(tender, name, getattr(tender, name).replace(second=0, microsecond=0))
    tender.save(update_fields=["questions_deadline", "submission_deadline"])
    fields = amendment_data(tender, **{"documents-TOTAL_FORMS": "1"})
    fields["documents-0-title"] = "Terms v2"
    return Place(
        officer,
        reverse("tenders:amend", args=[tender.pk]),
        fields,
        "documents-0-file",
        Amendment.objects.count,
    )


PLACES = [
    provider_document,
    training_certificate,
    bid_document,
    report_attachment,
    tender_document,
    agreement_file,
    objection_document,
    amendment_document,
]
HOSTILE = corpus() + [
    (f"name {name!r}", name, pdf_bytes(), message) for name, message in HOSTILE_NAMES
]


def post(client, place, file_name, content):
    body, content_type = multipart(place.fields, {place.file_field: (file_name, content)})
    return client.generic("POST", place.url, body, content_type=content_type)


@pytest.mark.parametrize("make_place", PLACES, ids=[place.__name__ for place in PLACES])
def test_every_hostile_upload_is_refused_with_its_message_and_nothing_is_kept(
    client, media, make_place
):
    place = make_place()
    sign_in(client, place.user)
    records, files = place.records(), media.names()
    wrong = []

    for label, file_name, content, message in HOSTILE:
        response = post(client, place, file_name, content)
        if response.status_code in {301, 302} or escape(message) not in response.content.decode():
            wrong.append(f"{label}: {response.status_code}, message not shown")
        if place.records() != records or media.names() != files:
            wrong.append(f"{label}: something was stored")

    assert wrong == []
    assert orphaned_names() == []
    accepted = post(client, place, "Ýyllyk meýilnama.pdf", pdf_bytes())
    assert accepted.status_code == 302
    assert place.records() == records + 1
    assert orphaned_names() == []
