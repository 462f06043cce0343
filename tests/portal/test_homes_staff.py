"""The homes of ministry staff: procurement officers, evaluators, approvers and grant officers
see what waits for them, nothing of another officer's tenders or panels, in a constant number
of queries."""

import re
from decimal import Decimal

import pytest

from tests.factories.grants import (
    GrantAgreementFactory,
    PilotReportFactory,
    TrancheFactory,
    fill_report,
)
from tests.factories.grants import officer as grant_officer
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, member_of
from tests.factories.tenders import (
    AwardDecisionFactory,
    ClarificationFactory,
    EvaluationFactory,
    ObjectionFactory,
    PanelMemberFactory,
    ScoreSheetFactory,
    TenderFactory,
)
from tests.portal.home_support import assert_constant_queries, home

pytestmark = pytest.mark.django_db


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


def test_a_grant_officers_home_gives_the_people_reached_and_the_share_of_budget_spent(client):
    officer = grant_officer(language="ru")
    agreement = GrantAgreementFactory(active=True, reports=False, amount=10000)
    fill_report(
        PilotReportFactory(agreement=agreement, accepted=True, filled=False),
        new=1200,
        spent=Decimal("250"),
    )

    html = home(client, officer)

    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", html))
    assert figures["Охвачено получателей услуг"] == "1\xa0200"
    lines = agreement.budget_lines.count()
    assert lines > 0
    # 250 TMT spent on each budget line of a 10,000 TMT grant.
    share = f"{250 * lines / 100:.1f}".replace(".", ",")
    assert figures["Доля освоенного бюджета"] == f"{share} %"


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
