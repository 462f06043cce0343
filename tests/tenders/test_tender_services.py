"""Writing draft tenders and cancelling tenders through their services."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from portal.models import Etrap, ServiceType, TargetGroup, Velayat
from tenders.models import Bid, Tender, TenderDocument
from tenders.services.tender import (
    next_reference,
    tender_cancel,
    tender_create,
    tender_update,
)
from tenders.services.tender_checks import TenderProblems
from tests.factories.documents import upload
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import TenderDocumentFactory, TenderFactory
from tests.tenders.tender_support import bid_in, recipients
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


def draft_values(**overrides):
    ashgabat = Velayat.objects.get(code="TM-S")
    now = timezone.now()
    values = {
        "title_tk": "Garrylara öýde hyzmat",
        "title_ru": "Помощь на дому пожилым",
        "title_en": "",
        "description_tk": "Düşündiriş",
        "description_ru": "Описание",
        "description_en": "",
        "service_type": ServiceType.objects.get(code="elderly-home-care"),
        "velayat": ashgabat,
        "target_groups": list(TargetGroup.objects.filter(code="elderly")),
        "etraps": list(ashgabat.etraps.all()[:2]),
        "budget_ceiling": Decimal("300000.00"),
        "grant_start": (now + datetime.timedelta(days=60)).date(),
        "grant_end": (now + datetime.timedelta(days=400)).date(),
        "awards_count": 1,
        "required_document_types": ["charter"],
        "min_trained_staff": 2,
        "price_weight": 20,
        "min_technical_score": Decimal("60"),
        "questions_deadline": now + datetime.timedelta(days=12),
        "submission_deadline": now + datetime.timedelta(days=20),
    }
    return {**values, **overrides}


CRITERIA = [
    {"title_tk": "Usul", "title_ru": "Методика", "weight": 50, "max_points": 10},
    {"title_tk": "Işgärler", "title_ru": "Персонал", "weight": 30, "max_points": 10},
]


# References


def test_references_count_up_within_a_year_and_restart_in_the_next():
    with transaction.atomic():
        first = next_reference(datetime.date(2026, 3, 1))
        second = next_reference(datetime.date(2026, 12, 31))
        next_year = next_reference(datetime.date(2027, 1, 1))

    assert (first, second, next_year) == ("SC-2026-0001", "SC-2026-0002", "SC-2027-0001")


def test_each_new_draft_gets_its_own_reference(officer):
    first = tender_create(actor=officer, values=draft_values())
    second = tender_create(actor=officer, values=draft_values())

    year = timezone.localdate().year
    assert first.reference == f"SC-{year}-0001"
    assert second.reference == f"SC-{year}-0002"


# Creating and editing drafts


def test_an_officer_writes_a_draft_with_criteria_area_and_documents(officer):
    tender = tender_create(
        actor=officer,
        values=draft_values(),
        criteria=CRITERIA,
        documents=[("Terms of reference", upload("pdf", name="tor.pdf"))],
    )

    tender = Tender.objects.get(pk=tender.pk)
    assert tender.state == Tender.State.DRAFT
    assert tender.created_by == officer
    assert [c.weight for c in tender.criteria.all()] == [50, 30]
    assert tender.etraps.count() == 2
    document = tender.documents.get()
    assert (document.title, document.original_name, document.mime) == (
        "Terms of reference",
        "tor.pdf",
        "application/pdf",
    )
    assert history(tender).get().action == "create"


def test_someone_who_is_not_a_procurement_officer_may_not_write_a_tender():
    with pytest.raises(DomainError) as error:
        tender_create(actor=UserFactory(evaluator=True), values=draft_values())

    assert error.value.code == "forbidden"
    assert not Tender.objects.exists()


def test_the_same_form_sent_twice_makes_one_draft(officer):
    key = uuid.uuid4()

    first = tender_create(actor=officer, values=draft_values(), key=key)
    second = tender_create(actor=officer, values=draft_values(), key=key)

    assert first.pk == second.pk
    assert Tender.objects.count() == 1


def test_an_etrap_of_another_velayat_is_refused(officer):
    mary_etrap = Etrap.objects.filter(velayat__code="TM-M").first()

    with pytest.raises(TenderProblems) as error:
        tender_create(actor=officer, values=draft_values(etraps=[mary_etrap]))

    assert [p.field for p in error.value.problems] == ["etraps"]
    assert not Tender.objects.exists()


def test_the_officer_edits_a_draft_and_the_criteria_follow_the_form(officer):
    tender = tender_create(actor=officer, values=draft_values(), criteria=CRITERIA)
    kept = tender.criteria.first()

    tender_update(
        actor=officer,
        tender=tender,
        values=draft_values(title_en="Home care", price_weight=0),
        criteria=[
            {"id": kept.pk, "title_tk": "Usul", "title_ru": "Методика", "weight": 70},
            {"title_tk": "Täze", "title_ru": "Новый", "weight": 30, "max_points": 5},
        ],
    )

    tender = Tender.objects.get(pk=tender.pk)
    assert tender.title_en == "Home care"
    criteria = list(tender.criteria.all())
    assert [(c.pk == kept.pk, c.weight) for c in criteria] == [(True, 70), (False, 30)]
    assert [entry.action for entry in history(tender)] == ["create", "edit"]


def test_another_officer_may_not_edit_the_draft(officer):
    tender = TenderFactory(created_by=officer)

    with pytest.raises(DomainError) as error:
        tender_update(
            actor=UserFactory(procurement_officer=True), tender=tender, values={"title_en": "X"}
        )

    assert error.value.code == "forbidden"


def test_a_published_tender_is_not_edited_as_a_draft(officer):
    tender = TenderFactory(created_by=officer, published=True)

    with pytest.raises(DomainError) as error:
        tender_update(actor=officer, tender=tender, values={"title_en": "Changed"})

    assert error.value.code == "not_draft"
    assert Tender.objects.get(pk=tender.pk).title_en != "Changed"


def test_saving_the_same_document_twice_attaches_it_once(officer):
    tender = TenderFactory(created_by=officer)
    for _ in range(2):
        tender_update(
            actor=officer,
            tender=tender,
            values={},
            criteria=[{"title_tk": "A", "title_ru": "Б", "weight": 100}],
            documents=[("Terms", upload("pdf", name="terms.pdf"))],
        )

    assert tender.documents.count() == 1


def test_a_removed_draft_document_is_deleted(officer):
    tender = TenderFactory(created_by=officer)
    document = TenderDocumentFactory(tender=tender)

    tender_update(actor=officer, tender=tender, values={}, removed_documents=[document.pk])

    assert not TenderDocument.objects.filter(pk=document.pk).exists()


# Cancelling


def test_cancelling_tells_every_bidder_but_discarded_ones_and_the_officer(
    officer, django_capture_on_commit_callbacks
):
    tender = TenderFactory(created_by=officer, published=True)
    draft, submitted, withdrawn = (
        bid_in(tender, state) for state in (Bid.State.DRAFT, Bid.State.SUBMITTED, "withdrawn")
    )
    discarded = bid_in(tender, Bid.State.DISCARDED)

    with django_capture_on_commit_callbacks() as callbacks:
        row = tender_cancel(actor=officer, tender=tender, reason="  The budget was withdrawn. ")
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert (row.state, row.cancel_reason) == ("cancelled", "The budget was withdrawn.")
    expected = {admin_of(bid.provider).pk for bid in (draft, submitted, withdrawn)}
    assert recipients("tenders.tender_cancelled") == expected | {officer.pk}
    assert admin_of(discarded.provider).pk not in recipients("tenders.tender_cancelled")
    for callback in callbacks:
        callback()
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()


def test_cancelling_writes_the_reason_in_the_audit_log(officer):
    tender = TenderFactory(created_by=officer)

    tender_cancel(actor=officer, tender=tender, reason="Written by mistake.")

    entry = history(tender).get(action="cancel")
    assert (entry.actor, entry.source_state, entry.note) == (
        officer,
        "draft",
        "Written by mistake.",
    )


def test_cancelling_needs_a_reason(officer):
    tender = TenderFactory(created_by=officer, published=True)

    with pytest.raises(DomainError) as error:
        tender_cancel(actor=officer, tender=tender, reason="   ")

    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.PUBLISHED


def test_a_closed_tender_cannot_be_cancelled(officer):
    tender = TenderFactory(created_by=officer, closed=True)

    with pytest.raises(DomainError) as error:
        tender_cancel(actor=officer, tender=tender, reason="Too late")

    assert error.value.code == "not_allowed"


@pytest.mark.parametrize("role", ["evaluator", "procurement_officer"])
def test_only_the_tenders_officer_may_cancel_it(officer, role):
    tender = TenderFactory(created_by=officer, published=True)

    with pytest.raises(DomainError) as error:
        tender_cancel(actor=UserFactory(**{role: True}), tender=tender, reason="No")

    assert error.value.code == "forbidden"


def test_cancelling_twice_does_nothing_more(officer):
    tender = TenderFactory(created_by=officer, published=True)
    bid_in(tender, Bid.State.SUBMITTED)
    tender_cancel(actor=officer, tender=tender, reason="First")
    messages = OutboxMessage.objects.count()

    row = tender_cancel(actor=officer, tender=tender, reason="Second")

    assert row.cancel_reason == "First"
    assert OutboxMessage.objects.count() == messages
    assert history(tender).filter(action="cancel").count() == 1


def test_a_rolled_back_cancellation_leaves_no_message(officer):
    tender = TenderFactory(created_by=officer, published=True)

    with pytest.raises(RuntimeError), transaction.atomic():
        tender_cancel(actor=officer, tender=tender, reason="Budget cut")
        raise RuntimeError("the surrounding work failed")

    assert not OutboxMessage.objects.exists()
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.PUBLISHED
