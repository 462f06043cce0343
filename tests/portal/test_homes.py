"""Each role lands on its own home: what it needs, nothing of another organisation, a constant
number of queries however many rows there are."""

from datetime import timedelta

import pytest
from django.utils import timezone

from providers.models import DocumentType, MemberRole
from tests.factories.grants import GrantAgreementFactory, PilotReportFactory
from tests.factories.portal import UserFactory
from tests.factories.providers import (
    InvitationFactory,
    ProviderDocumentFactory,
    ProviderFactory,
    admin_of,
    member_of,
)
from tests.factories.tenders import BidFactory, TenderFactory, days_from_now
from tests.portal.home_support import assert_constant_queries, home, service

pytestmark = pytest.mark.django_db


# Visitors.


def test_a_visitor_still_gets_the_public_page(client):
    response = client.get("/")

    assert [t.name for t in response.templates][0] == "portal/home.html"
    html = response.content.decode()
    assert "Pilot services in Ashgabat" in html
    assert "Your overview" not in html


def test_a_signed_in_user_gets_their_overview_instead(client):
    html = home(client, UserFactory())

    assert "Your overview" in html
    assert "Pilot services in Ashgabat" not in html
    assert 'href="/accounts/notifications/"' in html


# NGO members.


def ngo_scene():
    """A verified organisation offering elderly home care, its admin, and everything that should
    or should not reach the admin's home."""
    ours = ProviderFactory(verified=True)
    ours.service_types.add(service("elderly-home-care"))
    theirs = ProviderFactory(verified=True)
    other = TenderFactory(
        published=True,
        title_en="Crisis support in Mary",
        service_type=service("family-crisis-support"),
        submission_deadline=days_from_now(5),
    )
    matching = TenderFactory(
        published=True, title_en="Home care in Ashgabat", submission_deadline=days_from_now(20)
    )
    amended = TenderFactory(published=True, title_en="Home care in Dashoguz")
    TenderFactory(draft=True, title_en="Draft nobody sees")
    TenderFactory(closed=True, title_en="Closed last week")
    BidFactory(provider=ours, tender=matching)
    BidFactory(provider=ours, tender=amended, submitted=True, needs_reconfirmation=True)
    their_bid = BidFactory(provider=theirs, tender=other)
    agreement = GrantAgreementFactory(
        bid=BidFactory(provider=ours, tender=TenderFactory(closed=True), submitted=True),
        active=True,
        reports=False,
        reference="GA-OURS-1",
    )
    PilotReportFactory(agreement=agreement, overdue=True, number=1)
    PilotReportFactory(agreement=agreement, returned=True, number=2)
    foreign = GrantAgreementFactory(active=True, reports=False, reference="GA-THEIRS-1")
    PilotReportFactory(agreement=foreign, returned=True, number=1)
    ProviderDocumentFactory(
        provider=ours,
        document_type=DocumentType.TAX_CERTIFICATE,
        title="Tax certificate 2025",
        expires_on=timezone.localdate() + timedelta(days=10),
    )
    ProviderDocumentFactory(
        provider=theirs,
        document_type=DocumentType.TAX_CERTIFICATE,
        title="Their tax certificate",
        expires_on=timezone.localdate() + timedelta(days=3),
    )
    InvitationFactory(provider=ours, email="new.colleague@example.org")
    InvitationFactory(provider=theirs, email="their.colleague@example.org")
    return {"provider": ours, "admin": admin_of(ours), "their_bid": their_bid}


def test_an_ngo_member_sees_where_the_organisation_stands(client):
    provider = ProviderFactory(returned=True)

    html = home(client, admin_of(provider))

    assert provider.name in html
    assert "Returned for changes" in html
    assert "Attach the bank details." in html
    assert "A valid “Charter” document is missing." in html


def test_an_ngo_member_sees_open_tenders_matching_their_services_first(client):
    scene = ngo_scene()

    html = home(client, scene["admin"])

    assert "Home care in Ashgabat" in html
    assert "Crisis support in Mary" in html
    assert html.index("Home care in Ashgabat") < html.index("Crisis support in Mary")
    assert "Draft nobody sees" not in html
    assert "Closed last week" not in html


def test_an_ngo_member_sees_their_bids_grants_and_reports_and_what_needs_action(client):
    scene = ngo_scene()

    html = home(client, scene["admin"])

    assert "Open your bid" in html
    assert "Confirm your bid on tender" in html
    assert "GA-OURS-1" in html
    assert "overdue" in html
    assert "Revise report 2 of agreement GA-OURS-1" in html
    assert "Renew “Tax certificate 2025”" in html
    assert "new.colleague@example.org" in html


def test_an_ngo_member_never_sees_another_organisations_bids_grants_or_documents(client):
    scene = ngo_scene()

    html = home(client, scene["admin"])

    assert "GA-THEIRS-1" not in html
    assert "Their tax certificate" not in html
    assert "their.colleague@example.org" not in html
    assert f"/tenders/bids/{scene['their_bid'].pk}/" not in html


def test_a_viewer_is_not_told_about_unanswered_invitations(client):
    scene = ngo_scene()
    viewer = member_of(scene["provider"], MemberRole.VIEWER)

    html = home(client, viewer)

    assert "new.colleague@example.org" not in html
    assert "Read and bid" not in html


def test_a_user_without_an_organisation_sees_invitations_addressed_to_them(client):
    user = UserFactory(email="invitee@example.org")
    invitation = InvitationFactory(email="Invitee@example.org")
    InvitationFactory(email="someone.else@example.org")

    html = home(client, user)

    assert f"/providers/invitations/{invitation.token}/" in html
    assert html.count("/providers/invitations/") == 1
    assert "Register your organisation" in html


def grow_ngo(provider, size):
    """``size`` more of every row the NGO home lists."""
    for _ in range(size):
        tender = TenderFactory(published=True)
        BidFactory(provider=provider, tender=tender)
        BidFactory(
            provider=provider,
            tender=TenderFactory(published=True),
            submitted=True,
            needs_reconfirmation=True,
        )
        agreement = GrantAgreementFactory(
            bid=BidFactory(provider=provider, tender=TenderFactory(closed=True), submitted=True),
            active=True,
            reports=False,
        )
        PilotReportFactory(agreement=agreement, open=True)
        PilotReportFactory(agreement=agreement, returned=True)
        ProviderDocumentFactory(
            provider=provider, expires_on=timezone.localdate() + timedelta(days=5)
        )
        InvitationFactory(provider=provider)


def test_the_ngo_home_takes_the_same_number_of_queries_however_many_rows(
    client, django_assert_num_queries
):
    provider = ProviderFactory(verified=True)
    provider.service_types.add(service("elderly-home-care"))

    assert_constant_queries(
        client,
        admin_of(provider),
        lambda size: grow_ngo(provider, size),
        django_assert_num_queries,
    )


# Several roles and system administrators.


def test_a_user_with_several_roles_sees_each_of_their_sections(client):
    user = UserFactory(roles=["procurement_officer", "evaluator", "approver", "grant_officer"])

    html = home(client, user)

    for heading in (
        "Procurement",
        "Evaluation panels",
        "Awards waiting for approval",
        "Grants",
    ):
        assert f">{heading}" in html
    assert "System administration" not in html
    assert "Your organisation" not in html


def test_a_system_administrator_gets_links_to_the_admin_and_the_audit_log(client):
    admin = UserFactory(system_admin=True)

    html = home(client, admin)

    assert "System administration" in html
    assert 'href="/admin/workflows/auditentry/"' in html


def test_a_ministry_user_gets_no_organisation_section(client):
    html = home(client, UserFactory(approver=True))

    assert "Register your organisation" not in html
    assert "You do not belong to an organisation yet." not in html


def test_reports_due_are_only_those_still_to_fill_in(client):
    scene = ngo_scene()
    agreement = GrantAgreementFactory(
        bid=BidFactory(
            provider=scene["provider"], tender=TenderFactory(closed=True), submitted=True
        ),
        active=True,
        reports=False,
        reference="GA-OURS-2",
    )
    accepted = PilotReportFactory(agreement=agreement, accepted=True, number=1)
    submitted = PilotReportFactory(agreement=agreement, submitted=True, number=2)
    still_open = PilotReportFactory(agreement=agreement, open=True, number=3)

    html = home(client, scene["admin"])

    assert f"/grants/reports/{still_open.pk}/" in html
    assert f"/grants/reports/{accepted.pk}/" not in html
    assert f"/grants/reports/{submitted.pk}/" not in html
