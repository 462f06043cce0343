"""Publishing a tender: the whole tender is checked, and matching organisations are told."""

import datetime

import pytest
from django.utils import timezone

from portal.models import ServiceType
from providers.models import ProviderState
from tenders.models import Tender
from tenders.services.tender import tender_publish
from tenders.services.tender_checks import TenderProblems
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import TenderFactory
from tests.tenders.tender_support import recipients
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


def test_publishing_tells_verified_organisations_offering_the_service(
    officer, django_capture_on_commit_callbacks
):
    tender = TenderFactory(created_by=officer)
    matching = ProviderFactory(verified=True)
    matching.service_types.add(tender.service_type)
    unverified = ProviderFactory(state=ProviderState.SUBMITTED)
    unverified.service_types.add(tender.service_type)
    other_service = ProviderFactory(verified=True)
    other_service.service_types.add(ServiceType.objects.get(code="disability-support"))

    with django_capture_on_commit_callbacks() as callbacks:
        row = tender_publish(actor=officer, tender=tender)
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert row.state == Tender.State.PUBLISHED and row.published_at is not None
    assert recipients("tenders.tender_published") == {admin_of(matching).pk}
    channels = OutboxMessage.objects.filter(event="tenders.tender_published")
    assert set(channels.values_list("channel", flat=True)) == {"email", "in_app"}
    for callback in callbacks:
        callback()
    assert not channels.filter(published_at__isnull=True).exists()


def test_publishing_writes_an_audit_entry(officer):
    tender = TenderFactory(created_by=officer)

    tender_publish(actor=officer, tender=tender)

    entry = history(tender).get(action="publish")
    assert (entry.actor, entry.source_state, entry.target_state) == (
        officer,
        "draft",
        "published",
    )


def test_publishing_twice_does_nothing_more(officer):
    tender = TenderFactory(created_by=officer)
    provider = ProviderFactory(verified=True)
    provider.service_types.add(tender.service_type)
    tender_publish(actor=officer, tender=tender)
    messages = OutboxMessage.objects.count()

    tender_publish(actor=officer, tender=tender)

    assert history(tender).filter(action="publish").count() == 1
    assert OutboxMessage.objects.count() == messages


def test_a_cancelled_tender_cannot_be_published(officer):
    tender = TenderFactory(created_by=officer, cancelled=True)

    with pytest.raises(DomainError) as error:
        tender_publish(actor=officer, tender=tender, seen_state="cancelled")

    assert error.value.code == "not_allowed"


def test_a_stale_page_cannot_publish(officer):
    tender = TenderFactory(created_by=officer, cancelled=True)

    with pytest.raises(ConflictError):
        tender_publish(actor=officer, tender=tender, seen_state="draft")


def test_another_officer_may_not_publish(officer):
    tender = TenderFactory(created_by=officer)

    with pytest.raises(DomainError) as error:
        tender_publish(actor=UserFactory(procurement_officer=True), tender=tender)

    assert error.value.code == "forbidden"
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.DRAFT


def problems_of(tender):
    with pytest.raises(TenderProblems) as error:
        tender_publish(actor=tender.created_by, tender=tender)
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.DRAFT
    return {(problem.field, str(problem.message)) for problem in error.value.problems}


def test_publishing_an_incomplete_draft_lists_everything_missing_at_once():
    now = timezone.now()
    tender = TenderFactory(
        title_ru="",
        description_tk="",
        budget_ceiling=None,
        questions_deadline=now - datetime.timedelta(days=1),
        submission_deadline=None,
        grant_start=None,
        criteria=[],
        target_groups=[],
    )

    assert problems_of(tender) == {
        ("title_ru", "The title in Russian is missing."),
        ("description_tk", "The description in Turkmen is missing."),
        ("target_groups", "Choose at least one target group."),
        ("budget_ceiling", "The budget ceiling must be more than 0 TMT."),
        ("questions_deadline", "The questions deadline must be in the future."),
        ("submission_deadline", "The submission deadline is missing."),
        ("grant_start", "The grant period is missing."),
        ("criteria", "Add at least one evaluation criterion."),
        (
            "criteria",
            "The criteria weights and the price weight add up to 0; they must add up to 100.",
        ),
    }


def test_weights_that_do_not_total_100_are_named_with_their_sum():
    tender = TenderFactory(criteria=[50, 30], price_weight=10)

    assert problems_of(tender) == {
        (
            "criteria",
            "The criteria weights and the price weight add up to 90; they must add up to 100.",
        )
    }


def test_the_price_weight_counts_towards_the_100():
    tender = TenderFactory(criteria=[50, 30], price_weight=20)

    assert tender_publish(actor=tender.created_by, tender=tender).state == "published"


def test_the_questions_deadline_must_come_before_the_submission_deadline():
    tender = TenderFactory()
    tender.questions_deadline = tender.submission_deadline + datetime.timedelta(hours=1)
    tender.save()

    assert problems_of(tender) == {
        ("questions_deadline", "The questions deadline must be before the submission deadline.")
    }


def test_the_submission_deadline_must_leave_the_minimum_bidding_time(time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC), tick=False)
    tender = TenderFactory(
        questions_deadline=timezone.now() + datetime.timedelta(days=3),
        submission_deadline=timezone.now() + datetime.timedelta(days=9),
    )

    assert problems_of(tender) == {
        (
            "submission_deadline",
            "Providers must have at least 10 days to prepare bids: the submission deadline "
            "must be 12 March 2026 12:00 (Ashgabat time, UTC+05:00) or later.",
        )
    }


def test_the_grant_period_must_start_after_the_deadline_and_end_after_it_starts():
    tender = TenderFactory()
    tender.grant_start = timezone.localdate(tender.submission_deadline)
    tender.grant_end = tender.grant_start
    tender.save()

    assert problems_of(tender) == {
        ("grant_start", "The grant period must start after the submission deadline."),
        ("grant_end", "The grant period must end after it starts."),
    }


def test_incomplete_criteria_are_named_by_number():
    tender = TenderFactory(criteria=[100])
    tender.criteria.update(title_ru="", max_points=0)

    assert problems_of(tender) == {
        ("criteria", "Criterion 1 needs a title in Turkmen and in Russian."),
        ("criteria", "Criterion 1 needs a weight and maximum points above 0."),
    }


def test_english_texts_are_optional():
    tender = TenderFactory(title_en="", description_en="")

    assert tender_publish(actor=tender.created_by, tender=tender).state == "published"
