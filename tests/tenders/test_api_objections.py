"""The officer proposes the award over the API; a losing bidder objects during the standstill
period and the officer dismisses or upholds the objection, through the pages' services."""

import pytest
from django.core.cache import cache

from providers.models import MemberRole
from tenders.models import AwardDecision, Objection
from tenders.services.award import award_approve, award_propose, objection_lodge
from tests.factories.documents import upload
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from tests.factories.tenders import completed_evaluation, evaluation_of
from tests.portal.api_support import token_client
from tests.portal.hostile_files import encrypted_pdf
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

REASONS = "The staffing score ignored our certified trainers."


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def scene():
    evaluation, chair, evaluators, (winner, loser) = completed_evaluation(points=[9, 7])
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    decision = award_approve(actor=UserFactory(approver=True), decision=decision)
    return {"decision": decision, "winner": winner, "loser": loser, "chair": chair}


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return token_client(user)


def lodge(user, bid, reasons=REASONS):
    return token_client(user).post(
        "/api/objections/", {"bid": bid.pk, "reasons": reasons}, format="json"
    )


# Proposing the award.


def test_the_officer_proposes_the_award_and_the_approvers_are_told(
    django_capture_on_commit_callbacks,
):
    evaluation, *_rest = completed_evaluation(points=[9, 7])
    UserFactory(approver=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(evaluation.created_by).post(
            f"/api/evaluations/{evaluation.pk}/propose-award/"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "proposed"
    assert [line["rank"] for line in response.json()["lines"]] == [1, 2]
    decision = AwardDecision.objects.get()
    assert history(decision).get(action="propose").actor == evaluation.created_by
    assert OutboxMessage.objects.filter(event="tenders.award_proposed").exists()


def test_an_award_of_an_evaluation_not_completed_is_a_conflict():
    evaluation, *_rest = evaluation_of()
    response = token_client(evaluation.created_by).post(
        f"/api/evaluations/{evaluation.pk}/propose-award/"
    )
    assert response.status_code == 409
    assert not AwardDecision.objects.exists()


def test_the_chair_may_not_propose_the_award():
    evaluation, chair, *_rest = completed_evaluation(points=[9, 7])
    response = token_client(chair).post(f"/api/evaluations/{evaluation.pk}/propose-award/")
    assert response.status_code == 403
    assert not AwardDecision.objects.exists()


def test_another_officer_finds_no_evaluation_to_award():
    evaluation, *_rest = completed_evaluation(points=[9, 7])
    response = token_client(UserFactory(procurement_officer=True)).post(
        f"/api/evaluations/{evaluation.pk}/propose-award/"
    )
    assert response.status_code == 404
    assert not AwardDecision.objects.exists()


# Lodging an objection.


def test_the_losing_bidder_objects_and_the_officer_is_told(
    scene, django_capture_on_commit_callbacks
):
    admin = admin_of(scene["loser"].provider)
    with django_capture_on_commit_callbacks(execute=True):
        response = lodge(admin, scene["loser"])
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "pending"
    objection = Objection.objects.get()
    assert history(objection).get(action="lodge").actor == admin
    assert OutboxMessage.objects.filter(event="tenders.objection_lodged").exists()
    assert token_client(admin).get(f"/api/objections/{objection.pk}/").status_code == 200


def test_an_objection_without_reasons_is_refused_in_russian(scene):
    client = speaking(admin_of(scene["loser"].provider), "ru")
    response = client.post("/api/objections/", {"bid": scene["loser"].pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["reasons"] == ["Обязательное поле."]
    assert not Objection.objects.exists()


def lodge_with_document(client, bid, **fields):
    sent = {
        "bid": bid.pk,
        "reasons": REASONS,
        "document_title": "Trainer certificates",
        "document": upload("pdf"),
        **fields,
    }
    return client.post("/api/objections/", sent, format="multipart")


def test_the_objection_carries_one_supporting_document(scene):
    admin = admin_of(scene["loser"].provider)
    response = lodge_with_document(token_client(admin), scene["loser"])
    assert response.status_code == 201, response.json()
    [document] = response.json()["documents"]
    assert document["title"] == "Trainer certificates"
    assert document["original_name"] == "document.pdf"
    assert Objection.objects.get().documents.count() == 1


def test_an_encrypted_supporting_document_is_refused_in_russian(scene):
    client = speaking(admin_of(scene["loser"].provider), "ru")
    response = lodge_with_document(
        client, scene["loser"], document=upload("pdf", content=encrypted_pdf())
    )
    assert response.status_code == 400
    assert response.json()["errors"]["document"] == [
        "Этот PDF защищён паролем или шифрованием; загрузите копию без защиты."
    ]
    assert not Objection.objects.exists()


def test_a_document_with_a_second_pending_objection_is_a_conflict(scene):
    admin = admin_of(scene["loser"].provider)
    assert lodge(admin, scene["loser"]).status_code == 201
    response = lodge_with_document(
        token_client(admin), scene["loser"], reasons="Another reason altogether."
    )
    assert response.status_code == 409
    assert Objection.objects.get().documents.count() == 0


def test_a_document_on_another_organisation_s_bid_is_not_found(scene):
    outsider = token_client(admin_of(ProviderFactory(verified=True)))
    response = lodge_with_document(outsider, scene["loser"])
    assert response.status_code == 404
    assert not Objection.objects.exists()


def test_a_viewer_may_not_send_a_document(scene):
    viewer = member_of(scene["loser"].provider, MemberRole.VIEWER)
    assert lodge_with_document(token_client(viewer), scene["loser"]).status_code == 403


def test_a_second_objection_while_one_is_pending_is_a_conflict(scene):
    admin = admin_of(scene["loser"].provider)
    assert lodge(admin, scene["loser"]).status_code == 201
    response = lodge(admin, scene["loser"], reasons="Another reason altogether.")
    assert response.status_code == 409
    assert response.json()["code"] == "already_pending"


def test_a_viewer_of_the_bidder_may_not_object(scene):
    viewer = member_of(scene["loser"].provider, MemberRole.VIEWER)
    assert lodge(viewer, scene["loser"]).status_code == 403
    assert not Objection.objects.exists()


def test_another_organisation_finds_no_bid_to_object_on(scene):
    response = lodge(admin_of(ProviderFactory(verified=True)), scene["loser"])
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"}


# Resolving it.


@pytest.fixture
def objection(scene):
    loser = scene["loser"]
    return objection_lodge(actor=admin_of(loser.provider), bid=loser, reasons=REASONS)


def resolve(user, objection, **sent):
    return token_client(user).post(
        f"/api/objections/{objection.pk}/resolve/",
        {"seen_state": "pending", **sent},
        format="json",
    )


def test_the_officer_dismisses_the_objection_and_the_bidder_is_told(objection):
    officer = objection.decision.tender.created_by
    response = resolve(officer, objection, outcome="dismiss", reason="Certified too late.")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "dismissed"
    assert history(objection).get(action="dismiss").actor == officer
    assert OutboxMessage.objects.filter(event="tenders.objection_resolved").exists()


def test_the_officer_upholds_the_objection_and_the_award_is_set_aside(objection):
    officer = objection.decision.tender.created_by
    response = resolve(
        officer, objection, outcome="uphold", reason="The score was wrong.", remedy="reevaluate"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "upheld"
    assert AwardDecision.objects.get(pk=objection.decision_id).state == "set_aside"


def test_upholding_without_a_remedy_is_refused_in_turkmen(objection):
    officer = objection.decision.tender.created_by
    officer.language = "tk"
    officer.save(update_fields=["language"])
    response = resolve(officer, objection, outcome="uphold", reason="The score was wrong.")
    assert response.status_code == 400
    assert response.json()["errors"]["remedy"] == ["Düzediş çäresini saýlaň."]
    assert Objection.objects.get(pk=objection.pk).state == Objection.State.PENDING


def test_resolving_an_objection_read_in_another_state_is_a_conflict(objection):
    officer = objection.decision.tender.created_by
    response = resolve(
        officer, objection, outcome="dismiss", reason="Late.", seen_state="dismissed"
    )
    assert response.status_code == 409


def test_the_bidder_cannot_resolve_its_own_objection(objection):
    response = resolve(
        admin_of(objection.bid.provider), objection, outcome="dismiss", reason="Fine."
    )
    assert response.status_code == 404
    assert Objection.objects.get(pk=objection.pk).state == Objection.State.PENDING


@pytest.mark.parametrize("role", ["procurement_officer", "approver", "evaluator"])
def test_nobody_else_finds_the_objection(objection, role):
    client = token_client(UserFactory(**{role: True}))
    assert client.get(f"/api/objections/{objection.pk}/").status_code == 404
    response = client.post(
        f"/api/objections/{objection.pk}/resolve/",
        {"seen_state": "pending", "outcome": "dismiss", "reason": "No."},
        format="json",
    )
    assert response.status_code == 404
    assert "reasons" not in response.json()
