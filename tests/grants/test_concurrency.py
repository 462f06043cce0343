"""Real races on PostgreSQL: both sides confirming the signed agreement at the same moment."""

import datetime

import pytest

from grants.models import AgreementState, GrantAgreement, PilotReport
from grants.services import agreement_confirm_signature
from tests.factories.grants import GrantAgreementFactory, grantee_admin, officer
from tests.races import race
from workflows.audit import history

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("round_", range(5))
def test_both_sides_confirming_at_once_sign_the_agreement_once(postgres, round_):
    agreement = GrantAgreementFactory(
        ready=True, start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 12, 31)
    )
    ministry, organisation = officer(), grantee_admin(agreement)

    def confirm(actor):
        return lambda: agreement_confirm_signature(
            actor=actor, agreement=GrantAgreement.objects.get(pk=agreement.pk), seen_version=1
        )

    outcomes = race(confirm(ministry), confirm(organisation))

    assert all(isinstance(outcome, GrantAgreement) for outcome in outcomes), outcomes
    stored = GrantAgreement.objects.get(pk=agreement.pk)
    assert stored.state == AgreementState.SIGNED and stored.confirmations == 2
    assert history(stored).filter(action="sign").count() == 1
    assert PilotReport.objects.filter(agreement=stored).count() == 5  # four quarters, final
