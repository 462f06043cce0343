"""What keeps a bid from being submitted: each rule at its limit, and the reasons as the
organisation reads them."""

from decimal import Decimal

import pytest
from django.utils import translation

from providers.models import StaffMember
from tenders.models import Bid, BidBudgetLine
from tenders.services.bid_checks import IncompleteBid
from tenders.services.bid_submission import bid_submit
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider

pytestmark = pytest.mark.django_db

# fill_bid gives a complete bid one budget line of 120,000.00 TMT and one trained person.
FILLED_TOTAL = Decimal("120000.00")


def complete_bid(**tender):
    tender = bid_ready_tender(**tender)
    return BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)


def refusal(bid):
    """The reasons the submission is refused, by code, in English."""
    with translation.override("en"), pytest.raises(IncompleteBid) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)
    assert refused.value.code == "incomplete"
    with translation.override("en"):
        reasons = {failure.code: str(failure.message) for failure in refused.value.failures}
        return reasons, str(refused.value.message)


def test_a_bid_exactly_at_the_ceiling_is_accepted():
    bid = complete_bid(budget_ceiling=FILLED_TOTAL)

    assert bid_submit(actor=admin_of(bid.provider), bid=bid).state == Bid.State.SUBMITTED


def test_a_bid_a_hundredth_above_the_ceiling_is_refused_naming_both_amounts():
    bid = complete_bid(budget_ceiling=FILLED_TOTAL)
    BidBudgetLine.objects.create(
        bid=bid, category="other", description="Stationery", amount=Decimal("0.01")
    )

    reasons, _ = refusal(bid)

    assert reasons == {
        "over_ceiling": "The budget totals 120,000.01 TMT, above the ceiling of 120,000.00 TMT."
    }


def test_a_tender_without_a_ceiling_accepts_any_total():
    bid = complete_bid(budget_ceiling=None)
    BidBudgetLine.objects.create(
        bid=bid, category="other", description="Vehicle", amount=Decimal("9000000")
    )

    assert bid_submit(actor=admin_of(bid.provider), bid=bid).state == Bid.State.SUBMITTED


def test_an_empty_bid_is_told_everything_it_lacks_at_once():
    tender = bid_ready_tender()
    provider = eligible_provider(tender)
    bid = BidFactory(tender=tender, provider=provider)
    provider.documents.all().delete()

    reasons, message = refusal(bid)

    criterion = tender.criteria.first()
    assert reasons[f"unanswered:{criterion.pk}"] == (
        f"The criterion “{criterion.title}” has no answer."
    )
    assert reasons["no_staff"] == "Propose at least one staff member."
    assert reasons["no_budget"] == "Add at least one budget line."
    assert reasons["proposed_trained_staff"] == (
        "At least 1 of the proposed staff must have completed in-service training; 0 have."
    )
    assert reasons["missing_document:charter"] == "A valid “Charter” document is missing."
    assert message == " ".join(reasons.values())


def test_a_proposed_person_who_has_left_the_organisation_is_named():
    bid = complete_bid()
    person = bid.staff.get().staff_member
    StaffMember.objects.filter(pk=person.pk).update(active=False)

    reasons, _ = refusal(bid)

    assert reasons[f"inactive_staff:{person.pk}"] == (
        f"{person.full_name} is no longer an active member of your staff."
    )


def test_a_proposed_person_of_another_organisation_is_named():
    bid = complete_bid(min_trained_staff=0)
    person = bid.staff.get().staff_member
    StaffMember.objects.filter(pk=person.pk).update(provider=ProviderFactory(verified=True))

    reasons, _ = refusal(bid)

    assert list(reasons) == [f"inactive_staff:{person.pk}"]


def test_exactly_the_required_number_of_trained_staff_is_enough():
    bid = complete_bid(min_trained_staff=1)

    assert bid_submit(actor=admin_of(bid.provider), bid=bid).state == Bid.State.SUBMITTED


def test_fewer_trained_staff_than_required_says_how_many_are_missing():
    bid = complete_bid(min_trained_staff=1)
    bid.tender.min_trained_staff = 2
    bid.tender.save(update_fields=["min_trained_staff"])

    reasons, _ = refusal(bid)

    assert reasons["proposed_trained_staff"] == (
        "At least 2 of the proposed staff must have completed in-service training; 1 have."
    )
