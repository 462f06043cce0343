"""Every evaluation and award notification renders, in each language, without bid content;
and the tender pages' links to the evaluation and award follow the visitor."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from tenders.services.award import (
    award_approve,
    award_propose,
    award_send_back,
    objection_dismiss,
    objection_lodge,
    objection_uphold,
)
from tenders.services.evaluation import (
    declaration_make,
    evaluation_end_unsuccessful,
    evaluation_remind,
    panel_member_add,
    screening_decide,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    completed_evaluation,
    evaluation_of,
    scoring_evaluation,
)
from workflows import delivery, sweeps
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

EVENTS = {
    "tenders.panel_appointed",
    "tenders.conflict_declared",
    "tenders.scoring_started",
    "tenders.sheets_complete",
    "tenders.sheet_returned",
    "tenders.evaluation_reminder",
    "tenders.evaluation_overdue",
    "tenders.evaluation_completed",
    "tenders.evaluation_reopened",
    "tenders.evaluation_unsuccessful",
    "tenders.award_proposed",
    "tenders.award_approved",
    "tenders.award_sent_back",
    "tenders.award_outcome",
    "tenders.award_set_aside",
    "tenders.objection_lodged",
    "tenders.objection_resolved",
    "tenders.award_final",
}


def _every_event():
    """Walk tenders through every step that tells someone something."""
    evaluation, chair, evaluators, bids = scoring_evaluation()
    officer = evaluation.created_by
    replacement = UserFactory(evaluator=True)
    panel_member_add(actor=officer, evaluation=evaluation, user=replacement, role="evaluator")
    declaration_make(actor=replacement, evaluation=evaluation, has_conflict=True, details="Kin.")
    evaluation_remind(evaluation=evaluation, now=evaluation.deadline - timedelta(days=1))
    evaluation_remind(evaluation=evaluation, now=evaluation.deadline + timedelta(minutes=1))

    evaluation, chair, evaluators, (winner, loser) = completed_evaluation(points=[9, 7])
    officer = evaluation.created_by
    decision = award_propose(actor=officer, evaluation=evaluation)
    approver = UserFactory(approver=True)
    award_send_back(actor=approver, decision=decision, reason="Recheck the ceiling.")
    decision = award_approve(
        actor=approver, decision=award_propose(actor=officer, evaluation=evaluation)
    )
    first = objection_lodge(actor=admin_of(loser.provider), bid=loser, reasons="Unfair.")
    objection_dismiss(actor=officer, objection=first, reason="The scores stand.")
    second = objection_lodge(actor=admin_of(loser.provider), bid=loser, reasons="Still unfair.")
    objection_uphold(actor=officer, objection=second, reason="Misread.", remedy="reevaluate")

    other, *_rest, done_bids = completed_evaluation(points=[9, 8])
    final = award_approve(
        actor=approver, decision=award_propose(actor=other.created_by, evaluation=other)
    )
    sweeps.run(
        sweeps.registered()["tenders.award_finalise"],
        final.standstill_ends_at + timedelta(seconds=1),
    )

    failed, *_rest = evaluation_of()
    for screening in failed.screenings.all():
        screening_decide(
            actor=failed.created_by,
            screening=screening,
            decisions={line.pk: (False, "Revoked.") for line in screening.lines.all()},
        )
    evaluation_end_unsuccessful(actor=failed.created_by, evaluation=failed)
    return [winner, loser, *done_bids]


def test_every_notification_renders_in_every_language_without_bid_content():
    bids = _every_event()
    messages = OutboxMessage.objects.filter(event__in=EVENTS, channel="email")
    assert set(messages.values_list("event", flat=True)) == EVENTS
    secrets = [bid.sections.first().text for bid in bids]
    secrets += [line.description for bid in bids for line in bid.budget_lines.all()]
    for message in messages:
        for language in ("en", "ru", "tk"):
            message.recipient.language = language
            subject, body = delivery.render(message)
            assert subject and message.context["reference"] in subject + body, message.event
            assert "{%" not in body and "{{" not in body
            assert not any(secret in subject + body for secret in secrets), message.event
            assert "Justified by" not in body


def _links(user, tender):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load evaluation_tags %}{% evaluation_links tender %}")
    with translation.override("en"):
        return template.render(Context({"request": request, "tender": tender}))


def test_the_tender_pages_link_each_visitor_to_their_part():
    evaluation, chair, evaluators, (winner, loser) = completed_evaluation(points=[9, 7])
    tender = evaluation.tender
    approver = UserFactory(approver=True)
    assert "Evaluation" in _links(tender.created_by, tender)
    assert "Your evaluation" in _links(chair, tender)
    assert "Outcome of your bid" not in _links(admin_of(loser.provider), tender)
    decision = award_propose(actor=tender.created_by, evaluation=evaluation)
    assert "Award decision" in _links(approver, tender)
    award_approve(actor=approver, decision=decision)
    assert "Outcome of your bid" in _links(admin_of(loser.provider), tender)
    assert _links(AnonymousUser(), tender).strip() == ""
