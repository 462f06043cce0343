"""The award event: a final award creates the winning bid's draft agreement."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction

from grants.apps import AWARD_FINALISED
from grants.models import AgreementState, GrantAgreement, TrancheCondition
from grants.services import agreement_create_from_award, on_award_finalised
from portal.models import Etrap
from tests.factories.grants import officer
from tests.factories.providers import admin_of
from tests.factories.tenders import BidFactory, TenderFactory
from workflows import events
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


def award(bid, amount="120000.00", actor=None):
    events.emit(AWARD_FINALISED, award_bid=bid, amount=Decimal(amount), actor=actor)
    return GrantAgreement.objects.get(bid=bid)


def test_the_grants_app_listens_for_final_awards():
    assert on_award_finalised in events._subscribers[AWARD_FINALISED]


def test_a_final_award_creates_a_draft_agreement_from_the_tender_and_the_bid():
    tender = TenderFactory(published=True, etraps=2)
    bid = BidFactory(tender=tender, submitted=True)

    agreement = award(bid, "118500.50")

    assert agreement.state == AgreementState.DRAFT
    assert agreement.grantee == bid.provider
    assert agreement.amount == Decimal("118500.50")
    assert (agreement.start_date, agreement.end_date) == (tender.grant_start, tender.grant_end)
    assert agreement.service_type == tender.service_type
    assert agreement.velayat == tender.velayat
    assert set(agreement.target_groups.all()) == set(tender.target_groups.all())
    assert set(agreement.etraps.all()) == set(tender.etraps.all())
    lines = list(agreement.budget_lines.values_list("category", "description", "amount"))
    assert lines == list(bid.budget_lines.values_list("category", "description", "amount"))


def test_the_draft_gets_a_target_per_target_group_and_the_default_tranche_plan():
    tender = TenderFactory(
        published=True,
        grant_start=datetime.date(2027, 1, 1),
        grant_end=datetime.date(2027, 12, 31),
    )
    agreement = award(BidFactory(tender=tender, submitted=True), "100000.01")

    assert [target.target_group for target in agreement.targets.all()] == list(
        agreement.target_groups.all()
    )
    assert {target.number for target in agreement.targets.all()} == {0}
    tranches = list(agreement.tranches.all())
    assert [(t.percentage, t.condition) for t in tranches] == [
        (Decimal("40"), TrancheCondition.SIGNING),
        (Decimal("40"), TrancheCondition.PERIOD_REPORT),
        (Decimal("20"), TrancheCondition.FINAL_REPORT),
    ]
    # A calendar-year grant reports quarterly: its second quarter ends half-way through.
    assert agreement.reporting_frequency == "quarterly"
    assert tranches[1].period_number == 2
    assert sum(t.amount for t in tranches) == Decimal("100000.01")
    assert [t.amount for t in tranches] == [
        Decimal("40000.00"),
        Decimal("40000.00"),
        Decimal("20000.01"),
    ]


def test_a_tender_naming_no_etraps_covers_every_etrap_of_its_velayat():
    agreement = award(BidFactory(submitted=True))

    expected = Etrap.objects.filter(velayat=agreement.velayat, active=True)
    assert set(agreement.etraps.all()) == set(expected)


def test_a_tender_without_a_grant_period_starts_the_grant_next_month_for_a_year():
    tender = TenderFactory(published=True, grant_start=None, grant_end=None)

    agreement = award(BidFactory(tender=tender, submitted=True))

    assert agreement.start_date.day == 1 and agreement.start_date > datetime.date.today()
    assert agreement.end_date == agreement.start_date.replace(
        year=agreement.start_date.year + 1
    ) - datetime.timedelta(days=1)


def test_one_bid_gets_one_agreement_however_often_the_event_comes():
    bid = BidFactory(submitted=True)

    first = award(bid)
    again = agreement_create_from_award(bid=bid, amount=Decimal("1"), actor=None)

    assert again == first
    assert GrantAgreement.objects.filter(bid=bid).count() == 1
    assert history(first).filter(action="create").count() == 1


def test_references_are_numbered_per_year():
    first = award(BidFactory(submitted=True))
    second = award(BidFactory(submitted=True))

    year = first.created_at.year
    assert first.reference == f"GA-{year}-0001"
    assert second.reference == f"GA-{year}-0002"


def test_the_agreement_rolls_back_with_the_award():
    bid = BidFactory(submitted=True)

    with pytest.raises(RuntimeError), transaction.atomic():
        award(bid)
        raise RuntimeError("the award failed after the event")

    assert not GrantAgreement.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_an_award_without_a_positive_amount_is_refused():
    with pytest.raises(DomainError) as error:
        award(BidFactory(submitted=True), "0")

    assert error.value.code == "amount_invalid"
    assert not GrantAgreement.objects.exists()


def test_creation_is_audited_with_the_awarding_user():
    approver = officer()

    agreement = award(BidFactory(submitted=True), actor=approver)

    entry = history(agreement).get(action="create")
    assert (entry.actor, entry.target_state) == (approver, "draft")
    assert agreement.created_by == approver


def test_both_sides_hear_of_the_draft_after_commit(django_capture_on_commit_callbacks):
    grant_officer = officer()
    bid = BidFactory(submitted=True)

    with django_capture_on_commit_callbacks() as callbacks:
        award(bid)
        rows = OutboxMessage.objects.filter(event="grants.agreement_created")
        assert set(rows.values_list("recipient", flat=True)) == {
            grant_officer.pk,
            admin_of(bid.provider).pk,
        }
        assert not rows.filter(published_at__isnull=False).exists()
    for callback in callbacks:
        callback()
    assert not rows.filter(published_at__isnull=True).exists()
