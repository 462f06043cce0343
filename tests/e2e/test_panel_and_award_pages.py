"""The panel page's new forms and the award page's explanation pass the accessibility check."""

from decimal import Decimal

import pytest

from portal.models import Role
from tenders.services.award import award_propose
from tests.e2e.steps import Steps, serious_violations
from tests.factories.portal import UserFactory
from tests.factories.tenders import (
    BidFactory,
    EvaluationFactory,
    PanelMemberFactory,
    TenderFactory,
    completed_evaluation,
    set_budget,
)

pytestmark = pytest.mark.e2e


def test_the_panel_page_with_replace_and_invite_forms_is_accessible(page):
    evaluation = EvaluationFactory(tender=TenderFactory(closed=True), screening=True)
    PanelMemberFactory(evaluation=evaluation, conflicted=True)
    UserFactory(evaluator=True)
    Steps(page).log_in(evaluation.created_by)
    page.goto(f"/tenders/manage/{evaluation.tender_id}/evaluation/")
    assert page.get_by_role("heading", name="Replace a recused member").is_visible()
    assert page.get_by_role("heading", name="Invite a new evaluator").is_visible()
    assert serious_violations(page) == []


def test_the_award_page_explaining_the_shortfall_to_the_author_is_accessible(page):
    author = UserFactory(roles=[Role.PROCUREMENT_OFFICER, Role.APPROVER])
    tender = TenderFactory(
        closed=True, created_by=author, awards_count=2, budget_ceiling=Decimal("400000")
    )
    for amount in ("300000", "180000"):
        set_budget(BidFactory(tender=tender, submitted=True), amount)
    evaluation, *_rest = completed_evaluation(tender, points=[9, 8])
    decision = award_propose(actor=author, evaluation=evaluation)
    Steps(page).log_in(author)
    page.goto(f"/tenders/awards/{decision.pk}/")
    assert "So 1 award was made." in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Approve the award").is_disabled()
    assert serious_violations(page) == []
