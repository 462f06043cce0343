"""Opening an evaluation, naming its panel, and the members' conflict-of-interest declarations."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders import permissions_evaluation as rules
from tenders.models import Declaration, Evaluation, PanelMember, ScoreSheet, Tender
from tenders.selectors.bid import is_opened
from tenders.services.evaluation.common import (
    evaluation_context,
    is_open_for_panel,
    locked,
    officer_url,
    panel_url,
    required_text,
    sitting_chair,
    submitted_bids,
)
from tenders.services.evaluation.screening import prefill_screenings
from workflows import audit, outbox
from workflows.errors import DomainError, forbidden, not_allowed
from workflows.outbox import CHANNELS, Notice

SETTINGS = ("min_evaluators", "divergence_share", "standstill_days")


def evaluation_create(*, actor, tender, deadline, **settings):
    """Open the evaluation of ``tender`` and return it.

    Only the tender's officer, only once its bids are opened (the tender is closed with opened
    submitted bids). ``deadline`` (in the future) is when score sheets are due; ``settings``
    may give ``min_evaluators`` (at least 3, default 3), ``divergence_share`` (default 0.30)
    and ``standstill_days`` (default ``TENDERS_STANDSTILL_DAYS``). Pre-fills the eligibility
    screening of every opened bid from the portal's records at the submission deadline and
    writes the audit entry ``create``. A repeat returns the evaluation already opened.
    """
    with transaction.atomic():
        row = locked(Tender, tender.pk)
        if not rules.runs_tender(actor, row):
            raise forbidden()
        existing = Evaluation.objects.filter(tender=row).first()
        if existing is not None:
            return existing
        if row.state != Tender.State.CLOSED or row.closed_at is None:
            raise not_allowed(row.get_state_display())
        if not is_opened(row):
            raise DomainError("not_opened", _("The opening committee has not opened the bids yet."))
        if not submitted_bids(row).exists():
            raise DomainError("no_bids", _("The tender has no opened bid to evaluate."))
        _check_deadline(deadline)
        evaluation = Evaluation(tender=row, deadline=deadline, created_by=actor)
        for name in SETTINGS:
            if settings.get(name) is not None:
                setattr(evaluation, name, settings[name])
        _validate(evaluation)
        evaluation.save()
        prefill_screenings(evaluation)
        audit.record(
            evaluation,
            "create",
            actor=actor,
            target_state=evaluation.state,
            data={
                "deadline": deadline.isoformat(),
                **{name: str(getattr(evaluation, name)) for name in SETTINGS},
            },
        )
    return evaluation


def panel_member_add(*, actor, evaluation, user, role):
    """Name ``user`` (who must hold the evaluator role) to the panel as chair or evaluator.

    Only the tender's officer, while the evaluation is screening or scoring (a replacement for
    a recused member may join during scoring). One sitting chair; a person sits once (a
    recused member is not named again); the officer running the tender does not sit. Tells the
    new member to declare their interests. A repeat of the same nomination returns the seat.
    """
    with transaction.atomic():
        row = open_panel(actor, evaluation)
        return name_member(actor, row, user, role)


def panel_member_replace(*, actor, evaluation, member, user):
    """Name ``user`` in the seat of ``member``, a member recused after declaring a conflict.

    The replacement takes the recused member's role (chair or evaluator) and is checked and
    told like any new member (``panel_member_add``); the audit entry ``member_replaced`` links
    the two seats. A recused seat is replaced once: naming the same replacement again returns
    their seat, naming another is refused.
    """
    with transaction.atomic():
        row = open_panel(actor, evaluation)
        member = PanelMember.objects.filter(evaluation=row, pk=member.pk).first()
        if member is None or member.is_active:
            raise DomainError(
                "not_recused", _("Only a recused member is replaced."), field="member"
            )
        done = _replacements(row).filter(data__replaced=member.pk).first()
        if done is not None:
            seat = PanelMember.objects.filter(pk=done.data["member"]).first()
            if seat is not None and seat.user_id == user.pk:
                return seat
            raise DomainError(
                "already_replaced", _("This member has already been replaced."), field="member"
            )
        if PanelMember.objects.filter(evaluation=row, user=user, recused_at__isnull=True).exists():
            raise DomainError(
                "already_named", _("This person is already on the panel."), field="user"
            )
        seat = name_member(actor, row, user, member.role)
        audit.record(
            row,
            "member_replaced",
            actor=actor,
            data={"replaced": member.pk, "member": seat.pk, "user": user.pk},
        )
    return seat


def _replacements(evaluation):
    return audit.history(evaluation).filter(action="member_replaced")


def awaiting_replacement(evaluation):
    """The recused members of ``evaluation`` nobody has replaced yet."""
    replaced = [entry.data["replaced"] for entry in _replacements(evaluation)]
    return evaluation.members.filter(recused_at__isnull=False).exclude(pk__in=replaced)


def open_panel(actor, evaluation):
    """The evaluation's row, locked, once the actor may change its panel and it is open."""
    row = locked(Evaluation, evaluation.pk)
    if not rules.can_form_panel(actor, row):
        raise forbidden()
    if not is_open_for_panel(row):
        raise DomainError(
            "panel_closed",
            _("The panel's scoring is finished; its members no longer change."),
        )
    return row


def name_member(actor, evaluation, user, role, *, channels=CHANNELS):
    """Seat ``user`` on the locked, open ``evaluation`` in ``role`` after the candidate checks;
    audited and announced to the new member on ``channels``. The seat already held in the same
    role is returned as it is."""
    seat = PanelMember.objects.filter(evaluation=evaluation, user=user).first()
    if seat is not None:
        if seat.role == role and seat.is_active:
            return seat
        if hasattr(seat, "declaration") and seat.declaration.has_conflict:
            raise DomainError(
                "conflict_declared",
                _("This person declared a conflict of interest with this tender."),
                field="user",
            )
        raise DomainError("already_named", _("This person is already on the panel."), field="user")
    _check_candidate(actor, evaluation, user, role)
    try:
        with transaction.atomic():
            seat = PanelMember.objects.create(
                evaluation=evaluation, user=user, role=role, added_by=actor
            )
    except IntegrityError as error:
        raise DomainError(
            "chair_taken", _("The panel already has a chair."), field="role"
        ) from error
    audit.record(
        evaluation,
        "panel_member_added",
        actor=actor,
        data={"member": seat.pk, "user": user.pk, "role": role},
    )
    notice = Notice(
        "tenders.panel_appointed",
        (user,),
        {**evaluation_context(evaluation), "role": role},
        panel_url(evaluation),
        channels=channels,
    )
    outbox.enqueue([notice], key=f"panel-appointed:{seat.pk}")
    return seat


def declaration_make(*, actor, evaluation, has_conflict, details="", conflicted_providers=()):
    """Record the actor's conflict-of-interest declaration for ``evaluation`` and return it.

    The actor must hold an active seat. The declaration names the tender and every bidder (the
    organisations of its opened bids), is written once, and goes to the audit log
    (``coi_declared`` on the evaluation). Declaring a conflict (``details`` required) recuses
    the member at once and tells the officer, who names a replacement; declaring none lets the
    member read the bids, and gives an evaluator a score sheet if scoring has started. A repeat
    of the same answer returns the declaration; a different answer is refused.
    """
    with transaction.atomic():
        row = locked(Evaluation, evaluation.pk)
        seat = rules.seat_of(actor, row)
        if seat is None:
            raise forbidden()
        seat = locked(PanelMember, seat.pk)
        existing = Declaration.objects.filter(member=seat).first()
        if existing is not None:
            if existing.has_conflict == bool(has_conflict):
                return existing
            raise DomainError("already_declared", _("You have already made your declaration."))
        if not is_open_for_panel(row):
            raise not_allowed(row.get_state_display())
        bidders = [
            {"provider_id": bid.provider_id, "name": bid.provider.name_tk}
            for bid in submitted_bids(row.tender_id)
        ]
        named = {bidder["provider_id"] for bidder in bidders}
        conflicted = [pk for pk in conflicted_providers if pk in named] if has_conflict else []
        if has_conflict:
            details = required_text(
                details,
                code="details_required",
                message=_("Describe the conflict of interest."),
                field="details",
            )
        declaration = Declaration.objects.create(
            member=seat,
            has_conflict=bool(has_conflict),
            conflicted_providers=conflicted,
            details=details if has_conflict else "",
            bidders=bidders,
        )
        audit.record(
            row,
            "coi_declared",
            actor=actor,
            note=declaration.details,
            data={
                "member": seat.pk,
                "role": seat.role,
                "has_conflict": declaration.has_conflict,
                "bidders": sorted(named),
                "conflicted_providers": conflicted,
            },
        )
        if has_conflict:
            _recuse(row, seat, actor)
        elif seat.role == PanelMember.Role.EVALUATOR and row.state == Evaluation.State.SCORING:
            ScoreSheet.objects.get_or_create(evaluation=row, member=seat)
    return declaration


def _recuse(evaluation, seat, actor):
    seat.recused_at = timezone.now()
    seat.save(update_fields=["recused_at"])
    audit.record(evaluation, "member_recused", actor=actor, data={"member": seat.pk})
    notice = Notice(
        "tenders.conflict_declared",
        (evaluation.tender.created_by,),
        {**evaluation_context(evaluation), "member_name": str(seat.user), "role": seat.role},
        officer_url(evaluation),
    )
    outbox.enqueue([notice], key=f"conflict-declared:{seat.pk}")


def _check_candidate(actor, evaluation, user, role):
    if role not in PanelMember.Role.values:
        raise DomainError("role_invalid", _("Choose chair or evaluator."), field="role")
    if not rules.may_sit_on_panel(user):
        raise DomainError(
            "not_evaluator",
            _("Only users holding the evaluator role sit on a panel."),
            field="user",
        )
    if user.pk == evaluation.tender.created_by_id or user.pk == actor.pk:
        raise DomainError(
            "officer_on_panel",
            _("The officer running the tender does not sit on its panel."),
            field="user",
        )
    if role == PanelMember.Role.CHAIR and sitting_chair(evaluation) is not None:
        raise DomainError("chair_taken", _("The panel already has a chair."), field="role")


def _validate(evaluation):
    try:
        evaluation.clean_fields(
            exclude=[f.name for f in Evaluation._meta.fields if f.name not in SETTINGS]
        )
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise DomainError("invalid", messages[0], field=field) from error


def _check_deadline(deadline):
    if deadline is None or deadline <= timezone.now():
        raise DomainError(
            "deadline_past", _("The evaluation deadline must be in the future."), field="deadline"
        )
