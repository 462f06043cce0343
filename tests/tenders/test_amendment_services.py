"""Amending a published tender: what may change, the record kept and who is told."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tenders.models import Amendment, Bid, Tender
from tenders.services.amendment import tender_amend
from tenders.services.tender_checks import TenderProblems
from tests.factories.documents import upload
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import TenderDocumentFactory, TenderFactory
from tests.tenders.tender_support import bid_in, recipients
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    return TenderFactory(published=True)


def amend(tender, reason="Funds added for transport.", actor=None, **kwargs):
    kwargs.setdefault("values", {})
    return tender_amend(actor=actor or tender.created_by, tender=tender, reason=reason, **kwargs)


def later(moment, days):
    return moment + datetime.timedelta(days=days)


def test_an_amendment_records_each_change_old_and_new_with_its_reason(tender):
    old_deadline = tender.submission_deadline
    new_deadline = later(old_deadline, 7)

    amendment = amend(
        tender,
        values={"budget_ceiling": Decimal("500000.00"), "submission_deadline": new_deadline},
    )

    assert amendment.number == 1
    assert amendment.reason == "Funds added for transport."
    assert amendment.changes == {
        "budget_ceiling": {"old": "450000.00", "new": "500000.00"},
        "submission_deadline": {"old": old_deadline.isoformat(), "new": new_deadline.isoformat()},
    }
    tender = Tender.objects.get(pk=tender.pk)
    assert (tender.budget_ceiling, tender.submission_deadline) == (Decimal("500000"), new_deadline)


def test_amendments_are_numbered_in_order(tender):
    amend(tender, values={"title_en": "First change"})
    second = amend(tender, values={"title_en": "Second change"}, reason="Clearer title.")

    assert second.number == 2
    assert second.changes["title_en"] == {"old": "First change", "new": "Second change"}


def test_an_amendment_writes_an_audit_entry(tender):
    amend(tender, values={"description_en": "New text"})

    entry = history(tender).get(action="amend")
    assert (entry.actor, entry.note) == (tender.created_by, "Funds added for transport.")
    assert entry.data["amendment"] == 1
    assert entry.data["description_en"]["new"] == "New text"


def test_submitted_bids_must_be_confirmed_again_and_draft_bids_are_left_alone(tender):
    submitted = bid_in(tender, Bid.State.SUBMITTED)
    draft = bid_in(tender, Bid.State.DRAFT)

    amend(tender, values={"description_en": "New text"})

    submitted = Bid.objects.get(pk=submitted.pk)
    assert (submitted.state, submitted.needs_reconfirmation) == ("submitted", True)
    assert not Bid.objects.get(pk=draft.pk).needs_reconfirmation


def test_organisations_preparing_or_holding_a_bid_are_told_after_commit(
    tender, django_capture_on_commit_callbacks
):
    told = [bid_in(tender, state) for state in (Bid.State.DRAFT, Bid.State.SUBMITTED)]
    withdrawn = bid_in(tender, Bid.State.WITHDRAWN)

    with django_capture_on_commit_callbacks() as callbacks:
        amend(tender, values={"description_en": "New text"})
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert recipients("tenders.tender_amended") == {admin_of(bid.provider).pk for bid in told}
    assert admin_of(withdrawn.provider).pk not in recipients("tenders.tender_amended")
    for callback in callbacks:
        callback()
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()


def test_an_amendment_needs_a_reason(tender):
    with pytest.raises(DomainError) as error:
        amend(tender, reason="  ", values={"title_en": "X"})

    assert (error.value.code, error.value.field) == ("reason_required", "reason")
    assert not Amendment.objects.exists()


@pytest.mark.parametrize("trait", ["draft", "closed", "cancelled"])
def test_only_a_published_tender_can_be_amended(trait):
    tender = TenderFactory(**{trait: True})

    with pytest.raises(DomainError) as error:
        amend(tender, values={"title_en": "X"})

    assert error.value.code == "not_published"


def test_another_officer_may_not_amend(tender):
    with pytest.raises(DomainError) as error:
        amend(tender, actor=UserFactory(procurement_officer=True), values={"title_en": "X"})

    assert error.value.code == "forbidden"


def test_a_tender_past_its_submission_deadline_cannot_be_amended(tender, time_machine):
    time_machine.move_to(later(tender.submission_deadline, 1), tick=False)

    with pytest.raises(DomainError) as error:
        amend(tender, values={"title_en": "X"})

    assert error.value.code == "deadline_passed"


def test_criteria_weights_and_eligibility_cannot_change_after_publishing(tender):
    with pytest.raises(DomainError) as error:
        amend(tender, values={"price_weight": 30, "min_trained_staff": 5})

    assert error.value.code == "not_amendable"
    assert Tender.objects.get(pk=tender.pk).price_weight == 0


def test_deadlines_can_only_move_later(tender):
    with pytest.raises(TenderProblems) as error:
        amend(
            tender,
            values={
                "questions_deadline": later(tender.questions_deadline, -1),
                "submission_deadline": later(tender.submission_deadline, -1),
            },
        )

    assert {(p.field, str(p.message)) for p in error.value.problems} == {
        ("questions_deadline", "The questions deadline can only be moved later."),
        ("submission_deadline", "The submission deadline can only be moved later."),
    }


def test_the_questions_deadline_stays_before_the_submission_deadline(tender):
    with pytest.raises(TenderProblems) as error:
        amend(tender, values={"questions_deadline": later(tender.submission_deadline, 1)})

    assert [p.field for p in error.value.problems] == ["questions_deadline"]


def test_an_amendment_leaving_less_than_the_minimum_bidding_time_is_refused(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC), tick=False)
    tender = TenderFactory(
        published=True,
        questions_deadline=timezone.now() + datetime.timedelta(days=2),
        submission_deadline=timezone.now() + datetime.timedelta(days=5),
    )

    with pytest.raises(TenderProblems) as error:
        amend(tender, values={"description_en": "Changed scope"})

    assert [str(p.message) for p in error.value.problems] == [
        "An amendment must leave providers at least 10 days before the submission deadline: "
        "extend it to 12 March 2026 12:00 (Ashgabat time, UTC+05:00) or later."
    ]
    assert not Amendment.objects.exists()


def test_the_same_amendment_is_accepted_when_the_deadline_is_extended_enough(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC), tick=False)
    tender = TenderFactory(
        published=True,
        questions_deadline=timezone.now() + datetime.timedelta(days=2),
        submission_deadline=timezone.now() + datetime.timedelta(days=5),
    )

    amendment = amend(
        tender,
        values={
            "description_en": "Changed scope",
            "submission_deadline": timezone.now() + datetime.timedelta(days=10),
        },
    )

    assert set(amendment.changes) == {"description_en", "submission_deadline"}


def test_the_grant_period_must_still_start_after_an_extended_deadline(tender):
    with pytest.raises(TenderProblems) as error:
        amend(tender, values={"submission_deadline": later(tender.submission_deadline, 60)})

    assert [p.field for p in error.value.problems] == ["grant_start"]


def test_turkmen_and_russian_texts_cannot_be_emptied(tender):
    with pytest.raises(TenderProblems) as error:
        amend(tender, values={"title_ru": "", "budget_ceiling": Decimal("0")})

    assert {p.field for p in error.value.problems} == {"title_ru", "budget_ceiling"}


def test_sending_the_same_amendment_twice_makes_one(tender):
    values = {"title_en": "Clearer title"}
    first = amend(tender, values=values, seen_amendments=0)

    second = amend(tender, values=values, seen_amendments=0)

    assert first.pk == second.pk
    assert Amendment.objects.count() == 1
    assert history(tender).filter(action="amend").count() == 1


def test_replaying_an_amendment_with_its_document_stores_no_new_file(tender, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    def files():
        return sorted(path for path in tmp_path.rglob("*") if path.is_file())

    first = amend(tender, documents=[("Terms v2", upload("pdf", name="terms-v2.pdf"))])
    kept = files()

    again = amend(tender, documents=[("Terms v2", upload("pdf", name="terms-v2.pdf"))])

    assert again.pk == first.pk
    assert files() == kept == [tmp_path / tender.documents.get().file.name]


def test_an_amendment_made_on_a_stale_page_is_a_conflict(tender):
    amend(tender, values={"title_en": "Someone else's change"})

    with pytest.raises(ConflictError):
        amend(tender, values={"title_en": "My change"}, seen_amendments=0, reason="Mine.")


def test_an_amendment_that_changes_nothing_is_refused(tender):
    with pytest.raises(DomainError) as error:
        amend(tender, values={"title_en": tender.title_en})

    assert error.value.code == "no_change"


def test_documents_are_added_and_withdrawn_and_the_old_one_stays_on_record(tender):
    old = TenderDocumentFactory(tender=tender, title="Terms v1")

    amendment = amend(
        tender,
        documents=[("Terms v2", upload("pdf", name="terms-v2.pdf"))],
        withdrawn_documents=[old.pk],
    )

    assert amendment.changes == {
        "documents_added": ["Terms v2"],
        "documents_withdrawn": ["Terms v1"],
    }
    current = tender.documents.filter(withdrawn_at__isnull=True)
    assert list(current.values_list("title", flat=True)) == ["Terms v2"]
    assert tender.documents.get(pk=old.pk).withdrawn_at is not None


def test_a_new_questions_deadline_allows_a_new_reminder(tender):
    tender.questions_reminder_sent_at = timezone.now()
    tender.save(update_fields=["questions_reminder_sent_at"])

    amend(tender, values={"questions_deadline": later(tender.questions_deadline, 2)})

    assert Tender.objects.get(pk=tender.pk).questions_reminder_sent_at is None
