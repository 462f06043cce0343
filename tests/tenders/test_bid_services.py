import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import translation

from providers.models import MemberRole
from tenders.models import Bid, BidDocument
from tenders.services.bid import (
    bid_budget_line_add,
    bid_budget_line_remove,
    bid_create,
    bid_document_add,
    bid_document_remove,
    bid_proposal_save,
    bid_staff_assign,
    bid_staff_remove,
)
from tenders.services.bid_submission import bid_submit
from tests.factories.documents import upload
from tests.factories.portal import UserFactory
from tests.factories.providers import (
    ProviderFactory,
    StaffMemberFactory,
    admin_of,
    member_of,
)
from tests.factories.tenders import (
    BidFactory,
    TenderCriterionFactory,
    TenderFactory,
    bid_ready_tender,
    eligible_provider,
)
from workflows.audit import history
from workflows.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db


def _stored_files():
    root = Path(default_storage.path("tenders/bids"))
    return {path for path in root.rglob("*") if path.is_file()}


@pytest.fixture
def tender():
    return bid_ready_tender()


@pytest.fixture
def bid(tender):
    return BidFactory(tender=tender, provider=eligible_provider(tender))


# bid_create


def test_an_editor_of_a_verified_organisation_opens_a_draft(tender):
    provider = ProviderFactory(verified=True)
    editor = member_of(provider, MemberRole.EDITOR)
    bid = bid_create(actor=editor, tender=tender)
    assert (bid.state, bid.provider, bid.created_by) == (Bid.State.DRAFT, provider, editor)
    assert history(bid).get(action="created").actor == editor


def test_opening_a_bid_again_returns_the_same_bid(tender):
    provider = ProviderFactory(verified=True)
    first = bid_create(actor=admin_of(provider), tender=tender)
    again = bid_create(actor=member_of(provider), tender=tender)
    assert again == first
    assert Bid.objects.filter(tender=tender, provider=provider).count() == 1
    assert history(first).filter(action="created").count() == 1


def test_a_viewer_may_not_open_a_bid(tender):
    provider = ProviderFactory(verified=True)
    with pytest.raises(DomainError) as refused:
        bid_create(actor=member_of(provider, MemberRole.VIEWER), tender=tender)
    assert refused.value.code == "forbidden"
    assert not Bid.objects.exists()


def test_ministry_staff_without_an_organisation_may_not_open_a_bid(tender):
    with pytest.raises(DomainError, match="forbidden"):
        bid_create(actor=UserFactory(procurement_officer=True), tender=tender)


def test_an_unverified_organisation_may_not_bid(tender):
    provider = ProviderFactory(submitted=True)
    with pytest.raises(DomainError) as refused:
        bid_create(actor=admin_of(provider), tender=tender)
    assert refused.value.code == "not_verified"


@pytest.mark.parametrize("state", ["draft", "closed", "cancelled"])
def test_no_bid_on_a_tender_that_is_not_open(state):
    tender = TenderFactory(**{state: True})
    provider = ProviderFactory(verified=True)
    with pytest.raises(DomainError) as refused:
        bid_create(actor=admin_of(provider), tender=tender)
    assert refused.value.code in {"tender_not_open", "deadline_passed"}
    assert not Bid.objects.exists()


# bid_proposal_save


def test_the_proposal_answers_criteria_and_audits_which(bid):
    first, second = bid.tender.criteria.all()
    changed = bid_proposal_save(
        actor=admin_of(bid.provider),
        bid=bid,
        answers={first.pk: "Weekly visits\r\nby trained staff", second.pk: ""},
    )
    assert changed == [first.pk]
    assert bid.sections.get().text == "Weekly visits\nby trained staff"
    entry = history(bid).get(action="proposal_saved")
    assert entry.data == {"criteria": [first.pk]}
    assert "Weekly" not in str(entry.data) + entry.note


def test_saving_the_same_proposal_again_changes_nothing(bid):
    criterion = bid.tender.criteria.first()
    admin = admin_of(bid.provider)
    bid_proposal_save(actor=admin, bid=bid, answers={criterion.pk: "Visits"})
    assert bid_proposal_save(actor=admin, bid=bid, answers={criterion.pk: "Visits "}) == []
    assert history(bid).filter(action="proposal_saved").count() == 1


def test_a_blank_answer_removes_the_section(bid):
    criterion = bid.tender.criteria.first()
    admin = admin_of(bid.provider)
    bid_proposal_save(actor=admin, bid=bid, answers={criterion.pk: "Visits"})
    bid_proposal_save(actor=admin, bid=bid, answers={criterion.pk: "  "})
    assert not bid.sections.exists()


def test_a_criterion_of_another_tender_is_refused(bid):
    foreign = TenderCriterionFactory()
    with pytest.raises(DomainError) as refused:
        bid_proposal_save(actor=admin_of(bid.provider), bid=bid, answers={foreign.pk: "x"})
    assert refused.value.code == "unknown_criterion"
    assert not bid.sections.exists()


def test_a_viewer_may_not_change_the_proposal(bid):
    criterion = bid.tender.criteria.first()
    with pytest.raises(DomainError, match="forbidden"):
        bid_proposal_save(
            actor=member_of(bid.provider, MemberRole.VIEWER),
            bid=bid,
            answers={criterion.pk: "x"},
        )


def test_a_submitted_bid_cannot_be_changed(tender):
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    criterion = tender.criteria.first()
    with pytest.raises(DomainError) as refused:
        bid_proposal_save(actor=admin_of(bid.provider), bid=submitted, answers={criterion.pk: "x"})
    assert refused.value.code == "not_editable"


def test_an_edit_from_a_page_loaded_in_another_state_is_refused(bid):
    criterion = bid.tender.criteria.first()
    with pytest.raises(ConflictError):
        bid_proposal_save(
            actor=admin_of(bid.provider),
            bid=bid,
            answers={criterion.pk: "x"},
            seen_state="withdrawn",
        )


# bid_staff_assign / bid_staff_remove


def test_staff_from_the_own_roster_is_proposed_and_audited(bid):
    person = StaffMemberFactory(provider=bid.provider)
    proposed = bid_staff_assign(
        actor=admin_of(bid.provider), bid=bid, staff_member=person, role_in_project="Lead"
    )
    assert (proposed.staff_member, proposed.role_in_project) == (person, "Lead")
    assert history(bid).get(action="staff_proposed").data == {"staff_member": person.pk}


def test_proposing_the_same_person_twice_changes_nothing(bid):
    person = StaffMemberFactory(provider=bid.provider)
    admin = admin_of(bid.provider)
    bid_staff_assign(actor=admin, bid=bid, staff_member=person, role_in_project="Lead")
    bid_staff_assign(actor=admin, bid=bid, staff_member=person, role_in_project="Lead")
    assert bid.staff.count() == 1
    assert history(bid).filter(action="staff_proposed").count() == 1


def test_another_organisations_staff_member_is_refused(bid):
    foreign = StaffMemberFactory()
    with pytest.raises(DomainError) as refused:
        bid_staff_assign(actor=admin_of(bid.provider), bid=bid, staff_member=foreign)
    assert refused.value.code == "foreign_staff"
    assert not bid.staff.exists()


def test_an_inactive_staff_member_is_refused(bid):
    person = StaffMemberFactory(provider=bid.provider, active=False)
    with pytest.raises(DomainError, match="inactive_staff"):
        bid_staff_assign(actor=admin_of(bid.provider), bid=bid, staff_member=person)


def test_a_viewer_may_not_propose_staff(bid):
    person = StaffMemberFactory(provider=bid.provider)
    with pytest.raises(DomainError, match="forbidden"):
        bid_staff_assign(
            actor=member_of(bid.provider, MemberRole.VIEWER), bid=bid, staff_member=person
        )


def test_removing_staff_twice_removes_once(bid):
    person = StaffMemberFactory(provider=bid.provider)
    admin = admin_of(bid.provider)
    bid_staff_assign(actor=admin, bid=bid, staff_member=person)
    assert bid_staff_remove(actor=admin, bid=bid, staff_member=person) is True
    assert bid_staff_remove(actor=admin, bid=bid, staff_member=person) is False
    assert history(bid).filter(action="staff_removed").count() == 1


# bid_budget_line_add / bid_budget_line_remove


def test_a_budget_line_is_added_and_audited(bid):
    line = bid_budget_line_add(
        actor=admin_of(bid.provider),
        bid=bid,
        category="transport",
        description="Fuel",
        amount=Decimal("2500.50"),
    )
    assert bid.budget_lines.get() == line
    assert history(bid).get(action="budget_line_added").data == {"line": line.pk}


def test_the_same_line_sent_twice_is_added_once(bid):
    admin = admin_of(bid.provider)
    values = {"category": "transport", "description": "Fuel", "amount": Decimal("10")}
    first = bid_budget_line_add(actor=admin, bid=bid, **values)
    assert bid_budget_line_add(actor=admin, bid=bid, **values) == first
    assert bid.budget_lines.count() == 1


def test_a_line_above_the_ceiling_is_refused(bid):
    with pytest.raises(DomainError) as refused:
        bid_budget_line_add(
            actor=admin_of(bid.provider),
            bid=bid,
            category="staff",
            description="Salaries",
            amount=bid.tender.budget_ceiling + 1,
        )
    assert (refused.value.code, refused.value.field) == ("over_ceiling", "amount")
    assert not bid.budget_lines.exists()


def test_the_ceiling_refusal_writes_the_amounts_as_russian_does(bid):
    bid.tender.budget_ceiling = Decimal("260000")
    bid.tender.save(update_fields=["budget_ceiling"])

    with translation.override("ru"):
        with pytest.raises(DomainError) as refused:
            bid_budget_line_add(
                actor=admin_of(bid.provider),
                bid=bid,
                category="staff",
                description="Salaries",
                amount=Decimal("260000.50"),
            )
        message = str(refused.value.message)

    assert "260\u00a0000,50" in message and "260\u00a0000,00" in message
    assert "260000.00" not in message


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5")])
def test_a_line_must_cost_something(bid, amount):
    with pytest.raises(DomainError, match="amount"):
        bid_budget_line_add(
            actor=admin_of(bid.provider), bid=bid, category="staff", description="x", amount=amount
        )


def test_a_viewer_may_not_add_budget_lines(bid):
    with pytest.raises(DomainError, match="forbidden"):
        bid_budget_line_add(
            actor=member_of(bid.provider, MemberRole.VIEWER),
            bid=bid,
            category="staff",
            description="x",
            amount=Decimal("1"),
        )


def test_removing_a_line_twice_removes_once(bid):
    admin = admin_of(bid.provider)
    line = bid_budget_line_add(
        actor=admin, bid=bid, category="staff", description="x", amount=Decimal("1")
    )
    assert bid_budget_line_remove(actor=admin, bid=bid, line=line) is True
    assert bid_budget_line_remove(actor=admin, bid=bid, line=line) is False
    assert history(bid).filter(action="budget_line_removed").count() == 1


# bid_document_add / bid_document_remove


def test_a_document_is_stored_with_its_sha256(bid):
    document = bid_document_add(
        actor=admin_of(bid.provider), bid=bid, title="Budget notes", upload=upload("pdf")
    )
    assert default_storage.exists(document.file.name)
    assert document.file.name.startswith("tenders/bids/")
    assert len(document.sha256) == 64
    assert history(bid).get(action="document_added").data == {
        "document": document.pk,
        "sha256": document.sha256,
    }


def test_the_same_document_uploaded_twice_is_kept_once(bid, django_capture_on_commit_callbacks):
    admin = admin_of(bid.provider)
    first = bid_document_add(actor=admin, bid=bid, title="Plan", upload=upload("pdf"))
    with django_capture_on_commit_callbacks(execute=True):
        again = bid_document_add(actor=admin, bid=bid, title="Plan", upload=upload("pdf"))
    assert again == first
    assert BidDocument.objects.filter(bid=bid).count() == 1
    assert default_storage.exists(first.file.name)


def test_an_invalid_file_is_refused_and_nothing_stored(bid):
    with pytest.raises(ValidationError):
        bid_document_add(
            actor=admin_of(bid.provider),
            bid=bid,
            title="Program",
            upload=upload("pdf", name="run.pdf", content=b"MZ\x90\x00binary"),
        )
    assert not BidDocument.objects.exists()


def test_a_refused_upload_leaves_no_file(tender):
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    before = _stored_files()
    with pytest.raises(DomainError, match="not_editable"):
        bid_document_add(
            actor=admin_of(bid.provider), bid=submitted, title="Late", upload=upload("png")
        )
    assert _stored_files() == before
    assert submitted.documents.count() == 1


def test_a_viewer_may_not_upload(bid):
    with pytest.raises(DomainError, match="forbidden"):
        bid_document_add(
            actor=member_of(bid.provider, MemberRole.VIEWER),
            bid=bid,
            title="x",
            upload=upload("pdf"),
        )


def test_removing_a_document_deletes_its_file_after_commit(bid, django_capture_on_commit_callbacks):
    admin = admin_of(bid.provider)
    document = bid_document_add(actor=admin, bid=bid, title="Plan", upload=upload("pdf"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert bid_document_remove(actor=admin, bid=bid, document=document) is True
    assert default_storage.exists(document.file.name)
    for callback in callbacks:
        callback()
    assert not default_storage.exists(document.file.name)
    assert bid_document_remove(actor=admin, bid=bid, document=document) is False
    assert history(bid).filter(action="document_removed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_members_opening_a_bid_at_once_get_the_same_bid(postgres):
    tender = bid_ready_tender()
    provider = ProviderFactory(verified=True)
    people = [admin_of(provider), member_of(provider, MemberRole.EDITOR)]
    barrier = threading.Barrier(2)
    results = [None, None]

    def start(index):
        try:
            barrier.wait(timeout=10)
            results[index] = bid_create(actor=people[index], tender=tender)
        except Exception as error:  # noqa: BLE001 - the outcome under test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(isinstance(result, Bid) for result in results), results
    assert results[0].pk == results[1].pk
    assert Bid.objects.filter(tender=tender, provider=provider).count() == 1
