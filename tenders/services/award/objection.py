"""Objections to an approved award, lodged during the standstill period, and their outcome.

An upheld objection sets the award decision aside. The officer chooses the remedy by what the
objection showed:

* ``reevaluate`` when the scores or the screening are in doubt: the evaluation is reopened
  (completed -> screening), every submitted sheet returns to its evaluator, the screening may
  be revised, and the evaluation runs to completion again before a new proposal;
* ``exclude`` when a proposed bid must not be awarded (it should not have passed screening,
  or broke the tender's rules) while the ranking stands: that bid is excluded from award and
  the officer proposes again from the same ranking.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents.storage import discard, store
from tenders import permissions_evaluation as rules
from tenders.models import AwardDecision, Objection, ObjectionDocument
from tenders.services.award.common import (
    bidder_notices,
    decision_context,
    objection_url,
    outcome_url,
)
from tenders.services.bid_notices import bid_editors
from tenders.services.evaluation.common import reason_required, required_text
from tenders.services.evaluation.lifecycle import evaluation_reopen
from workflows import audit, outbox, runner
from workflows.errors import DomainError, forbidden
from workflows.outbox import Notice

MAX_REASONS = 20000


def objection_lodge(*, actor, bid, reasons, documents=()):
    """Lodge the objection of ``bid``'s organisation to the approved award; return it.

    Its admins and editors only, before the standstill period ends, one pending objection per
    bid. ``documents`` are ``(title, uploaded_file)`` pairs, validated and stored like every
    portal document. Writes the audit entry ``lodge`` and tells the officer. While the
    objection is pending the award cannot become final. Sending the same reasons again while
    the first is pending returns it.
    """
    reasons = required_text(
        reasons, code="reasons_required", message=_("Give your reasons."), field="reasons"
    )[:MAX_REASONS]
    if not rules.can_object(actor, bid):
        raise forbidden()
    stored = _store(documents)
    try:
        with transaction.atomic():
            objection = _lodge(actor, bid, reasons, stored)
    except BaseException:
        for _title, file in stored:
            discard(file.name)
        raise
    return objection


def _lodge(actor, bid, reasons, stored):
    decision = (
        AwardDecision.objects.select_for_update(of=("self",))
        .filter(tender_id=bid.tender_id, state=AwardDecision.State.APPROVED)
        .first()
    )
    if decision is None or not decision.lines.filter(bid=bid).exists():
        raise DomainError(
            "no_standstill", _("Objections are lodged during the standstill period only.")
        )
    if timezone.now() >= decision.standstill_ends_at:
        raise DomainError("standstill_over", _("The standstill period has ended."))
    pending = Objection.objects.filter(
        decision=decision, bid=bid, state=Objection.State.PENDING
    ).first()
    if pending is not None:
        if pending.reasons == reasons:
            for _title, file in stored:
                transaction.on_commit(lambda name=file.name: discard(name))
            return pending
        raise DomainError(
            "already_pending", _("Your organisation's objection is still being considered.")
        )
    objection = Objection.objects.create(
        decision=decision, bid=bid, lodged_by=actor, reasons=reasons
    )
    for title, file in stored:
        ObjectionDocument.from_stored(
            file, uploaded_by=actor, objection=objection, title=title
        ).save()
    audit.record(
        objection,
        "lodge",
        actor=actor,
        target_state=objection.state,
        data={"bid": bid.pk, "documents": [file.sha256 for _title, file in stored]},
    )
    notice = Notice(
        "tenders.objection_lodged",
        (decision.tender.created_by,),
        decision_context(decision),
        objection_url(objection),
    )
    outbox.enqueue([notice], key=f"objection-lodged:{objection.pk}")
    return objection


def _store(documents):
    stored = []
    try:
        for title, uploaded in documents:
            title = (title or "").strip() or uploaded.name
            stored.append((title[:300], store(uploaded, prefix=ObjectionDocument.upload_prefix)))
    except BaseException:
        for _title, file in stored:
            discard(file.name)
        raise
    return stored


def objection_dismiss(*, actor, objection, reason, seen_state=None):
    """Dismiss a pending objection with ``reason`` (pending -> dismissed).

    The tender's officer only. The objecting organisation is told; once no objection is
    pending and the standstill has ended, the award becomes final. A repeat is a no-op.
    """
    reason = reason_required(reason)
    return runner.apply(
        objection,
        "dismiss",
        actor=actor,
        seen_state=seen_state,
        note=reason,
        permission=lambda user, row: rules.can_resolve_objection(user, row.decision),
        notify=_resolved_notices,
        by=actor,
        now=timezone.now(),
        reason=reason,
    )


def objection_uphold(*, actor, objection, reason, remedy, excluded_bid=None, seen_state=None):
    """Uphold a pending objection (pending -> upheld) and set the award decision aside.

    The tender's officer only, with ``reason`` and a ``remedy`` (see the module): for
    ``exclude``, ``excluded_bid`` must be one of the proposed bids. In one transaction: the
    decision goes approved -> set_aside, other pending objections on it are closed (lapsed),
    and for ``reevaluate`` the evaluation is reopened. Every bidder is told the decision was
    set aside; the objector is told the outcome. A repeat is a no-op.
    """
    reason = reason_required(reason)
    now = timezone.now()
    if remedy not in Objection.Remedy.values:
        raise DomainError("remedy_required", _("Choose the remedy."), field="remedy")
    if remedy != Objection.Remedy.EXCLUDE:
        excluded_bid = None

    def check(row):
        if row.decision.state != AwardDecision.State.APPROVED:
            raise DomainError("not_live", _("The award decision is no longer in force."))
        if (
            remedy == Objection.Remedy.EXCLUDE
            and not row.decision.lines.filter(bid=excluded_bid, proposed=True).exists()
        ):
            raise DomainError(
                "excluded_bid", _("Choose one of the proposed bids."), field="excluded_bid"
            )

    with transaction.atomic():
        current = Objection.objects.select_for_update(of=("self",)).get(pk=objection.pk)
        if current.state == Objection.State.UPHELD:
            return current
        row = runner.apply(
            current,
            "uphold",
            actor=actor,
            seen_state=seen_state or objection.state,
            note=reason,
            permission=lambda user, row: rules.can_resolve_objection(user, row.decision),
            check=check,
            notify=_resolved_notices,
            by=actor,
            now=now,
            reason=reason,
            remedy=remedy,
            excluded_bid=excluded_bid,
        )
        decision = runner.apply(
            row.decision,
            "set_aside",
            actor=actor,
            note=reason,
            notify=lambda saved, entry: bidder_notices(saved, "tenders.award_set_aside"),
            reason=reason,
        )
        for other in decision.objections.filter(state=Objection.State.PENDING):
            runner.apply(other, "lapse", actor=actor, notify=_resolved_notices, now=now)
        if remedy == Objection.Remedy.REEVALUATE:
            evaluation_reopen(actor=actor, evaluation=decision.evaluation, reason=reason)
    return row


def _resolved_notices(row, entry):
    context = {
        **decision_context(row.decision),
        "outcome": row.state,
        "resolution": row.resolution,
    }
    return [
        Notice(
            "tenders.objection_resolved",
            bid_editors(row.bid.provider_id),
            context,
            outcome_url(row.bid),
        )
    ]
