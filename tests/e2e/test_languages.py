"""The NGO's path in each of the portal's languages: sign up, register the organisation, find a
tender, prepare and submit a bid, and read its receipt."""

import pytest

from providers.readiness import VERIFICATION_DOCUMENTS
from tests.e2e.steps import Steps
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderDocumentFactory, StaffMemberFactory
from tests.factories.tenders import bid_ready_tender

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_an_ngo_bids_in_its_language(new_page, language):
    tender = bid_ready_tender()
    ngo = Steps(new_page(), language)
    officer = Steps(new_page())
    officer.log_in(UserFactory(procurement_officer=True))

    ngo.sign_up(username=f"ngo-{language}", full_name="Aýna Myradowa")
    provider = ngo.register_organisation(
        name=f"Ynam {language}", registration_number=f"R-{language}"
    )
    # The papers and the trained staff are preconditions, not steps of this path.
    for document_type in VERIFICATION_DOCUMENTS:
        ProviderDocumentFactory(provider=provider, document_type=document_type)
    person = StaffMemberFactory(provider=provider, trained=True)
    ngo.submit_organisation()
    officer.verify_organisation(provider)

    ngo.header_link("Tenders")
    headings = [ngo.heading()]
    ngo.open_tender(tender)
    bid = ngo.prepare_bid(tender, staff_member=person)
    headings.append(ngo.heading())
    ngo.submit_bid(bid)
    ngo.expect_message("The bid is submitted. Keep the receipt below.")

    assert ngo.page.locator("html").get_attribute("lang") == language
    headings.append(ngo.heading())
    expected = ["Tenders for social services", "Documents", "Receipt of the bid"]
    assert headings == [ngo.t(text) for text in expected]
    if language != "en":
        # The catalogue has these headings, so the page must not fall back to English.
        assert not set(headings) & set(expected)
    bid.refresh_from_db()
    assert bid.content_sha256 in ngo.page.locator("main").inner_text()
