"""Every form of the tenders app survives generated input: tenders, questions, bids, the
evaluation panel and the award."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tenders.forms.bid import (
    BidDocumentForm,
    BudgetLineForm,
    ProposalForm,
    SeenStateForm,
    StaffForm,
)
from tenders.forms.clarification import AnswerForm, QuestionForm
from tenders.forms.committee import CommitteeForm, PassphraseForm
from tenders.forms.evaluation import (
    DeclarationForm,
    EvaluationForm,
    InviteEvaluatorForm,
    ModerationForm,
    PanelMemberForm,
    ReplaceMemberForm,
    ReturnSheetForm,
    ScreeningForm,
    SeenEvaluationForm,
    SeenSheetForm,
    SheetForm,
    StartScoringForm,
)
from tenders.forms.evaluation_award import (
    ObjectionForm,
    ResolveObjectionForm,
    SeenDecisionForm,
    SendBackForm,
)
from tenders.forms.tender import AmendmentForm, CancelForm, CriterionForm, TenderForm
from tenders.models import ScoreSheet
from tenders.services.award.decision import award_approve, award_propose
from tenders.services.award.objection import objection_lodge
from tenders.services.evaluation import evaluation_create, screening_decide
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, StaffMemberFactory, admin_of
from tests.factories.tenders import (
    BidFactory,
    ClarificationFactory,
    EvaluationFactory,
    PanelMemberFactory,
    TenderFactory,
    completed_evaluation,
    days_from_now,
    evaluation_of,
    score_all,
    scoring_evaluation,
)
from tests.properties.engine import Endpoint, Scene, profile
from tests.properties.strategies import post_data


def page(name, **kwargs):
    return reverse(name, kwargs=kwargs)


def officer_tender(**traits):
    def scene():
        tender = TenderFactory(**traits)
        return Scene(tender.created_by, {"pk": tender.pk})

    return scene


def create_scene():
    return Scene(UserFactory(procurement_officer=True))


def passphrase_scene():
    return Scene(UserFactory(evaluator=True))


def publish_scene():
    tender = TenderFactory()
    return Scene(
        tender.created_by, {"pk": tender.pk}, page=page("tenders:manage_detail", pk=tender.pk)
    )


def ask_scene():
    tender = TenderFactory(published=True)
    user = admin_of(ProviderFactory(verified=True))
    return Scene(user, {"pk": tender.pk}, page=page("tenders:detail", pk=tender.pk))


def answer_scene():
    question = ClarificationFactory()
    return Scene(
        question.tender.created_by,
        {"pk": question.pk},
        page=page("tenders:questions", pk=question.tender_id),
    )


def bid_start_scene():
    tender = TenderFactory(published=True)
    user = admin_of(ProviderFactory(verified=True))
    return Scene(user, {"tender_pk": tender.pk}, page=page("tenders:detail", pk=tender.pk))


def draft_bid(part=None, *, complete=False):
    """A draft bid of an organisation with trained staff, posted to by its admin."""

    def scene():
        bid = BidFactory(complete=complete)
        StaffMemberFactory(provider=bid.provider, trained=True)
        kwargs = {"pk": bid.pk}
        form_page = None
        if part == "staff":
            kwargs["staff_pk"] = bid.staff.first().staff_member_id
            form_page = page("tenders:bid_staff", pk=bid.pk)
        elif part == "line":
            kwargs["line_pk"] = bid.budget_lines.first().pk
            form_page = page("tenders:bid_budget", pk=bid.pk)
        elif part == "document":
            kwargs["document_pk"] = bid.documents.first().pk
            form_page = page("tenders:bid_documents", pk=bid.pk)
        return Scene(admin_of(bid.provider), kwargs, page=form_page)

    return scene


def withdraw_scene():
    bid = BidFactory(submitted=True)
    return Scene(admin_of(bid.provider), {"pk": bid.pk}, page=page("tenders:bid_detail", pk=bid.pk))


def reconfirm_scene():
    bid = BidFactory(submitted=True, needs_reconfirmation=True)
    return Scene(admin_of(bid.provider), {"pk": bid.pk}, page=page("tenders:bid_detail", pk=bid.pk))


def manage_scene():
    tender = TenderFactory(closed=True)
    BidFactory(tender=tender, submitted=True)
    return Scene(tender.created_by, {"tender_pk": tender.pk})


def screened(action):
    """An evaluation whose bids are screened, posted to by its officer from the manage page."""

    def scene():
        evaluation = _nothing_eligible() if action == "end" else _evaluation_of()[0]
        kwargs = (
            {"tender_pk": evaluation.tender_id} if action == "member" else {"pk": evaluation.pk}
        )
        return Scene(
            evaluation.created_by,
            kwargs,
            page=page("tenders:evaluation_manage", tender_pk=evaluation.tender_id),
        )

    return scene


def recused_scene():
    """A screened evaluation with a member who declared a conflict, and an evaluator free to
    take the seat, posted to by its officer from the manage page."""
    evaluation = EvaluationFactory(tender=TenderFactory(closed=True), screening=True)
    PanelMemberFactory(evaluation=evaluation, conflicted=True)
    UserFactory(evaluator=True)
    return Scene(
        evaluation.created_by,
        {"tender_pk": evaluation.tender_id},
        page=page("tenders:evaluation_manage", tender_pk=evaluation.tender_id),
    )


def _nothing_eligible():
    """An evaluation whose only bid was screened out, so the tender can end without award."""
    tender = TenderFactory(closed=True)
    BidFactory(tender=tender, submitted=True)
    evaluation = evaluation_create(
        actor=tender.created_by, tender=tender, deadline=days_from_now(7)
    )
    for screening in evaluation.screenings.all():
        screening_decide(
            actor=tender.created_by,
            screening=screening,
            decisions={
                line.pk: (False, "The charter is missing.") for line in screening.lines.all()
            },
        )
    return evaluation


def _evaluation_of():
    result = evaluation_of()
    UserFactory(evaluator=True)
    return result


def screening_scene():
    tender = TenderFactory(closed=True)
    bid = BidFactory(tender=tender, submitted=True)
    evaluation = evaluation_create(
        actor=tender.created_by, tender=tender, deadline=days_from_now(7)
    )
    return Scene(tender.created_by, {"pk": evaluation.pk, "bid_pk": bid.pk})


def declare_scene():
    evaluation, _chair, _members, _bids = _evaluation_of()
    member = PanelMemberFactory(evaluation=evaluation)
    return Scene(member.user, {"pk": evaluation.pk})


def sheet_scene(submit=False):
    def scene():
        evaluation, _chair, members, bids = scoring_evaluation()
        if submit:
            score_all(evaluation, {members[0]: {bid: [7, 6] for bid in bids}}, submit=False)
        return Scene(
            members[0],
            {"pk": evaluation.pk},
            page=page("tenders:evaluation_sheet", pk=evaluation.pk) if submit else None,
        )

    return scene


def sheet_return_scene():
    evaluation, chair, members, bids = scoring_evaluation()
    score_all(evaluation, {members[0]: {bid: [7, 6] for bid in bids}})
    sheet = ScoreSheet.objects.get(evaluation=evaluation, member__user=members[0])
    return Scene(chair, {"pk": evaluation.pk, "sheet_pk": sheet.pk})


def moderation_scene():
    evaluation, chair, members, bids = scoring_evaluation()
    score_all(
        evaluation,
        {
            members[0]: {bid: [10, 10] for bid in bids},
            members[1]: {bid: [0, 0] for bid in bids},
            members[2]: {bid: [5, 5] for bid in bids},
        },
    )
    criterion = evaluation.tender.criteria.first()
    return Scene(chair, {"pk": evaluation.pk, "bid_pk": bids[0].pk, "criterion_pk": criterion.pk})


def complete_scene():
    evaluation, chair, members, bids = scoring_evaluation()
    score_all(evaluation, {member: {bid: [7, 6] for bid in bids} for member in members})
    return Scene(
        chair, {"pk": evaluation.pk}, page=page("tenders:evaluation_home", pk=evaluation.pk)
    )


def completed(name):
    def scene():
        evaluation, *_rest = completed_evaluation()
        form_page = (
            page("tenders:evaluation_report", pk=evaluation.pk)
            if "report" in name
            else page("tenders:evaluation_manage", tender_pk=evaluation.tender_id)
        )
        return Scene(evaluation.created_by, {"pk": evaluation.pk}, page=form_page)

    return scene


def proposed(own_page):
    def scene():
        evaluation, *_rest = completed_evaluation()
        decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
        approver = UserFactory(approver=True)
        return Scene(
            approver,
            {"pk": decision.pk},
            page=None if own_page else page("tenders:award_decision", pk=decision.pk),
        )

    return scene


def _approved():
    evaluation, _chair, _members, (winner, loser) = completed_evaluation(points=[9, 7])
    decision = award_propose(actor=evaluation.created_by, evaluation=evaluation)
    decision = award_approve(actor=UserFactory(approver=True), decision=decision)
    return evaluation, decision, loser


def outcome_scene():
    _evaluation, _decision, loser = _approved()
    return Scene(admin_of(loser.provider), {"bid_pk": loser.pk})


def objection_scene():
    evaluation, _decision, loser = _approved()
    objection = objection_lodge(actor=admin_of(loser.provider), bid=loser, reasons="Unfair.")
    return Scene(evaluation.created_by, {"pk": objection.pk})


TENDER = (TenderForm, CriterionForm)
ENDPOINTS = [
    Endpoint("tenders:create", create_scene, TENDER),
    Endpoint("tenders:edit", officer_tender(), TENDER),
    Endpoint("tenders:publish", publish_scene),
    Endpoint("tenders:committee", officer_tender(), (CommitteeForm,)),
    Endpoint("tenders:opening_passphrase", passphrase_scene, (PassphraseForm,)),
    Endpoint("tenders:cancel", officer_tender(published=True), (CancelForm,)),
    Endpoint("tenders:amend", officer_tender(published=True), (AmendmentForm,)),
    Endpoint("tenders:ask", ask_scene, (QuestionForm,)),
    Endpoint("tenders:answer", answer_scene, (AnswerForm,)),
    Endpoint("tenders:bid_start", bid_start_scene),
    Endpoint("tenders:bid_proposal", draft_bid(), (ProposalForm,)),
    Endpoint("tenders:bid_staff", draft_bid(), (StaffForm,)),
    Endpoint("tenders:bid_staff_remove", draft_bid("staff", complete=True), (SeenStateForm,)),
    Endpoint("tenders:bid_budget", draft_bid(), (BudgetLineForm,)),
    Endpoint("tenders:bid_budget_remove", draft_bid("line", complete=True), (SeenStateForm,)),
    Endpoint("tenders:bid_documents", draft_bid(), (BidDocumentForm,)),
    Endpoint("tenders:bid_document_remove", draft_bid("document", complete=True), (SeenStateForm,)),
    Endpoint("tenders:bid_submit", draft_bid(complete=True), (SeenStateForm,)),
    Endpoint("tenders:bid_withdraw", withdraw_scene, (SeenStateForm,)),
    Endpoint("tenders:bid_reconfirm", reconfirm_scene, (SeenStateForm,)),
    Endpoint("tenders:evaluation_manage", manage_scene, (EvaluationForm,)),
    Endpoint("tenders:evaluation_member_add", screened("member"), (PanelMemberForm,)),
    Endpoint("tenders:evaluation_member_replace", recused_scene, (ReplaceMemberForm,)),
    Endpoint("tenders:evaluation_member_invite", recused_scene, (InviteEvaluatorForm,)),
    Endpoint("tenders:evaluation_start", screened("start"), (StartScoringForm,)),
    Endpoint("tenders:evaluation_end", screened("end"), (SeenEvaluationForm,)),
    Endpoint("tenders:evaluation_screening", screening_scene, (ScreeningForm,)),
    Endpoint("tenders:evaluation_declare", declare_scene, (DeclarationForm,)),
    Endpoint("tenders:evaluation_sheet", sheet_scene(), (SheetForm,)),
    Endpoint("tenders:evaluation_sheet_submit", sheet_scene(submit=True), (SeenSheetForm,)),
    Endpoint("tenders:evaluation_sheet_return", sheet_return_scene, (ReturnSheetForm,)),
    Endpoint("tenders:evaluation_moderation", moderation_scene, (ModerationForm,)),
    Endpoint("tenders:evaluation_complete", complete_scene, (SeenEvaluationForm,)),
    Endpoint("tenders:evaluation_report_pdf", completed("report")),
    Endpoint("tenders:evaluation_report_xlsx", completed("report")),
    Endpoint("tenders:award_propose", completed("propose")),
    Endpoint("tenders:award_approve", proposed(own_page=False), (SeenDecisionForm,)),
    Endpoint("tenders:award_send_back", proposed(own_page=True), (SendBackForm,)),
    Endpoint("tenders:bid_outcome", outcome_scene, (ObjectionForm,)),
    Endpoint("tenders:objection", objection_scene, (ResolveObjectionForm,)),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@profile()
@given(data=st.data())
def test_a_tenders_form_never_fails_and_a_refusal_changes_nothing(target, data):
    target.send(data.draw(post_data(target.form, target.fields)))
