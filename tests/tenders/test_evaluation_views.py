"""The evaluation and award pages, role by role: usable by their role, 404/403 for others."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tenders.models import Evaluation, ModerationNote, PanelMember, ScoreSheet
from tenders.services.award import award_approve, award_propose, objection_lodge
from tenders.services.fingerprints import sheet_fingerprint
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    BidFactory,
    PanelMemberFactory,
    TenderFactory,
    completed_evaluation,
    score_all,
    scoring_evaluation,
)

pytestmark = pytest.mark.django_db


def _login(client, user):
    sign_in(client, user)
    return client


def test_the_officer_opens_the_evaluation_and_names_the_panel(client):
    tender = TenderFactory(closed=True)
    BidFactory(tender=tender, submitted=True)
    _login(client, tender.created_by)
    url = reverse("tenders:evaluation_manage", args=[tender.pk])
    assert "Open the evaluation" in client.get(url).content.decode()
    deadline = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "deadline": deadline,
            "min_evaluators": 3,
            "divergence_percent": 25,
            "standstill_days": 10,
        },
    )
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(tender=tender)
    assert str(evaluation.divergence_share) == "0.25"
    person = UserFactory(evaluator=True)
    response = client.post(
        reverse("tenders:evaluation_member_add", args=[tender.pk]),
        {"user": person.pk, "role": "chair"},
    )
    assert response.status_code == 302
    assert PanelMember.objects.get(evaluation=evaluation).user == person
    page = client.get(url).content.decode()
    assert str(person) in page and "Not declared yet" in page


def test_another_officer_finds_no_evaluation_page(client):
    tender = TenderFactory(closed=True)
    _login(client, UserFactory(procurement_officer=True))
    assert client.get(reverse("tenders:evaluation_manage", args=[tender.pk])).status_code == 404


def test_a_bad_evaluation_form_is_shown_with_its_errors(client):
    tender = TenderFactory(closed=True)
    BidFactory(tender=tender, submitted=True)
    _login(client, tender.created_by)
    response = client.post(
        reverse("tenders:evaluation_manage", args=[tender.pk]),
        {
            "deadline": "2001-01-01T10:00",
            "min_evaluators": 2,
            "divergence_percent": 30,
            "standstill_days": 10,
        },
    )
    assert response.status_code == 200
    assert not Evaluation.objects.exists()


def test_a_member_declares_on_the_declaration_page(client):
    evaluation, *_rest = scoring_evaluation()
    member = PanelMemberFactory(evaluation=evaluation)
    _login(client, member.user)
    url = reverse("tenders:evaluation_declare", args=[evaluation.pk])
    page = client.get(url).content.decode()
    for bid in evaluation.tender.bids.all():
        assert bid.provider.name in page
    response = client.post(url, {"answer": "yes", "details": ""})
    assert response.status_code == 200 and "Describe the conflict" in response.content.decode()
    assert client.post(url, {"answer": "no"}).status_code == 302
    assert ScoreSheet.objects.filter(member=member).exists()


def test_the_evaluator_submits_the_sheet_from_its_page(client):
    evaluation, _chair, evaluators, bids = scoring_evaluation()
    user = evaluators[0]
    score_all(evaluation, {user: {b: [7, 7] for b in bids}}, submit=False)
    _login(client, user)
    sheet = ScoreSheet.objects.get(member__user=user)
    response = client.post(
        reverse("tenders:evaluation_sheet_submit", args=[evaluation.pk]),
        {"seen_state": "draft", "seen": sheet_fingerprint(sheet)},
    )
    assert response.status_code == 302
    assert ScoreSheet.objects.get(member__user=user).state == "submitted"
    page = client.get(reverse("tenders:evaluation_sheet", args=[evaluation.pk])).content.decode()
    assert "Save the draft" not in page


def test_the_chair_moderates_returns_and_completes_from_the_pages(client):
    evaluation, chair, evaluators, (first, second) = scoring_evaluation()
    score_all(
        evaluation,
        {
            evaluators[0]: {first: [2, 7], second: [8, 8]},
            evaluators[1]: {first: [6, 7], second: [8, 8]},
            evaluators[2]: {first: [5, 7], second: [8, 8]},
        },
    )
    _login(client, chair)
    scores = client.get(reverse("tenders:evaluation_scores", args=[evaluation.pk]))
    assert "Write the moderation note" in scores.content.decode()
    criterion = evaluation.tender.criteria.first()
    moderation = reverse(
        "tenders:evaluation_moderation", args=[evaluation.pk, first.pk, criterion.pk]
    )
    assert client.post(moderation, {"note": "Discussed; scores stand."}).status_code == 302
    assert ModerationNote.objects.get().note == "Discussed; scores stand."
    other = reverse(
        "tenders:evaluation_moderation",
        args=[evaluation.pk, second.pk, criterion.pk],
    )
    assert client.get(other).status_code == 404

    sheet = ScoreSheet.objects.get(member__user=evaluators[2])
    back = reverse("tenders:evaluation_sheet_return", args=[evaluation.pk, sheet.pk])
    assert client.post(back, {"seen_state": "submitted", "reason": "Recheck."}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "draft"
    complete = reverse("tenders:evaluation_complete", args=[evaluation.pk])
    page = client.post(complete, {"seen_state": "scoring"}, follow=True).content.decode()
    assert "Every evaluator must submit" in page
    score_all(evaluation, {evaluators[2]: {first: [5, 7], second: [8, 8]}})
    assert client.post(complete, {"seen_state": "scoring"}).status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).state == "completed"


def test_an_evaluator_may_not_use_the_chairs_pages(client):
    evaluation, _chair, evaluators, bids = scoring_evaluation()
    score_all(evaluation, {user: {b: [7, 7] for b in bids} for user in evaluators})
    sheet = ScoreSheet.objects.get(member__user=evaluators[1])
    _login(client, evaluators[0])
    assert (
        client.get(
            reverse("tenders:evaluation_sheet_return", args=[evaluation.pk, sheet.pk])
        ).status_code
        == 404
    )
    response = client.post(
        reverse("tenders:evaluation_complete", args=[evaluation.pk]), {"seen_state": "scoring"}
    )
    assert response.status_code == 403
    assert Evaluation.objects.get(pk=evaluation.pk).state == "scoring"


def test_the_officer_proposes_from_the_evaluation_page(client):
    evaluation, *_rest = completed_evaluation()
    _login(client, evaluation.created_by)
    page = client.get(reverse("tenders:evaluation_manage", args=[evaluation.tender_id]))
    assert "Propose the award" in page.content.decode()
    response = client.post(reverse("tenders:award_propose", args=[evaluation.pk]))
    assert response.status_code == 302
    assert evaluation.award_decisions.get().state == "proposed"


def test_the_approver_lists_and_sends_back_a_proposal(client):
    evaluation, *_rest = completed_evaluation()
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    _login(client, UserFactory(approver=True))
    assert evaluation.tender.reference in client.get(reverse("tenders:award_list")).content.decode()
    url = reverse("tenders:award_send_back", args=[decision.pk])
    assert client.post(url, {"seen_state": "proposed", "reason": ""}).status_code == 200
    assert client.post(url, {"seen_state": "proposed", "reason": "Why?"}).status_code == 302
    decision.refresh_from_db()
    assert decision.state == "returned"
    _login(client, evaluation.created_by)
    assert client.get(reverse("tenders:award_list")).status_code == 403


# No role ever meets a server error on these pages.

NAMES = [
    ("evaluation_manage", "tender"),
    ("evaluation_member_add", "tender"),
    ("evaluation_member_replace", "tender"),
    ("evaluation_member_invite", "tender"),
    ("evaluation_list", None),
    ("evaluation_home", "evaluation"),
    ("evaluation_declare", "evaluation"),
    ("evaluation_start", "evaluation"),
    ("evaluation_end", "evaluation"),
    ("evaluation_screening", "evaluation,bid"),
    ("evaluation_bid", "evaluation,bid"),
    ("evaluation_bid_document", "evaluation,bid,document"),
    ("evaluation_sheet", "evaluation"),
    ("evaluation_sheet_submit", "evaluation"),
    ("evaluation_scores", "evaluation"),
    ("evaluation_sheet_return", "evaluation,sheet"),
    ("evaluation_moderation", "evaluation,bid,criterion"),
    ("evaluation_complete", "evaluation"),
    ("evaluation_report", "evaluation"),
    ("evaluation_report_pdf", "evaluation"),
    ("evaluation_report_xlsx", "evaluation"),
    ("award_propose", "evaluation"),
    ("award_list", None),
    ("award_decision", "decision"),
    ("award_approve", "decision"),
    ("award_send_back", "decision"),
    ("bid_outcome", "bid"),
    ("objection", "objection"),
    ("objection_document", "objection,document"),
    ("award_notice", "tender"),
]


def test_no_role_meets_a_server_error_on_any_evaluation_or_award_page():
    evaluation, chair, evaluators, (winner, loser) = completed_evaluation(points=[9, 7])
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    decision = award_approve(actor=UserFactory(approver=True), decision=decision)
    objection = objection_lodge(actor=admin_of(loser.provider), bid=loser, reasons="No.")
    ids = {
        "tender": evaluation.tender_id,
        "evaluation": evaluation.pk,
        "bid": winner.pk,
        "document": winner.documents.first().pk,
        "sheet": ScoreSheet.objects.filter(evaluation=evaluation).first().pk,
        "criterion": evaluation.tender.criteria.first().pk,
        "decision": decision.pk,
        "objection": objection.pk,
    }
    users = [
        None,
        admin_of(winner.provider),
        admin_of(loser.provider),
        UserFactory(evaluator=True),
        PanelMemberFactory(evaluation=evaluation).user,
        chair,
        evaluators[0],
        evaluation.created_by,
        UserFactory(procurement_officer=True),
        UserFactory(approver=True),
        UserFactory(grant_officer=True),
        UserFactory(is_superuser=True, is_staff=True),
    ]
    for user in users:
        client = Client(raise_request_exception=False)
        if user is not None:
            sign_in(client, user)
        for name, parameters in NAMES:
            args = [ids[key] for key in parameters.split(",")] if parameters else []
            url = reverse(f"tenders:{name}", args=args)
            for method in (client.get, client.post):
                status = method(url).status_code
                assert status in (200, 302, 403, 404, 405), (user, method.__name__, url, status)
