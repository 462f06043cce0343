"""Score sheets: drafts, submission, return for revision, and the chair's moderation notes."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders import permissions_evaluation as rules
from tenders.models import Evaluation, ModerationNote, Score, ScoreSheet
from tenders.services.evaluation.common import (
    eligible_bids,
    evaluation_context,
    locked,
    missing_sheets,
    panel_url,
    reason_required,
    required_text,
    sheet_url,
    sitting_chair,
)
from tenders.services.evaluation.results import divergences
from tenders.services.fingerprints import check_sheet_seen
from workflows import audit, runner
from workflows.errors import DomainError, forbidden, interpolate_lazy, not_allowed
from workflows.outbox import Notice

MAX_JUSTIFICATION = 5000


def sheet_save(*, actor, sheet, entries):
    """Save draft scores on the actor's own sheet and return the sheet.

    ``entries`` maps ``(bid_id, criterion_id)`` to ``(points or None, justification)``, for
    eligible bids and the tender's criteria only. Points run from 0 to the criterion's maximum,
    whole or with one decimal. Blank entries may stay blank in a draft. Refused once the sheet
    is submitted (it is locked) or when the evaluation is not scoring. Saving the same values
    again changes nothing. Drafts are private to their evaluator and write no audit entry.
    """
    with transaction.atomic():
        evaluation = locked(Evaluation, sheet.evaluation_id)
        row = locked(ScoreSheet, sheet.pk)
        _check_own(actor, evaluation, row)
        if evaluation.state != Evaluation.State.SCORING:
            raise not_allowed(evaluation.get_state_display())
        if row.state != ScoreSheet.State.DRAFT:
            raise DomainError("sheet_locked", _("A submitted score sheet cannot be changed."))
        bids = set(eligible_bids(evaluation).values_list("pk", flat=True))
        criteria = {c.pk: c for c in evaluation.tender.criteria.all()}
        existing = {(s.bid_id, s.criterion_id): s for s in row.scores.all()}
        for (bid_id, criterion_id), (points, justification) in entries.items():
            if bid_id not in bids or criterion_id not in criteria:
                raise DomainError("not_scored", _("Only eligible bids are scored."))
            points = clean_points(points, criteria[criterion_id], f"points_{bid_id}_{criterion_id}")
            justification = (justification or "").strip()[:MAX_JUSTIFICATION]
            score = existing.get((bid_id, criterion_id))
            if score is None and points is None and not justification:
                continue
            if score is None:
                Score.objects.create(
                    sheet=row,
                    bid_id=bid_id,
                    criterion_id=criterion_id,
                    points=points,
                    justification=justification,
                )
            elif (score.points, score.justification) != (points, justification):
                score.points, score.justification = points, justification
                score.save(update_fields=["points", "justification", "updated_at"])
    return row


def clean_points(points, criterion, field):
    """``points`` as a Decimal within 0..max_points with at most one decimal, or None."""
    if points in (None, ""):
        return None
    try:
        value = Decimal(str(points))
    except InvalidOperation:
        value = None
    if (
        value is None
        or not value.is_finite()
        or value < 0
        or value > criterion.max_points
        or value != value.quantize(Decimal("0.1"))
    ):
        raise DomainError(
            "points_invalid",
            interpolate_lazy(
                _("Give from 0 to %(max)s points, whole or with one decimal."),
                {"max": criterion.max_points},
            ),
            field=field,
        )
    return value.quantize(Decimal("0.1"))


def sheet_submit(*, actor, sheet, seen=None, seen_state=None):
    """Submit the actor's own complete sheet (draft -> submitted); it is then locked.

    ``seen`` is the fingerprint of the sheet as its page showed it
    (``fingerprints.sheet_fingerprint``): scores saved since (in another tab) refuse the
    submission as ``stale``, naming what changed, and nothing changes. ``None`` (the default)
    is for callers that show no page, such as demo loading; a page passes the text it
    received, so a missing or forged fingerprint is refused the same way.

    Every eligible bid needs points and a written justification on every criterion. A sheet is
    still accepted after the evaluation deadline (the officer has been told it is late).
    Writes the audit entry; when this is the last sheet missing, tells the chair that all are
    in. A repeat is a no-op.
    """

    def check(row):
        evaluation = row.evaluation
        if evaluation.state != Evaluation.State.SCORING:
            raise not_allowed(evaluation.get_state_display())
        check_sheet_seen(row, seen)
        missing = incomplete_entries(row)
        if missing:
            raise DomainError(
                "incomplete",
                interpolate_lazy(
                    _(
                        "Give points and a written justification for every bid on every "
                        "criterion; %(count)s are missing."
                    ),
                    {"count": len(missing)},
                ),
            )

    def notify(row, entry):
        evaluation = row.evaluation
        if missing_sheets(evaluation).exists():
            return []
        chair = sitting_chair(evaluation)
        return [
            Notice(
                "tenders.sheets_complete",
                (chair.user,) if chair else (),
                evaluation_context(evaluation),
                panel_url(evaluation),
            )
        ]

    return runner.apply(
        sheet,
        "submit",
        actor=actor,
        seen_state=seen_state,
        permission=lambda user, row: _is_own(user, row),
        check=check,
        notify=notify,
        now=timezone.now(),
    )


def incomplete_entries(sheet):
    """``(bid_id, criterion_id)`` pairs of the sheet still lacking points or justification."""
    complete = {
        (score.bid_id, score.criterion_id) for score in sheet.scores.all() if score.is_complete
    }
    criteria = list(sheet.evaluation.tender.criteria.values_list("pk", flat=True))
    return [
        (bid_id, criterion_id)
        for bid_id in eligible_bids(sheet.evaluation).values_list("pk", flat=True)
        for criterion_id in criteria
        if (bid_id, criterion_id) not in complete
    ]


def sheet_return(*, actor, sheet, reason, seen_state=None):
    """Return a submitted sheet to its evaluator for revision (submitted -> draft).

    The cleared chair only, while the evaluation is scoring; ``reason`` is required and shown
    to the evaluator, who is told. A repeat is a no-op.
    """
    reason = reason_required(reason)

    def check(row):
        if row.evaluation.state != Evaluation.State.SCORING:
            raise not_allowed(row.evaluation.get_state_display())

    return runner.apply(
        sheet,
        "return_for_revision",
        actor=actor,
        seen_state=seen_state,
        note=reason,
        permission=lambda user, row: rules.is_cleared_chair(user, row.evaluation),
        check=check,
        notify=returned_notices,
        reason=reason,
        now=timezone.now(),
    )


def returned_notices(row, entry):
    evaluation = row.evaluation
    return [
        Notice(
            "tenders.sheet_returned",
            (row.member.user,),
            {**evaluation_context(evaluation), "reason": row.returned_reason},
            sheet_url(evaluation),
        )
    ]


def moderation_note_save(*, actor, evaluation, bid_id, criterion_id, note):
    """Record (or rewrite) the chair's note on a flagged ``(bid, criterion)`` and return it.

    The cleared chair only, while scoring, and only for a pair flagged as divergent in the
    submitted sheets. Writes the audit entry ``moderation_note``; the same note again changes
    nothing.
    """
    note = required_text(
        note, code="note_required", message=_("Write the moderation note."), field="note"
    )
    with transaction.atomic():
        row = locked(Evaluation, evaluation.pk)
        if not rules.is_cleared_chair(actor, row):
            raise forbidden()
        if row.state != Evaluation.State.SCORING:
            raise not_allowed(row.get_state_display())
        if (bid_id, criterion_id) not in divergences(row):
            raise DomainError(
                "not_divergent", _("The evaluators' scores do not diverge on this criterion.")
            )
        existing = ModerationNote.objects.filter(
            evaluation=row, bid_id=bid_id, criterion_id=criterion_id
        ).first()
        if existing is not None and existing.note == note:
            return existing
        if existing is None:
            existing = ModerationNote(evaluation=row, bid_id=bid_id, criterion_id=criterion_id)
        existing.note = note
        existing.written_by = actor
        existing.save()
        audit.record(
            row,
            "moderation_note",
            actor=actor,
            note=note,
            data={"bid": bid_id, "criterion": criterion_id},
        )
    return existing


def _is_own(user, sheet):
    seat = rules.cleared_seat(user, sheet.evaluation)
    return seat is not None and seat.pk == sheet.member_id


def _check_own(actor, evaluation, sheet):
    if not _is_own(actor, sheet):
        raise forbidden()
