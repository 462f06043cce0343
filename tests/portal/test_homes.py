"""Each role lands on its own home: what it needs, nothing of another organisation, a constant
number of queries however many rows there are."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from grants.models import ReportState
from portal.models import ServiceType
from providers.models import DocumentType, MemberRole
from tests.factories.grants import (
    GrantAgreementFactory,
    PilotReportFactory,
    TrancheFactory,
)
from tests.factories.grants import (
    officer as grant_officer,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import (
    InvitationFactory,
    ProviderDocumentFactory,
    ProviderFactory,
    admin_of,
    member_of,
)
from tests.factories.tenders import (
    AwardDecisionFactory,
    BidFactory,
    ClarificationFactory,
    EvaluationFactory,
    ObjectionFactory,
    PanelMemberFactory,
    ScoreSheetFactory,
    TenderFactory,
    days_from_now,
)

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def service(code):
    return ServiceType.objects.get(code=code)


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


def assert_constant_queries(client, user, grow, django_assert_num_queries):
    grow(1)
    home(client, user)
    with CaptureQueriesContext(connection) as small:
        home(client, user)
    grow(3)
    with django_assert_num_queries(len(small.captured_queries)):
        home(client, user)


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


# Procurement officers.


def officer_scene():
    officer = UserFactory(procurement_officer=True)
    TenderFactory(created_by=officer, title_en="Our draft")
    published = TenderFactory(created_by=officer, published=True, title_en="Our published")
    closed = TenderFactory(created_by=officer, closed=True, title_en="Our closed")
    TenderFactory(created_by=officer, cancelled=True)
    ClarificationFactory(tender=published, question="May volunteers help at weekends?")
    ClarificationFactory(tender=published, answered=True, question="Is transport paid?")
    foreign = TenderFactory(published=True, title_en="Their published")
    ClarificationFactory(tender=foreign, question="A question to another officer")
    ProviderFactory(submitted=True, name_en="Waiting association")
    return {"officer": officer, "closed": closed}


def test_an_officer_sees_their_tenders_by_state_with_counts(client):
    scene = officer_scene()

    html = home(client, scene["officer"])

    assert "Draft (1)" in html
    assert "Published (1)" in html
    assert "Closed (1)" in html
    assert "Cancelled: 1" in html
    assert "Our draft" in html and "Our published" in html and "Our closed" in html
    assert "Their published" not in html


def test_an_officer_sees_questions_to_answer_on_their_own_tenders_only(client):
    scene = officer_scene()

    html = home(client, scene["officer"])

    assert "Questions to answer (1)" in html
    assert "May volunteers help at weekends?" in html
    assert "Is transport paid?" not in html
    assert "A question to another officer" not in html


def test_an_officer_sees_the_next_step_of_each_evaluation(client):
    scene = officer_scene()
    officer = scene["officer"]
    scoring = EvaluationFactory(tender=TenderFactory(created_by=officer, closed=True), scoring=True)
    completed = EvaluationFactory(
        tender=TenderFactory(created_by=officer, closed=True), completed=True
    )
    proposed = AwardDecisionFactory(
        evaluation=EvaluationFactory(
            tender=TenderFactory(created_by=officer, closed=True), completed=True
        )
    )
    ObjectionFactory(
        decision=AwardDecisionFactory(
            approved=True,
            evaluation=EvaluationFactory(
                tender=TenderFactory(created_by=officer, closed=True), completed=True
            ),
        )
    )

    html = home(client, officer)

    assert f'href="/tenders/manage/{scene["closed"].pk}/evaluation/">Open the evaluation' in html
    assert f'/tenders/manage/{scoring.tender_id}/evaluation/">The panel is scoring.' in html
    assert f'/tenders/manage/{completed.tender_id}/evaluation/">Propose the award.' in html
    assert f'href="/tenders/awards/{proposed.pk}/">The award waits for approval.' in html
    assert "Objection to the award of" in html


def test_an_officer_sees_organisations_waiting_for_verification(client):
    scene = officer_scene()

    html = home(client, scene["officer"])

    assert "Organisations waiting for verification (1)" in html
    assert "Waiting association" in html


def grow_officer(officer, size):
    for _ in range(size):
        TenderFactory(created_by=officer)
        published = TenderFactory(created_by=officer, published=True)
        ClarificationFactory(tender=published)
        TenderFactory(created_by=officer, closed=True)
        TenderFactory(created_by=officer, cancelled=True)
        EvaluationFactory(tender=TenderFactory(created_by=officer, closed=True), scoring=True)
        AwardDecisionFactory(
            evaluation=EvaluationFactory(
                tender=TenderFactory(created_by=officer, closed=True), completed=True
            )
        )
        ObjectionFactory(
            decision=AwardDecisionFactory(
                approved=True,
                evaluation=EvaluationFactory(
                    tender=TenderFactory(created_by=officer, closed=True), completed=True
                ),
            )
        )
        ProviderFactory(submitted=True)


def test_the_officer_home_takes_the_same_number_of_queries_however_many_rows(
    client, django_assert_num_queries
):
    officer = UserFactory(procurement_officer=True)

    assert_constant_queries(
        client, officer, lambda size: grow_officer(officer, size), django_assert_num_queries
    )


def test_the_officer_home_lists_a_few_tenders_per_state_and_links_to_the_rest(client):
    officer = UserFactory(procurement_officer=True)
    for n in range(7):
        TenderFactory(created_by=officer, title_en=f"Draft number {n}")

    html = home(client, officer)

    assert "Draft (7)" in html
    assert html.count("Draft number") == 5
    assert "/tenders/manage/?state=draft" in html


# Evaluators.


def test_an_evaluator_sees_their_assignments_sheets_to_complete_and_deadlines(client):
    evaluator = UserFactory(evaluator=True)
    undeclared = PanelMemberFactory(user=evaluator, evaluation__tender__title_en="Tender A")
    sheet = ScoreSheetFactory(
        member=PanelMemberFactory(
            user=evaluator,
            cleared=True,
            evaluation=EvaluationFactory(scoring=True, tender__title_en="Tender B"),
        )
    )
    PanelMemberFactory(evaluation__tender__title_en="Somebody else's panel")

    html = home(client, evaluator)

    assert "1 score sheet to complete." in html
    assert f'href="/tenders/evaluations/{undeclared.evaluation_id}/declare/"' in html
    assert f'href="/tenders/evaluations/{sheet.evaluation_id}/sheet/"' in html
    assert "Tender A" in html and "Tender B" in html
    assert "Somebody else&#x27;s panel" not in html
    assert "Evaluation deadline" in html


def test_a_submitted_sheet_is_no_longer_to_complete(client):
    evaluator = UserFactory(evaluator=True)
    ScoreSheetFactory(
        submitted=True,
        member=PanelMemberFactory(
            user=evaluator, cleared=True, evaluation=EvaluationFactory(scoring=True)
        ),
    )

    html = home(client, evaluator)

    assert "0 score sheets to complete." in html
    assert "Your sheet is submitted." in html


def grow_evaluator(evaluator, size):
    for _ in range(size):
        PanelMemberFactory(user=evaluator)
        ScoreSheetFactory(
            member=PanelMemberFactory(
                user=evaluator, cleared=True, evaluation=EvaluationFactory(scoring=True)
            )
        )
        PanelMemberFactory(
            user=evaluator, chair=True, cleared=True, evaluation=EvaluationFactory(scoring=True)
        )


def test_the_evaluator_home_takes_the_same_number_of_queries_however_many_rows(
    client, django_assert_num_queries
):
    evaluator = UserFactory(evaluator=True)

    assert_constant_queries(
        client, evaluator, lambda size: grow_evaluator(evaluator, size), django_assert_num_queries
    )


# Approvers.


def test_an_approver_sees_awards_waiting_for_approval(client):
    approver = UserFactory(approver=True)
    waiting = AwardDecisionFactory(evaluation__tender__title_en="Waiting award")
    AwardDecisionFactory(approved=True, evaluation__tender__title_en="Approved award")

    html = home(client, approver)

    assert "Awards waiting for approval (1)" in html
    assert f'href="/tenders/awards/{waiting.pk}/"' in html
    assert "Approved award" not in html


# Grant officers.


def test_a_grant_officer_sees_reports_to_review_tranches_and_the_dashboard(client):
    officer = grant_officer()
    agreement = GrantAgreementFactory(active=True, reports=False, plan=False)
    report = PilotReportFactory(agreement=agreement, submitted=True)
    PilotReportFactory(agreement=agreement, overdue=True)
    TrancheFactory(agreement=agreement, eligible=True, position=7)
    TrancheFactory(agreement=agreement, approved=True, position=8)

    html = home(client, officer)

    assert "/grants/dashboard/" in html
    assert "Reports to review (1)" in html
    assert f'href="/grants/reports/{report.pk}/"' in html
    assert "Tranches to approve (1)" in html
    assert "Tranches to pay (1)" in html
    assert "Overdue reports" in html


def grow_grants(size):
    for _ in range(size):
        agreement = GrantAgreementFactory(active=True, reports=False, plan=False)
        PilotReportFactory(agreement=agreement, submitted=True)
        PilotReportFactory(agreement=agreement, overdue=True)
        TrancheFactory(agreement=agreement, eligible=True)
        TrancheFactory(agreement=agreement, approved=True)
        TrancheFactory(agreement=agreement, paid=True)


def test_the_grant_officer_home_takes_the_same_number_of_queries_however_many_rows(
    client, django_assert_num_queries
):
    assert_constant_queries(client, grant_officer(), grow_grants, django_assert_num_queries)


def test_a_grant_officer_does_not_see_their_own_organisations_grants(client):
    agreement = GrantAgreementFactory(active=True, reports=False)
    PilotReportFactory(agreement=agreement, submitted=True)
    officer = member_of(agreement.grantee, grant_officer=True)

    html = home(client, officer)

    assert "Reports to review (0)" in html


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


def test_report_states_shown_to_members_are_those_still_to_fill_in(client):
    scene = ngo_scene()
    agreement = GrantAgreementFactory(
        bid=BidFactory(
            provider=scene["provider"], tender=TenderFactory(closed=True), submitted=True
        ),
        active=True,
        reports=False,
        reference="GA-OURS-2",
    )
    PilotReportFactory(agreement=agreement, accepted=True, number=1)
    PilotReportFactory(agreement=agreement, submitted=True, number=2)

    html = home(client, scene["admin"])

    assert html.count(ReportState.ACCEPTED.label.capitalize()) == 0
