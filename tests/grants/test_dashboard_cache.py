"""The dashboard's figures come from the cache, and a recorded decision about a tranche shows
in them at once; each officer sees the figures of the grants they may see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.services.tranche import tranche_approve, tranche_record_payment
from tests.conftest import sign_in
from tests.factories.grants import TrancheFactory, officer

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("grants:dashboard")
GRANTS, PAID = 0, 6


def summary(client):
    rows = client.get(DASHBOARD).context["board"].summary.rows
    return {"grants": rows[GRANTS][1].value, "paid": rows[PAID][1].value}


def test_a_recorded_payment_shows_on_the_dashboard_at_once(
    client, django_capture_on_commit_callbacks
):
    approved = tranche_approve(actor=officer(), tranche=TrancheFactory(eligible=True))
    cashier = officer()
    sign_in(client, cashier)
    assert summary(client)["paid"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        tranche_record_payment(
            actor=cashier, tranche=approved, paid_on=timezone.localdate(), reference="PP-1"
        )

    assert summary(client)["paid"] == approved.amount


def test_an_officer_of_a_grantee_does_not_get_the_figures_cached_for_another(client):
    tranche = TrancheFactory(eligible=True)
    sign_in(client, officer())
    assert summary(client)["grants"] == 1
    member = officer()
    tranche.agreement.grantee.memberships.create(user=member, role="admin")

    sign_in(client, member)

    assert summary(client)["grants"] == 0
