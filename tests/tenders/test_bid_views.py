from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.pagination import PAGE_SIZE
from providers.models import MemberRole
from tenders.models import Bid, BidBudgetLine, BidStaff
from tenders.services.bid_submission import bid_submit
from tenders.services.fingerprints import bid_fingerprint
from tests.conftest import sign_in
from tests.factories.documents import pdf_bytes, upload
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, StaffMemberFactory, admin_of, member_of
from tests.factories.tenders import (
    BidFactory,
    TenderFactory,
    bid_ready_tender,
    eligible_provider,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    return bid_ready_tender()


@pytest.fixture
def bid(tender):
    return BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)


def _login(client, user):
    sign_in(client, user)
    return client


def test_an_admin_opens_a_bid_from_the_tender(client, tender):
    provider = ProviderFactory(verified=True)
    response = _login(client, admin_of(provider)).post(
        reverse("tenders:bid_start", args=[tender.pk])
    )
    bid = Bid.objects.get(tender=tender, provider=provider)
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:bid_detail", args=[bid.pk])


def test_a_viewer_is_told_why_no_bid_was_opened(client, tender):
    provider = ProviderFactory(verified=True)
    viewer = member_of(provider, MemberRole.VIEWER)
    response = _login(client, viewer).post(
        reverse("tenders:bid_start", args=[tender.pk]), follow=True
    )
    assert not Bid.objects.exists()
    assert "You may not do this." in response.content.decode()


def test_the_proposal_form_saves_every_criterion(client, tender):
    bid = BidFactory(tender=tender, provider=eligible_provider(tender))
    first, second = tender.criteria.all()
    response = _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_proposal", args=[bid.pk]),
        {
            f"criterion_{first.pk}": "Visits",
            f"criterion_{second.pk}": "Team",
            "seen_state": "draft",
        },
    )
    assert response.status_code == 302
    assert dict(bid.sections.values_list("criterion_id", "text")) == {
        first.pk: "Visits",
        second.pk: "Team",
    }


def test_a_foreign_staff_id_is_refused_and_nothing_stored(client, bid):
    foreign = StaffMemberFactory()
    response = _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_staff", args=[bid.pk]),
        {"staff_member": foreign.pk, "role_in_project": "x", "seen_state": "draft"},
    )
    assert response.status_code == 200
    assert "staff_member" in response.context["form"].errors
    assert not BidStaff.objects.filter(staff_member=foreign).exists()


def test_removing_a_foreign_staff_id_is_not_found(client, bid):
    foreign = StaffMemberFactory()
    response = _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_staff_remove", args=[bid.pk, foreign.pk]), {"seen_state": "draft"}
    )
    assert response.status_code == 404


def test_a_budget_line_over_the_ceiling_is_shown_next_to_the_amount(client, bid):
    response = _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_budget", args=[bid.pk]),
        {"category": "staff", "description": "Big", "amount": "999999", "seen_state": "draft"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"]
    assert bid.budget_lines.count() == 1


def test_a_document_is_uploaded_and_downloaded_by_the_organisation(client, bid):
    client = _login(client, admin_of(bid.provider))
    client.post(
        reverse("tenders:bid_documents", args=[bid.pk]),
        {"title": "Letter", "file": upload("pdf", name="letter.pdf"), "seen_state": "draft"},
    )
    document = bid.documents.get(title="Letter")
    response = client.get(reverse("tenders:bid_document", args=[bid.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert "attachment" in response["Content-Disposition"]


def test_the_submit_page_lists_what_is_missing(client, tender):
    bid = BidFactory(tender=tender, provider=eligible_provider(tender))
    response = _login(client, admin_of(bid.provider)).get(
        reverse("tenders:bid_submit", args=[bid.pk])
    )
    text = response.content.decode()
    assert "Add at least one budget line." in text
    assert "Propose at least one staff member." in text


def test_submitting_shows_the_receipt_with_what_is_hashed(client, bid):
    client = _login(client, admin_of(bid.provider))
    response = client.post(
        reverse("tenders:bid_submit", args=[bid.pk]),
        {"seen_state": "draft", "seen": bid_fingerprint(bid)},
        follow=True,
    )
    bid.refresh_from_db()
    text = response.content.decode()
    assert bid.state == Bid.State.SUBMITTED
    assert bid.content_sha256 in text
    assert bid.documents.get().sha256 in text
    assert "portal-bid-v1" in text
    assert "keys sorted" in text


def test_an_incomplete_submission_shows_every_failure(client, tender):
    bid = BidFactory(tender=tender, provider=eligible_provider(tender))
    response = _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_submit", args=[bid.pk]),
        {"seen_state": "draft", "seen": bid_fingerprint(bid)},
    )
    errors = response.context["form"].non_field_errors()
    assert len(errors) >= 4
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT


def test_a_stale_submit_form_is_refused(client, bid):
    response = _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_submit", args=[bid.pk]), {"seen_state": "withdrawn"}
    )
    assert "changed by someone else" in response.content.decode()
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT


def test_withdrawing_from_the_bid_page(client, bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    response = _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_withdraw", args=[submitted.pk]), {"seen_state": "submitted"}
    )
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.state == Bid.State.WITHDRAWN


def test_a_viewer_reads_the_bid_but_may_not_change_it(client, bid):
    viewer = member_of(bid.provider, MemberRole.VIEWER)
    client = _login(client, viewer)
    page = client.get(reverse("tenders:bid_detail", args=[bid.pk]))
    assert page.status_code == 200
    assert "Our approach" in page.content.decode()
    for name in ("bid_proposal", "bid_staff", "bid_budget", "bid_documents", "bid_submit"):
        assert client.get(reverse(f"tenders:{name}", args=[bid.pk])).status_code == 403
    response = client.post(reverse("tenders:bid_withdraw", args=[bid.pk]), {"seen_state": "draft"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name",
    [
        "bid_detail",
        "bid_proposal",
        "bid_staff",
        "bid_budget",
        "bid_documents",
        "bid_submit",
        "bid_receipt",
    ],
)
def test_another_organisation_gets_not_found(client, bid, name):
    other = eligible_provider(bid.tender)
    client = _login(client, admin_of(other))
    assert client.get(reverse(f"tenders:{name}", args=[bid.pk])).status_code == 404
    assert client.post(reverse(f"tenders:{name}", args=[bid.pk]), {}).status_code == 404


def test_another_organisation_cannot_reach_the_documents_or_actions(client, bid):
    document = bid.documents.get()
    line = bid.budget_lines.get()
    staff = bid.staff.get()
    client = _login(client, admin_of(eligible_provider(bid.tender)))
    posts = [
        reverse("tenders:bid_withdraw", args=[bid.pk]),
        reverse("tenders:bid_reconfirm", args=[bid.pk]),
        reverse("tenders:bid_document_remove", args=[bid.pk, document.pk]),
        reverse("tenders:bid_budget_remove", args=[bid.pk, line.pk]),
        reverse("tenders:bid_staff_remove", args=[bid.pk, staff.staff_member_id]),
    ]
    for url in posts:
        assert client.post(url, {"seen_state": "draft"}).status_code == 404
    assert (
        client.get(reverse("tenders:bid_document", args=[bid.pk, document.pk])).status_code == 404
    )
    assert BidBudgetLine.objects.filter(pk=line.pk).exists()


def test_a_document_is_not_found_under_another_bid(client, bid, tender):
    own = BidFactory(tender=TenderFactory(published=True), provider=bid.provider)
    document = bid.documents.get()
    response = _login(client, admin_of(bid.provider)).get(
        reverse("tenders:bid_document", args=[own.pk, document.pk])
    )
    assert response.status_code == 404


def test_my_bids_lists_the_organisations_bids_only(client, bid):
    foreign = BidFactory(tender=bid.tender, provider=eligible_provider(bid.tender))
    response = _login(client, member_of(bid.provider, MemberRole.VIEWER)).get(
        reverse("tenders:bid_list")
    )
    assert list(response.context["bids"]) == [bid]
    assert foreign not in response.context["bids"]


# The officers' bid list.


def test_before_the_deadline_officers_see_only_the_count(client, tender):
    for _ in range(2):
        BidFactory(tender=tender, provider=eligible_provider(tender), submitted=True)
    BidFactory(tender=tender, provider=eligible_provider(tender))
    response = _login(client, tender.created_by).get(
        reverse("tenders:tender_bids", args=[tender.pk])
    )
    text = response.content.decode()
    assert response.context["count"] == 2
    assert "2 bids submitted." in text
    assert not response.context["bids"]
    for bid in Bid.objects.all():
        assert bid.provider.name not in text
        assert bid.content_sha256 not in text or not bid.content_sha256


def _opened_tender_with(count):
    tender = TenderFactory(closed=True)
    for _ in range(count):
        BidFactory(tender=tender, provider=ProviderFactory(verified=True), submitted=True)
    return tender


def test_after_opening_officers_see_bidders_receipt_times_and_hashes(client):
    tender = _opened_tender_with(2)
    response = _login(client, tender.created_by).get(
        reverse("tenders:tender_bids", args=[tender.pk])
    )
    text = response.content.decode()
    for bid in Bid.objects.filter(tender=tender):
        assert bid.provider.name in text
        assert bid.content_sha256 in text
        assert bid.documents.get().sha256 in text


def test_other_ministry_roles_see_only_the_count_after_opening(client):
    tender = _opened_tender_with(1)
    response = _login(client, UserFactory(approver=True)).get(
        reverse("tenders:tender_bids", args=[tender.pk])
    )
    assert response.context["count"] == 1
    assert not response.context["bids"]
    assert Bid.objects.get().provider.name not in response.content.decode()


def test_providers_may_not_see_the_officers_list(client, bid):
    response = _login(client, admin_of(bid.provider)).get(
        reverse("tenders:tender_bids", args=[bid.tender.pk])
    )
    assert response.status_code == 404


def test_the_officers_list_takes_the_same_queries_for_3_and_30_bids(
    client, django_assert_num_queries
):
    officer = UserFactory(procurement_officer=True)
    client = _login(client, officer)
    few = _opened_tender_with(3)
    client.get(reverse("tenders:tender_bids", args=[few.pk]))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("tenders:tender_bids", args=[few.pk])).status_code == 200
    many = _opened_tender_with(30)
    with django_assert_num_queries(len(queries)):
        response = client.get(reverse("tenders:tender_bids", args=[many.pk]))
    assert response.context["bids"].paginator.count == 30
    assert len(response.context["bids"]) == PAGE_SIZE


def test_after_opening_the_officer_reads_a_bid_and_its_documents(client):
    tender = _opened_tender_with(1)
    bid = Bid.objects.get(tender=tender)
    client = _login(client, UserFactory(procurement_officer=True))
    page = client.get(reverse("tenders:bid_detail", args=[bid.pk]))
    assert "Our approach" in page.content.decode()
    document = bid.documents.get()
    download = client.get(reverse("tenders:bid_document", args=[bid.pk, document.pk]))
    assert b"".join(download.streaming_content) == pdf_bytes()
    assert client.get(reverse("tenders:bid_proposal", args=[bid.pk])).status_code == 403


def test_a_budget_line_added_through_the_page_keeps_two_decimals(client, bid):
    _login(client, admin_of(bid.provider)).post(
        reverse("tenders:bid_budget", args=[bid.pk]),
        {"category": "transport", "description": "Fuel", "amount": "15.5", "seen_state": "draft"},
    )
    assert bid.budget_lines.get(description="Fuel").amount == Decimal("15.50")


def test_the_tender_notice_offers_to_prepare_a_bid_then_links_to_it(client, tender):
    provider = ProviderFactory(verified=True)
    client = _login(client, admin_of(provider))
    notice = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert reverse("tenders:bid_start", args=[tender.pk]) in notice
    client.post(reverse("tenders:bid_start", args=[tender.pk]))
    bid = Bid.objects.get(tender=tender, provider=provider)
    notice = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert reverse("tenders:bid_detail", args=[bid.pk]) in notice


def test_the_tender_notice_tells_a_viewer_why_they_cannot_bid(client, tender):
    viewer = member_of(ProviderFactory(verified=True), MemberRole.VIEWER)
    notice = _login(client, viewer).get(reverse("tenders:detail", args=[tender.pk]))
    assert reverse("tenders:bid_start", args=[tender.pk]) not in notice.content.decode()
    assert "administrators and editors" in notice.content.decode()


def test_every_page_of_a_draft_opens_for_its_editor(client, bid):
    client = _login(client, member_of(bid.provider, MemberRole.EDITOR))
    for name in ("bid_detail", "bid_proposal", "bid_staff", "bid_budget", "bid_documents"):
        response = client.get(reverse(f"tenders:{name}", args=[bid.pk]))
        assert response.status_code == 200, name
    assert client.get(reverse("tenders:bid_submit", args=[bid.pk])).status_code == 200


def test_the_edit_pages_of_a_submitted_bid_send_back_to_the_bid(client, bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    client = _login(client, admin_of(bid.provider))
    response = client.get(reverse("tenders:bid_budget", args=[submitted.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tenders:bid_detail", args=[submitted.pk])
    assert "Withdraw it first" in response.content.decode()
