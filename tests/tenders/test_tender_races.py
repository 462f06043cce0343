"""Real races on PostgreSQL: officers acting at the same moment on two connections."""

import uuid

import pytest

from tenders.models import Tender
from tenders.services.tender import tender_cancel, tender_create, tender_publish
from tests.factories.portal import UserFactory
from tests.factories.tenders import TenderFactory
from tests.races import race
from tests.tenders.test_tender_services import draft_values
from workflows.errors import ConflictError

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("round_", range(3))
def test_officers_creating_tenders_at_once_get_different_references(postgres, round_):
    officers = [UserFactory(procurement_officer=True) for _ in range(4)]
    values = draft_values()

    outcomes = race(*(lambda o=o: tender_create(actor=o, values=values) for o in officers))

    assert all(isinstance(outcome, Tender) for outcome in outcomes), outcomes
    references = {outcome.reference for outcome in outcomes}
    assert len(references) == 4
    assert sorted(int(reference[-4:]) for reference in references) == [1, 2, 3, 4]


def test_a_double_click_racing_itself_still_makes_one_draft(postgres):
    officer = UserFactory(procurement_officer=True)
    key = uuid.uuid4()
    values = draft_values()

    outcomes = race(*(lambda: tender_create(actor=officer, values=values, key=key),) * 2)

    assert all(isinstance(outcome, Tender) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert Tender.objects.count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_publishing_and_cancelling_at_once_one_wins_and_the_other_gets_a_conflict(postgres, round_):
    tender = TenderFactory()
    officer = tender.created_by

    outcomes = race(
        lambda: tender_publish(actor=officer, tender=tender),
        lambda: tender_cancel(actor=officer, tender=tender, reason="Written twice."),
    )

    winners = [o for o in outcomes if isinstance(o, Tender)]
    losers = [o for o in outcomes if not isinstance(o, Tender)]
    assert len(winners) == 1 and type(losers[0]) is ConflictError, outcomes
    assert Tender.objects.get(pk=tender.pk).state == winners[0].state
