"""Opening an evaluation, naming the panel, and conflict-of-interest declarations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tenders.models import Declaration, Evaluation, PanelMember, ScoreSheet
from tenders.services.evaluation import (
    declaration_make,
    evaluation_create,
    panel_member_add,
    screening_decide,
)
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.tenders import (
    BidFactory,
    EvaluationFactory,
    PanelMemberFactory,
    TenderFactory,
    scoring_evaluation,
)
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    tender = TenderFactory(closed=True)
    BidFactory(tender=tender, submitted=True, complete=True)
    BidFactory(tender=tender, submitted=True, complete=True)
    return tender


def _open(tender, **kwargs):
    kwargs.setdefault("deadline", timezone.now() + timedelta(days=7))
    return evaluation_create(actor=tender.created_by, tender=tender, **kwargs)


# Opening the evaluation.


def test_the_officer_opens_the_evaluation_with_a_screening_per_opened_bid(tender):
    BidFactory(tender=tender, draft=True)
    evaluation = _open(tender)
    assert evaluation.state == Evaluation.State.SCREENING
    assert evaluation.min_evaluators == 3
    assert evaluation.standstill_days == 10
    assert evaluation.screenings.count() == 2
    assert history(evaluation).get(action="create").actor == tender.created_by


def test_settings_are_configurable_per_tender(tender):
    evaluation = _open(tender, min_evaluators=5, divergence_share="0.25", standstill_days=14)
    assert (evaluation.min_evaluators, str(evaluation.divergence_share)) == (5, "0.25")
    assert evaluation.standstill_days == 14


def test_fewer_than_three_evaluators_is_refused(tender):
    with pytest.raises(DomainError) as refused:
        _open(tender, min_evaluators=2)
    assert refused.value.field == "min_evaluators"
    assert not Evaluation.objects.exists()


def test_an_evaluation_before_the_bids_are_opened_is_refused():
    tender = TenderFactory(published=True)
    with pytest.raises(DomainError) as refused:
        _open(tender)
    assert refused.value.code == "not_allowed"


def test_another_officer_may_not_open_the_evaluation(tender):
    with pytest.raises(DomainError) as refused:
        evaluation_create(
            actor=UserFactory(procurement_officer=True),
            tender=tender,
            deadline=timezone.now() + timedelta(days=7),
        )
    assert refused.value.code == "forbidden"


def test_opening_twice_gives_the_same_evaluation(tender):
    first, second = _open(tender), _open(tender)
    assert first.pk == second.pk
    assert Evaluation.objects.count() == 1
    assert history(first).filter(action="create").count() == 1


def test_a_deadline_in_the_past_is_refused(tender):
    with pytest.raises(DomainError) as refused:
        _open(tender, deadline=timezone.now() - timedelta(minutes=1))
    assert refused.value.field == "deadline"


# Naming the panel.


@pytest.fixture
def evaluation(tender):
    return _open(tender)


def test_the_officer_names_an_evaluator_who_is_asked_to_declare(
    evaluation, django_capture_on_commit_callbacks
):
    person = UserFactory(evaluator=True)
    with django_capture_on_commit_callbacks() as callbacks:
        seat = panel_member_add(
            actor=evaluation.created_by, evaluation=evaluation, user=person, role="evaluator"
        )
        assert OutboxMessage.objects.filter(event="tenders.panel_appointed").count() == 2
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    assert callbacks
    assert seat.role == PanelMember.Role.EVALUATOR
    entry = history(evaluation).get(action="panel_member_added")
    assert entry.data == {"member": seat.pk, "user": person.pk, "role": "evaluator"}


def test_only_evaluators_sit_on_a_panel(evaluation):
    with pytest.raises(DomainError) as refused:
        panel_member_add(
            actor=evaluation.created_by,
            evaluation=evaluation,
            user=UserFactory(approver=True),
            role="evaluator",
        )
    assert refused.value.code == "not_evaluator"


def test_a_panel_has_one_chair(evaluation):
    PanelMemberFactory(evaluation=evaluation, chair=True)
    with pytest.raises(DomainError) as refused:
        panel_member_add(
            actor=evaluation.created_by,
            evaluation=evaluation,
            user=UserFactory(evaluator=True),
            role="chair",
        )
    assert refused.value.code == "chair_taken"


def test_another_officer_may_not_name_the_panel(evaluation):
    with pytest.raises(DomainError) as refused:
        panel_member_add(
            actor=UserFactory(procurement_officer=True),
            evaluation=evaluation,
            user=UserFactory(evaluator=True),
            role="evaluator",
        )
    assert refused.value.code == "forbidden"
    assert not PanelMember.objects.exists()


def test_naming_the_same_person_twice_makes_one_seat(evaluation):
    person = UserFactory(evaluator=True)
    for _ in range(2):
        panel_member_add(
            actor=evaluation.created_by, evaluation=evaluation, user=person, role="evaluator"
        )
    assert PanelMember.objects.filter(user=person).count() == 1
    assert history(evaluation).filter(action="panel_member_added").count() == 1


def test_no_one_is_named_to_a_completed_evaluation():
    evaluation = EvaluationFactory(completed=True)
    with pytest.raises(DomainError) as refused:
        panel_member_add(
            actor=evaluation.created_by,
            evaluation=evaluation,
            user=UserFactory(evaluator=True),
            role="evaluator",
        )
    assert refused.value.code == "panel_closed"


# Declarations.


@pytest.fixture
def member(evaluation):
    return PanelMemberFactory(evaluation=evaluation)


def test_a_no_conflict_declaration_names_the_tender_and_its_bidders(evaluation, member, tender):
    declaration = declaration_make(actor=member.user, evaluation=evaluation, has_conflict=False)
    providers = sorted(tender.bids.filter(state="submitted").values_list("provider", flat=True))
    assert {b["provider_id"] for b in declaration.bidders} == set(providers)
    entry = history(evaluation).get(action="coi_declared")
    assert entry.actor == member.user
    assert entry.data["has_conflict"] is False
    assert entry.data["bidders"] == providers
    member.refresh_from_db()
    assert member.recused_at is None


def test_a_declared_conflict_recuses_the_member_and_tells_the_officer(
    evaluation, member, tender, django_capture_on_commit_callbacks
):
    provider = tender.bids.first().provider_id
    with django_capture_on_commit_callbacks() as callbacks:
        declaration_make(
            actor=member.user,
            evaluation=evaluation,
            has_conflict=True,
            details="I sit on its board.",
            conflicted_providers=[provider],
        )
    assert callbacks
    member.refresh_from_db()
    assert member.recused_at is not None
    entry = history(evaluation).get(action="coi_declared")
    assert (entry.note, entry.data["conflicted_providers"]) == ("I sit on its board.", [provider])
    notice = OutboxMessage.objects.get(event="tenders.conflict_declared", channel="email")
    assert notice.recipient == tender.created_by


def test_a_conflict_needs_its_details(evaluation, member):
    with pytest.raises(DomainError) as refused:
        declaration_make(actor=member.user, evaluation=evaluation, has_conflict=True, details=" ")
    assert refused.value.field == "details"
    assert not Declaration.objects.exists()


def test_a_repeated_declaration_changes_nothing_and_a_different_one_is_refused(evaluation, member):
    first = declaration_make(actor=member.user, evaluation=evaluation, has_conflict=False)
    assert declaration_make(actor=member.user, evaluation=evaluation, has_conflict=False) == first
    with pytest.raises(DomainError) as refused:
        declaration_make(actor=member.user, evaluation=evaluation, has_conflict=True, details="x")
    assert refused.value.code == "already_declared"
    assert history(evaluation).filter(action="coi_declared").count() == 1


def test_someone_off_the_panel_may_not_declare(evaluation):
    with pytest.raises(DomainError) as refused:
        declaration_make(
            actor=UserFactory(evaluator=True), evaluation=evaluation, has_conflict=False
        )
    assert refused.value.code == "forbidden"


def test_a_replacement_named_during_scoring_gets_a_sheet_once_cleared():
    evaluation, *_rest = scoring_evaluation()
    person = UserFactory(evaluator=True)
    panel_member_add(
        actor=evaluation.created_by, evaluation=evaluation, user=person, role="evaluator"
    )
    assert not ScoreSheet.objects.filter(member__user=person).exists()
    declaration_make(actor=person, evaluation=evaluation, has_conflict=False)
    assert ScoreSheet.objects.filter(member__user=person, state="draft").exists()


# The gate: no bid content before a no-conflict declaration.


def test_an_evaluator_sees_no_bid_before_declaring_and_sees_it_after(
    client, evaluation, member, tender
):
    bid = tender.bids.filter(state="submitted").first()
    for screening in evaluation.screenings.all():
        screening_decide(
            actor=tender.created_by,
            screening=screening,
            decisions={line.pk: (True, "") for line in screening.lines.all()},
        )
    text = bid.sections.first().text
    document = bid.documents.first()
    sign_in(client, member.user)
    bid_url = reverse("tenders:evaluation_bid", args=[evaluation.pk, bid.pk])
    document_url = reverse(
        "tenders:evaluation_bid_document", args=[evaluation.pk, bid.pk, document.pk]
    )
    home = client.get(reverse("tenders:evaluation_home", args=[evaluation.pk]))
    assert home.status_code == 200 and text not in home.content.decode()
    assert client.get(bid_url).status_code == 404
    assert client.get(document_url).status_code == 404
    assert client.get(reverse("tenders:bid_detail", args=[bid.pk])).status_code == 404

    response = client.post(
        reverse("tenders:evaluation_declare", args=[evaluation.pk]), {"answer": "no"}
    )
    assert response.status_code == 302
    assert text in client.get(bid_url).content.decode()
    assert client.get(document_url).status_code == 200


def test_a_recused_member_never_sees_the_bids(client, evaluation, tender):
    member = PanelMemberFactory(evaluation=evaluation, conflicted=True)
    bid = tender.bids.filter(state="submitted").first()
    sign_in(client, member.user)
    assert (
        client.get(reverse("tenders:evaluation_bid", args=[evaluation.pk, bid.pk])).status_code
        == 404
    )
    page = client.get(reverse("tenders:evaluation_home", args=[evaluation.pk]))
    assert "recused" in page.content.decode()
