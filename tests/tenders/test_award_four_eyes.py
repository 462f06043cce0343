"""Four eyes on awards: the tender's author does not approve its award."""

import pytest
from django.urls import reverse
from django.utils import translation

from portal.models import Role
from tenders.models import AwardDecision
from tenders.services.award import award_approve
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.tenders import AwardDecisionFactory
from workflows.audit import history
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db


def english(message):
    with translation.override("en"):
        return str(message)


@pytest.fixture
def decision():
    """A proposal made by a colleague of the author, who also holds the approver role."""
    author = UserFactory(roles=[Role.PROCUREMENT_OFFICER, Role.APPROVER])
    return AwardDecisionFactory(
        evaluation__tender__created_by=author, proposed_by=UserFactory(procurement_officer=True)
    )


def test_the_author_of_the_tender_may_not_approve_its_award(decision):
    author = decision.tender.created_by
    with pytest.raises(DomainError) as refused:
        award_approve(actor=author, decision=decision)
    assert refused.value.code == "four_eyes"
    assert "author of the tender" in english(refused.value.message)
    decision.refresh_from_db()
    assert decision.state == AwardDecision.State.PROPOSED


def test_the_refused_attempt_is_in_the_audit_log(decision):
    author = decision.tender.created_by
    with pytest.raises(DomainError):
        award_approve(actor=author, decision=decision)
    entry = history(decision).get(action="approve_refused")
    assert (entry.actor, entry.data) == (author, {"rule": "four_eyes"})


def test_another_approver_approves_and_the_audit_row_notes_four_eyes(decision):
    approved = award_approve(actor=UserFactory(approver=True), decision=decision)
    assert approved.state == AwardDecision.State.APPROVED
    assert history(decision).get(action="approve").data == {"four_eyes": True}


def test_with_four_eyes_off_the_author_may_approve(decision, settings):
    settings.FOUR_EYES = False
    approved = award_approve(actor=decision.tender.created_by, decision=decision)
    assert approved.state == AwardDecision.State.APPROVED
    assert history(decision).get(action="approve").data == {"four_eyes": False}


def test_the_author_sees_the_approve_button_disabled_with_the_reason(client, decision):
    sign_in(client, decision.tender.created_by)
    page = client.get(reverse("tenders:award_decision", args=[decision.pk])).content.decode()
    assert "the author of the tender does not approve its award" in page
    assert 'disabled aria-describedby="four-eyes"' in page
    sign_in(client, UserFactory(approver=True))
    page = client.get(reverse("tenders:award_decision", args=[decision.pk])).content.decode()
    assert "Approve the award" in page
    assert "disabled" not in page


def test_the_author_posting_the_approval_gets_the_reason_and_nothing_changes(client, decision):
    sign_in(client, decision.tender.created_by)
    response = client.post(
        reverse("tenders:award_approve", args=[decision.pk]),
        {"seen_state": "proposed"},
        follow=True,
    )
    assert "the author of the tender does not approve its award" in response.content.decode()
    decision.refresh_from_db()
    assert decision.state == AwardDecision.State.PROPOSED
