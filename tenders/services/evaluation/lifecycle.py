"""Moving an evaluation along: start scoring, complete, reopen, or end without a winner."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders import permissions_evaluation as rules
from tenders.models import Declaration, Evaluation, PanelMember, ScoreSheet, Screening
from tenders.services.bid_notices import bid_editors
from tenders.services.evaluation.common import (
    active_members,
    counted_sheets,
    evaluation_context,
    locked,
    missing_sheets,
    panel_url,
    report_url,
    sheet_url,
    sitting_chair,
    submitted_bids,
)
from tenders.services.evaluation.results import evaluation_results, proposal, unmoderated
from tenders.services.evaluation.scoring import returned_notices
from tenders.services.tender import notice_context, public_url
from workflows import runner
from workflows.errors import DomainError, interpolate_lazy
from workflows.outbox import Notice

NO_ELIGIBLE_BID = "no_eligible_bid"
NONE_ABOVE_MINIMUM = "none_above_minimum"
NONE_AWARDABLE = "none_awardable"
# Why a tender ended without award, by the code kept on the evaluation.
END_REASONS = {
    NO_ELIGIBLE_BID: _("No bid passed the eligibility screening."),
    NONE_ABOVE_MINIMUM: _("No bid reached the minimum technical score."),
    NONE_AWARDABLE: _("No remaining bid can be awarded."),
}


def evaluation_start_scoring(*, actor, evaluation, deadline=None, seen_state=None):
    """Start scoring (screening -> scoring) and return the evaluation.

    The tender's officer only, once every opened bid is screened, at least one is eligible,
    the panel has a chair and at least ``min_evaluators`` evaluators, and every member still
    on it has declared no conflict of interest. ``deadline`` replaces the evaluation deadline
    (needed when it has passed, as after a reopening). Gives each evaluator a score sheet
    (sheets reopened after an objection keep their scores) and tells the panel. A repeat is a
    no-op.
    """
    now = timezone.now()

    def check(row):
        due = deadline or row.deadline
        if due <= now:
            raise DomainError(
                "deadline_past",
                _("The evaluation deadline must be in the future."),
                field="deadline",
            )
        problems = scoring_blockers(row)
        if problems:
            raise DomainError("not_ready", problems[0])

    with transaction.atomic():
        row = runner.apply(
            evaluation,
            "start_scoring",
            actor=actor,
            seen_state=seen_state,
            permission=rules.can_form_panel,
            check=check,
            notify=_scoring_notices,
            now=now,
            deadline=deadline,
        )
        for member in active_members(row, PanelMember.Role.EVALUATOR):
            ScoreSheet.objects.get_or_create(evaluation=row, member=member)
    return row


def scoring_blockers(evaluation):
    """Why scoring cannot start yet, in the reader's language; empty when it can."""
    problems = []
    screenings = Screening.objects.filter(evaluation=evaluation)
    if screenings.filter(eligible__isnull=True).exists():
        problems.append(_("Confirm the eligibility screening of every bid."))
    elif not screenings.filter(eligible=True).exists():
        problems.append(_("No bid is eligible: end the tender without award."))
    members = active_members(evaluation)
    if sitting_chair(evaluation) is None:
        problems.append(_("Name the chair of the panel."))
    evaluators = members.filter(role=PanelMember.Role.EVALUATOR).count()
    if evaluators < evaluation.min_evaluators:
        problems.append(
            interpolate_lazy(
                _("Name at least %(count)s evaluators; the panel has %(named)s."),
                {"count": evaluation.min_evaluators, "named": evaluators},
            )
        )
    declared = Declaration.objects.filter(member__in=members).count()
    if declared < members.count():
        problems.append(_("Every member must declare their interests first."))
    return problems


def evaluation_complete(*, actor, evaluation, seen_state=None):
    """Complete the evaluation (scoring -> completed) and return it.

    The cleared chair only, when every evaluator on the panel has submitted their sheet (at
    least ``min_evaluators``) and every divergence flag has a moderation note. Writes the
    ranking into the audit entry and tells the officer and the panel that the report is ready.
    A repeat is a no-op.
    """

    def check(row):
        problems = completion_blockers(row)
        if problems:
            raise DomainError("not_ready", problems[0])

    with transaction.atomic():
        # Locked first, so the ranking recorded is the one the checks see.
        locked(Evaluation, evaluation.pk)
        ranking = [
            {"bid": r.bid_id, "rank": r.rank, "total": str(r.total)}
            for r in evaluation_results(evaluation)
        ]
        return runner.apply(
            evaluation,
            "complete",
            actor=actor,
            seen_state=seen_state,
            permission=rules.is_cleared_chair,
            check=check,
            notify=_completed_notices,
            data={"ranking": ranking},
            now=timezone.now(),
        )


def completion_blockers(evaluation):
    """Why the evaluation cannot be completed yet; empty when it can."""
    problems = []
    if missing_sheets(evaluation).exists():
        problems.append(_("Every evaluator must submit their score sheet."))
    if counted_sheets(evaluation).count() < evaluation.min_evaluators:
        problems.append(
            interpolate_lazy(
                _("At least %(count)s submitted score sheets are needed."),
                {"count": evaluation.min_evaluators},
            )
        )
    if unmoderated(evaluation):
        problems.append(_("Write a moderation note for every divergent score."))
    return problems


def unsuccessful_reason(evaluation):
    """Why the tender must end without award, or "" when it need not."""
    if evaluation.state == Evaluation.State.SCREENING:
        screenings = Screening.objects.filter(evaluation=evaluation)
        decided = not screenings.filter(eligible__isnull=True).exists()
        if decided and not screenings.filter(eligible=True).exists():
            return NO_ELIGIBLE_BID
    live = evaluation.award_decisions.filter(state__in=["proposed", "approved", "final"])
    if evaluation.state == Evaluation.State.COMPLETED and not live.exists():
        results = evaluation_results(evaluation)
        if not any(result.passes_minimum for result in results):
            return NONE_ABOVE_MINIMUM
        if not proposal(evaluation, results):
            return NONE_AWARDABLE
    return ""


def evaluation_end_unsuccessful(*, actor, evaluation, seen_state=None):
    """End the evaluation and its tender unsuccessful, and return the evaluation.

    The tender's officer only, when screening found no eligible bid, or the completed
    evaluation (with no live award decision) has no bid at or above the minimum technical
    score, or none that can still be awarded. The tender goes closed ->
    unsuccessful (``tender.end_unsuccessful``); every bidder, the officer and the panel are
    told. A repeat is a no-op.
    """
    reason = unsuccessful_reason(evaluation)

    def check(row):
        if not unsuccessful_reason(row):
            raise DomainError(
                "award_possible", _("A bid can still be awarded: the tender cannot end so.")
            )

    with transaction.atomic():
        row = runner.apply(
            evaluation,
            "end_unsuccessful",
            actor=actor,
            seen_state=seen_state,
            note=reason,
            permission=rules.can_form_panel,
            check=check,
            reason=reason,
        )
        runner.apply(
            row.tender,
            "end_unsuccessful",
            actor=actor,
            note=reason,
            notify=lambda tender, entry: _unsuccessful_notices(row, tender),
        )
    return row


def evaluation_reopen(*, actor, evaluation, reason):
    """Reopen a completed evaluation after an upheld objection (completed -> screening).

    Called by the award services inside their transaction. Every submitted sheet returns to
    its evaluator as a draft with ``reason``; the screening may be revised, then the officer
    starts scoring again. The panel is told.
    """
    with transaction.atomic():
        row = runner.apply(
            evaluation,
            "reopen",
            actor=actor,
            note=reason,
            notify=_reopened_notices,
            reason=reason,
        )
        for sheet in ScoreSheet.objects.filter(evaluation=row, state=ScoreSheet.State.SUBMITTED):
            runner.apply(
                sheet,
                "return_for_revision",
                actor=actor,
                note=reason,
                notify=returned_notices,
                reason=reason,
                now=timezone.now(),
            )
    return row


def _scoring_notices(row, entry):
    members = tuple(member.user for member in active_members(row))
    return [Notice("tenders.scoring_started", members, evaluation_context(row), sheet_url(row))]


def _completed_notices(row, entry):
    people = (row.tender.created_by, *(member.user for member in active_members(row)))
    return [
        Notice("tenders.evaluation_completed", people, evaluation_context(row), report_url(row))
    ]


def _reopened_notices(row, entry):
    people = (row.tender.created_by, *(member.user for member in active_members(row)))
    context = {**evaluation_context(row), "reason": row.reopen_reason}
    return [Notice("tenders.evaluation_reopened", people, context, panel_url(row))]


def _unsuccessful_notices(evaluation, tender):
    people = [tender.created_by, *(member.user for member in active_members(evaluation))]
    for bid in submitted_bids(tender):
        people += bid_editors(bid.provider_id)
    context = {**notice_context(tender), "reason_code": evaluation.end_reason}
    return [Notice("tenders.evaluation_unsuccessful", tuple(people), context, public_url(tender))]
