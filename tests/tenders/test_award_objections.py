"""Objections during the standstill period: lodging, blocking finality, and their outcome."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from providers.models import MemberRole
from tenders.models import AwardDecision, Evaluation, Objection, ObjectionDocument, ScoreSheet
from tenders.services.award import (
    award_approve,
    award_propose,
    objection_dismiss,
    objection_lodge,
    objection_uphold,
)
from tenders.services.evaluation import evaluation_complete, evaluation_start_scoring
from tests.conftest import sign_in
from tests.factories.documents import upload
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from tests.factories.tenders import completed_evaluation, score_all
from tests.tenders.tender_support import recipients
from workflows import sweeps
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

FINALISE = "tenders.award_finalise"


@pytest.fixture
def scene():
    evaluation, chair, evaluators, (winner, loser) = completed_evaluation(points=[9, 7])
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    decision = award_approve(actor=UserFactory(approver=True), decision=decision)
    return {
        "evaluation": evaluation,
        "chair": chair,
        "evaluators": evaluators,
        "decision": decision,
        "winner": winner,
        "loser": loser,
        "officer": evaluation.created_by,
    }


def _lodge(scene, reasons="The staffing score ignored our certified trainers.", **kwargs):
    loser = scene["loser"]
    return objection_lodge(actor=admin_of(loser.provider), bid=loser, reasons=reasons, **kwargs)


def _finalise(scene):
    later = scene["decision"].standstill_ends_at + timedelta(seconds=1)
    handled = sweeps.run(sweeps.registered()[FINALISE], later)
    scene["decision"].refresh_from_db()
    return handled


def test_a_bidder_lodges_an_objection_with_a_document(scene, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        objection = _lodge(scene, documents=[("Trainer certificates", upload("pdf"))])
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    assert callbacks
    assert objection.state == Objection.State.PENDING
    assert objection.documents.get().title == "Trainer certificates"
    entry = history(objection).get(action="lodge")
    assert (entry.actor, entry.target_state) == (admin_of(scene["loser"].provider), "pending")
    assert recipients("tenders.objection_lodged") == {scene["officer"].pk}


def test_an_objection_needs_reasons_and_a_valid_file(scene):
    with pytest.raises(DomainError) as refused:
        _lodge(scene, reasons="  ")
    assert refused.value.field == "reasons"
    with pytest.raises(ValidationError):
        _lodge(scene, documents=[("Program", upload(name="setup.pdf", content=b"MZ\x90\x00"))])
    assert not Objection.objects.exists()
    assert not ObjectionDocument.objects.exists()


def test_only_the_bidders_admins_and_editors_object(scene):
    loser = scene["loser"]
    viewer = member_of(loser.provider, MemberRole.VIEWER)
    outsider = admin_of(ProviderFactory(verified=True))
    for user in (viewer, outsider, scene["officer"]):
        with pytest.raises(DomainError) as refused:
            objection_lodge(actor=user, bid=loser, reasons="No.")
        assert refused.value.code == "forbidden"
    editor = member_of(loser.provider, MemberRole.EDITOR)
    assert objection_lodge(actor=editor, bid=loser, reasons="Yes.").lodged_by == editor


def test_objections_are_lodged_during_the_standstill_only(scene):
    with time_machine.travel(scene["decision"].standstill_ends_at + timedelta(seconds=1)):
        with pytest.raises(DomainError) as refused:
            _lodge(scene)
    assert refused.value.code == "standstill_over"
    evaluation, *_rest, (bid, _other) = completed_evaluation(points=[9, 8])
    award_propose(actor=evaluation.created_by, evaluation=evaluation)
    with pytest.raises(DomainError) as refused:
        objection_lodge(actor=admin_of(bid.provider), bid=bid, reasons="Too early.")
    assert refused.value.code == "no_standstill"


def test_lodging_the_same_objection_twice_makes_one_and_a_second_waits(scene):
    first = _lodge(scene)
    assert _lodge(scene).pk == first.pk
    with pytest.raises(DomainError) as refused:
        _lodge(scene, reasons="Something else.")
    assert refused.value.code == "already_pending"
    assert Objection.objects.count() == 1


def test_a_pending_objection_blocks_finality(scene):
    _lodge(scene)
    assert _finalise(scene) == 0
    assert scene["decision"].state == AwardDecision.State.APPROVED


def test_a_dismissed_objection_lets_the_award_become_final(scene):
    objection = _lodge(scene)
    with pytest.raises(DomainError) as refused:
        objection_dismiss(actor=scene["officer"], objection=objection, reason="")
    assert refused.value.code == "reason_required"
    with pytest.raises(DomainError) as refused:
        objection_dismiss(
            actor=UserFactory(procurement_officer=True), objection=objection, reason="No."
        )
    assert refused.value.code == "forbidden"
    dismissed = objection_dismiss(
        actor=scene["officer"], objection=objection, reason="The trainers' courses ended late."
    )
    assert dismissed.state == Objection.State.DISMISSED
    assert objection_dismiss(
        actor=scene["officer"], objection=dismissed, reason="x"
    ).resolution == ("The trainers' courses ended late.")
    entry = history(objection).get(action="dismiss")
    assert (entry.actor, entry.note) == (scene["officer"], "The trainers' courses ended late.")
    notice = OutboxMessage.objects.get(event="tenders.objection_resolved", channel="email")
    assert notice.recipient == admin_of(scene["loser"].provider)
    assert notice.context["outcome"] == "dismissed"
    assert _finalise(scene) == 1
    assert scene["decision"].state == AwardDecision.State.FINAL


def test_upholding_for_re_evaluation_reopens_the_sheets(scene):
    first = _lodge(scene)
    second = objection_lodge(
        actor=admin_of(scene["winner"].provider), bid=scene["winner"], reasons="Also."
    )
    upheld = objection_uphold(
        actor=scene["officer"],
        objection=first,
        reason="The staffing criterion was misread by the panel.",
        remedy=Objection.Remedy.REEVALUATE,
    )
    assert upheld.state == Objection.State.UPHELD
    decision = AwardDecision.objects.get(pk=scene["decision"].pk)
    assert decision.state == AwardDecision.State.SET_ASIDE
    second.refresh_from_db()
    assert second.state == Objection.State.LAPSED
    evaluation = Evaluation.objects.get(pk=scene["evaluation"].pk)
    assert evaluation.state == Evaluation.State.SCREENING
    sheets = ScoreSheet.objects.filter(evaluation=evaluation)
    assert set(sheets.values_list("state", flat=True)) == {"draft"}
    assert set(sheets.values_list("returned_reason", flat=True)) == {
        "The staffing criterion was misread by the panel."
    }
    assert scene["chair"].pk in recipients("tenders.evaluation_reopened")
    told = recipients("tenders.award_set_aside")
    assert {admin_of(scene["winner"].provider).pk, admin_of(scene["loser"].provider).pk} <= told
    assert objection_uphold(
        actor=scene["officer"], objection=first, reason="again", remedy="reevaluate"
    ).resolution.startswith("The staffing")
    assert _finalise(scene) == 0

    # The panel revises, the chair completes, and the officer proposes again.
    evaluation = evaluation_start_scoring(actor=scene["officer"], evaluation=evaluation)
    score_all(
        evaluation,
        {user: {scene["winner"]: [7, 7], scene["loser"]: [9, 9]} for user in scene["evaluators"]},
    )
    evaluation = evaluation_complete(actor=scene["chair"], evaluation=evaluation)
    again = award_propose(actor=scene["officer"], evaluation=evaluation)
    assert list(again.lines.filter(proposed=True).values_list("bid", flat=True)) == [
        scene["loser"].pk
    ]


def test_upholding_with_an_exclusion_lets_the_officer_propose_the_next_bid(scene):
    objection = _lodge(scene)
    with pytest.raises(DomainError) as refused:
        objection_uphold(
            actor=scene["officer"],
            objection=objection,
            reason="x",
            remedy=Objection.Remedy.EXCLUDE,
            excluded_bid=scene["loser"],
        )
    assert refused.value.field == "excluded_bid"
    objection_uphold(
        actor=scene["officer"],
        objection=objection,
        reason="The winner's licence had lapsed at the deadline.",
        remedy=Objection.Remedy.EXCLUDE,
        excluded_bid=scene["winner"],
    )
    assert Evaluation.objects.get(pk=scene["evaluation"].pk).state == Evaluation.State.COMPLETED
    again = award_propose(actor=scene["officer"], evaluation=scene["evaluation"])
    assert list(again.lines.filter(proposed=True).values_list("bid", flat=True)) == [
        scene["loser"].pk
    ]


def test_a_bidder_sees_its_own_scores_and_rank_and_nothing_of_the_others(client, scene):
    loser, winner = scene["loser"], scene["winner"]
    sign_in(client, admin_of(loser.provider))
    page = client.get(reverse("tenders:bid_outcome", args=[loser.pk])).content.decode()
    assert "Your bid is not proposed for award." in page
    assert "2 of 2" in page
    line = scene["decision"].lines.get(bid=loser)
    assert str(line.total_score) in page
    assert winner.provider.name not in page
    assert str(scene["decision"].lines.get(bid=winner).total_score) not in page
    assert client.get(reverse("tenders:bid_outcome", args=[winner.pk])).status_code == 404


def test_a_bidder_objects_on_its_outcome_page_and_the_officer_resolves_it(client, scene):
    loser = scene["loser"]
    sign_in(client, admin_of(loser.provider))
    url = reverse("tenders:bid_outcome", args=[loser.pk])
    response = client.post(
        url,
        {
            "reasons": "Our trainers were certified.",
            "document_title": "Certificates",
            "document": upload("pdf"),
        },
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.documents.count() == 1
    document_url = reverse(
        "tenders:objection_document", args=[objection.pk, objection.documents.get().pk]
    )
    assert client.get(document_url).status_code == 200
    sign_in(client, admin_of(scene["winner"].provider))
    assert client.get(document_url).status_code == 404

    sign_in(client, scene["officer"])
    page = reverse("tenders:objection", args=[objection.pk])
    assert "Our trainers were certified." in client.get(page).content.decode()
    response = client.post(
        page, {"seen_state": "pending", "outcome": "dismiss", "reason": "Certified too late."}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == Objection.State.DISMISSED
    sign_in(client, admin_of(loser.provider))
    assert client.get(page).status_code == 404
