"""Reading evaluations and awards, scoped to who is asking: what a user may not see is a 404.

Two rules hold for every read here:

* conflict of interest: a panel member reads no bid until they have declared no conflict
  (``permissions_evaluation.cleared_seat``); the chair then reads every opened bid, an
  evaluator the eligible ones;
* blind scoring: until their own sheet is submitted, an evaluator sees no other evaluator's
  scores (``visible_sheets``). The chair sees submitted sheets; the officer and approvers see
  them once the evaluation is completed. Drafts are seen by their own evaluator only.
"""

from django.db.models import Prefetch
from django.http import Http404

from portal import permissions as portal_permissions
from providers.models import Membership
from tenders import permissions_evaluation as rules
from tenders.models import (
    AwardDecision,
    AwardLine,
    Bid,
    BidDocument,
    BidSection,
    BidStaff,
    Evaluation,
    Objection,
    ObjectionDocument,
    PanelMember,
    Score,
    ScoreSheet,
    Screening,
    Tender,
)
from tenders.services.evaluation.common import counted_sheets, submitted_bids, with_totals


def _or_404(value):
    if value is None:
        raise Http404
    return value


def officer_tender(user, tender_pk):
    """A closed (or later) tender ``user`` runs, with its evaluation if any, or Http404."""
    tender = Tender.objects.filter(pk=tender_pk).exclude(state=Tender.State.DRAFT).first()
    if tender is None or not rules.runs_tender(user, tender) or tender.closed_at is None:
        raise Http404
    return tender


def evaluation_of(tender):
    return Evaluation.objects.filter(tender=tender).select_related("tender").first()


def member_evaluation(user, pk):
    """An evaluation on whose panel ``user`` holds a seat (recused or not), or Http404."""
    if not rules.may_sit_on_panel(user):
        raise Http404
    return _or_404(
        Evaluation.objects.select_related("tender").filter(pk=pk, members__user=user).first()
    )


def seat_in(user, evaluation):
    """The user's seat, recused or not, or None."""
    return (
        PanelMember.objects.select_related("declaration")
        .filter(evaluation=evaluation, user=user)
        .first()
    )


def staff_evaluation(user, pk):
    """An evaluation the user works on: its officer or a panel member; else Http404."""
    evaluation = _or_404(Evaluation.objects.select_related("tender").filter(pk=pk).first())
    if rules.runs_tender(user, evaluation.tender) or rules.seat_of(user, evaluation):
        return evaluation
    raise Http404


def report_evaluation(user, pk):
    """A completed evaluation whose report ``user`` may read, or Http404."""
    evaluation = _or_404(Evaluation.objects.select_related("tender").filter(pk=pk).first())
    if not rules.can_read_report(user, evaluation):
        raise Http404
    return evaluation


def my_seats(user):
    """The user's panel seats, newest evaluation first."""
    if not rules.may_sit_on_panel(user):
        return PanelMember.objects.none()
    return (
        PanelMember.objects.filter(user=user)
        .select_related("evaluation__tender", "declaration", "sheet")
        .order_by("-evaluation__created_at", "-id")
    )


def panel_bids(user, evaluation):
    """The opened bids a cleared member reads: all for the chair, the eligible ones for an
    evaluator; none before a no-conflict declaration."""
    seat = rules.cleared_seat(user, evaluation)
    if seat is None:
        return Bid.objects.none()
    bids = submitted_bids(evaluation.tender_id)
    if seat.role == PanelMember.Role.CHAIR:
        return bids
    return bids.filter(screening__evaluation=evaluation, screening__eligible=True)


def panel_bid(user, evaluation, bid_pk):
    """One bid a cleared member reads, with everything its page shows, or Http404."""
    return _or_404(
        panel_bids(user, evaluation)
        .prefetch_related(
            Prefetch("sections", queryset=BidSection.objects.select_related("criterion")),
            Prefetch("staff", queryset=BidStaff.objects.select_related("staff_member")),
            "budget_lines",
            "documents",
        )
        .filter(pk=bid_pk)
        .first()
    )


def panel_bid_document(user, evaluation, bid_pk, document_pk):
    bid = panel_bid(user, evaluation, bid_pk)
    return _or_404(BidDocument.objects.filter(bid=bid, pk=document_pk).first())


def screening_for(user, evaluation, bid_pk):
    """The screening of a bid, for the officer or the cleared chair, or Http404."""
    if not rules.can_screen(user, evaluation):
        raise Http404
    return _or_404(
        Screening.objects.select_related("bid__provider")
        .prefetch_related("lines")
        .filter(evaluation=evaluation, bid_id=bid_pk)
        .first()
    )


def screenings_of(evaluation):
    return (
        Screening.objects.filter(evaluation=evaluation)
        .select_related("bid__provider", "decided_by")
        .prefetch_related("lines")
    )


def own_sheet(user, evaluation):
    """The cleared evaluator's own sheet, or Http404."""
    seat = rules.cleared_seat(user, evaluation)
    if seat is None or seat.role != PanelMember.Role.EVALUATOR:
        raise Http404
    return _or_404(ScoreSheet.objects.filter(member=seat).first())


def may_see_panel_scores(user, evaluation):
    """Whether the user sees other evaluators' submitted scores now (the blind rule)."""
    seat = rules.cleared_seat(user, evaluation)
    if seat is not None and seat.role == PanelMember.Role.CHAIR:
        return True
    if seat is not None:
        return ScoreSheet.objects.filter(member=seat, state=ScoreSheet.State.SUBMITTED).exists()
    return rules.can_read_report(user, evaluation)


def visible_sheets(user, evaluation):
    """The submitted sheets the user may read now (see the module's blind rule)."""
    if not may_see_panel_scores(user, evaluation):
        return ScoreSheet.objects.none()
    return counted_sheets(evaluation).select_related("member__user")


def visible_scores(user, evaluation):
    """The scores of ``visible_sheets``, with their bids and criteria."""
    return Score.objects.filter(sheet__in=visible_sheets(user, evaluation)).select_related(
        "sheet__member__user", "criterion", "bid__provider"
    )


def sheet_for_chair(user, evaluation, sheet_pk):
    """A submitted sheet of the panel, for the cleared chair, or Http404."""
    if not rules.is_cleared_chair(user, evaluation):
        raise Http404
    return _or_404(
        ScoreSheet.objects.select_related("member__user")
        .filter(evaluation=evaluation, pk=sheet_pk)
        .first()
    )


# Awards.


def decisions_for_approver(user):
    if not portal_permissions.is_approver(user):
        return AwardDecision.objects.none()
    return AwardDecision.objects.select_related("tender").order_by("-proposed_at", "-id")


def decision_for(user, pk):
    """An award decision for an approver or the tender's officer, or Http404."""
    decision = _or_404(
        AwardDecision.objects.select_related("tender", "evaluation", "proposed_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if portal_permissions.is_approver(user) or rules.runs_tender(user, decision.tender):
        return decision
    raise Http404


def decision_lines(decision):
    return AwardLine.objects.filter(decision=decision).select_related("bid__provider")


def live_decision(tender):
    return (
        AwardDecision.objects.filter(tender=tender, state__in=AwardDecision.LIVE_STATES)
        .select_related("tender")
        .first()
    )


def objection_for_officer(user, pk):
    objection = _or_404(
        Objection.objects.select_related("decision__tender", "bid__provider", "lodged_by")
        .prefetch_related("documents")
        .filter(pk=pk)
        .first()
    )
    if not rules.can_resolve_objection(user, objection.decision):
        raise Http404
    return objection


def objection_document_for(user, objection_pk, document_pk):
    """A document of an objection, for the officer or the objecting organisation, or Http404."""
    document = _or_404(
        ObjectionDocument.objects.select_related("objection__decision__tender", "objection__bid")
        .filter(pk=document_pk, objection_id=objection_pk)
        .first()
    )
    objection = document.objection
    own = Membership.objects.filter(user=user, provider_id=objection.bid.provider_id).exists()
    if own or rules.can_resolve_objection(user, objection.decision):
        return document
    raise Http404


def own_bid(user, bid_pk):
    """A bid of the user's organisation, with its tender, or Http404."""
    if not user.is_authenticated:
        raise Http404
    return _or_404(
        with_totals(Bid.objects.filter(provider__memberships__user=user))
        .select_related("tender", "provider")
        .filter(pk=bid_pk)
        .first()
    )


def outcome_line(bid):
    """The bid's line in the newest approved, final or set-aside decision, or None."""
    return (
        AwardLine.objects.filter(
            bid=bid,
            decision__state__in=[
                AwardDecision.State.APPROVED,
                AwardDecision.State.FINAL,
                AwardDecision.State.SET_ASIDE,
            ],
        )
        .select_related("decision")
        .order_by("-decision__proposed_at", "-decision_id")
        .first()
    )


def public_award(tender_pk):
    """An awarded tender's final decision and its winning lines, or Http404."""
    decision = _or_404(
        AwardDecision.objects.select_related("tender")
        .filter(
            tender_id=tender_pk,
            tender__state=Tender.State.AWARDED,
            state=AwardDecision.State.FINAL,
        )
        .first()
    )
    winners = decision.lines.filter(outcome=AwardLine.Outcome.AWARDED).select_related(
        "bid__provider"
    )
    return decision, list(winners)
