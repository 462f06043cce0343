"""Accessibility of the main pages: axe-core finds no serious or critical violation, on a desktop
screen and at phone width. Their weight is ``test_page_weight.py``'s."""

import pytest

from tests.e2e.steps import Steps, serious_violations
from tests.factories.grants import GrantAgreementFactory, officer
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import BidFactory, TenderFactory, scoring_evaluation

pytestmark = pytest.mark.e2e

SIZES = {"desktop": (1280, 900), "phone": (375, 812)}


def scene():
    """Rows behind every main page, and who sees each one: ``{name: (user or None, path)}``."""
    tender = TenderFactory(published=True)
    ngo = admin_of(ProviderFactory(verified=True))
    bid = BidFactory(tender=tender)
    evaluation, _chair, evaluators, _bids = scoring_evaluation()
    GrantAgreementFactory(active=True)
    return {
        "tender_list": (None, "/tenders/"),
        "tender_notice": (None, f"/tenders/{tender.pk}/"),
        "login": (None, "/accounts/login/"),
        "ngo_home": (ngo, "/"),
        "bid": (admin_of(bid.provider), f"/tenders/bids/{bid.pk}/"),
        "officer_tender": (tender.created_by, f"/tenders/manage/{tender.pk}/"),
        "evaluation_sheet": (evaluators[0], f"/tenders/evaluations/{evaluation.pk}/sheet/"),
        "dashboard": (officer(), "/grants/dashboard/"),
    }


@pytest.mark.parametrize("size", SIZES)
def test_main_pages_have_no_serious_accessibility_violations(new_page, size):
    width, height = SIZES[size]
    failures = {}
    for name, (user, path) in scene().items():
        page = new_page(width=width, height=height)
        if user is not None:
            Steps(page).log_in(user)
        response = page.goto(path)
        assert response.ok, f"{name} answered {response.status}"
        if size == "phone":
            # Wide tables scroll inside their own frame; the page never scrolls sideways.
            wide = page.evaluate("() => document.documentElement.scrollWidth")
            assert wide <= width, f"{name} is {wide}px wide on a {width}px screen"
        violations = serious_violations(page)
        if violations:
            failures[name] = violations
    assert failures == {}


def test_a_page_with_a_missing_label_is_reported(page):
    """The check itself can fail: an unlabelled field is a critical violation."""
    page.set_content('<html lang="en"><title>t</title><main><input type="text"></main></html>')

    assert any(line.startswith("label") for line in serious_violations(page))
