"""Evaluation of a closed tender's bids: the panel, conflict declarations, eligibility
screening, score sheets and the chair's moderation notes.

One ``Evaluation`` per tender. Its state machine::

    screening --start_scoring--> scoring --complete--> completed
    screening / completed --end_unsuccessful--> unsuccessful
    completed --reopen--> screening      (an objection upheld for re-evaluation)

Panel members see no bid before they declare that they have no conflict of interest
(``Declaration``); ``tenders.selectors.evaluation`` applies that rule and the blind-scoring
rule to every read.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.validators import MAX_CRITERION_POINTS, programme_date_validators
from providers.models import DocumentType, ProviderState
from tenders.models.bid import Bid
from tenders.models.tender import Tender, TenderCriterion

MIN_EVALUATORS = 3
DEFAULT_DIVERGENCE_SHARE = Decimal("0.30")


def default_standstill_days():
    return settings.TENDERS_STANDSTILL_DAYS


class Evaluation(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        SCREENING = "screening", _("panel and eligibility screening")
        SCORING = "scoring", _("scoring")
        COMPLETED = "completed", _("completed")
        UNSUCCESSFUL = "unsuccessful", _("ended without a successful bid")

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="evaluation")
    deadline = models.DateTimeField(
        _("evaluation deadline"), validators=programme_date_validators()
    )
    min_evaluators = models.PositiveSmallIntegerField(
        _("minimum number of evaluators"),
        default=MIN_EVALUATORS,
        validators=[MinValueValidator(MIN_EVALUATORS), MaxValueValidator(20)],
    )
    divergence_share = models.DecimalField(
        _("divergence threshold (share of a criterion's maximum)"),
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_DIVERGENCE_SHARE,
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
    )
    standstill_days = models.PositiveSmallIntegerField(
        _("standstill period (calendar days)"),
        default=default_standstill_days,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    state = FSMField(
        _("state"), default=State.SCREENING, choices=State.choices, protected=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    scoring_started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(_("why the tender ended without award"), blank=True)
    reopen_reason = models.TextField(_("why the evaluation was reopened"), blank=True)
    # The nearest deadline reminder already handled: 2 and 1 (days before), 0 once the officer
    # has been told the deadline passed; the sweep's due set shrinks as it goes.
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return f"{self.tender.reference} / evaluation"

    @transition(field=state, source=State.SCREENING, target=State.SCORING)
    def start_scoring(self, now, deadline=None):
        self.scoring_started_at = now
        self.reminded_days = None
        if deadline is not None:
            self.deadline = deadline

    @transition(field=state, source=State.SCORING, target=State.COMPLETED)
    def complete(self, now):
        self.completed_at = now

    @transition(field=state, source=[State.SCREENING, State.COMPLETED], target=State.UNSUCCESSFUL)
    def end_unsuccessful(self, reason):
        self.end_reason = reason

    @transition(field=state, source=State.COMPLETED, target=State.SCREENING)
    def reopen(self, reason):
        self.reopen_reason = reason
        self.completed_at = None


class PanelMember(models.Model):
    """A chair or evaluator named by the procurement officer; a declared conflict recuses them."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        EVALUATOR = "evaluator", _("evaluator")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    role = models.CharField(_("role on the panel"), max_length=16, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    recused_at = models.DateTimeField(_("recused at"), null=True, blank=True)

    class Meta:
        ordering = ["role", "added_at", "id"]
        constraints = [
            # A recused member stays on record; the same person is not named twice.
            models.UniqueConstraint(fields=["evaluation", "user"], name="one_seat_per_person"),
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=Q(role="chair", recused_at__isnull=True),
                name="one_sitting_chair",
            ),
        ]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")

    def __str__(self):
        return f"{self.evaluation} / {self.get_role_display()} {self.user_id}"

    @property
    def is_active(self):
        return self.recused_at is None


class Declaration(models.Model):
    """A panel member's conflict-of-interest declaration for the tender and its named bidders.

    Written once, before the member sees any bid; ``bidders`` keeps the names as they were
    shown, so the report shows what was declared.
    """

    member = models.OneToOneField(PanelMember, on_delete=models.CASCADE, related_name="declaration")
    has_conflict = models.BooleanField(_("declares a conflict of interest"))
    conflicted_providers = models.JSONField(default=list, blank=True)
    details = models.TextField(_("details of the conflict"), blank=True)
    bidders = models.JSONField(_("bidders named"), default=list)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["declared_at", "id"]
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")

    def __str__(self):
        return f"{self.member} / declaration"


class Screening(models.Model):
    """The administrative eligibility check of one opened bid."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="screenings")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="screening")
    eligible = models.BooleanField(_("eligible"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["bid__submitted_at", "bid_id"]
        verbose_name = _("eligibility screening")
        verbose_name_plural = _("eligibility screenings")

    def __str__(self):
        return f"{self.bid} / screening"

    @property
    def is_decided(self):
        return self.eligible is not None


class ScreeningLine(models.Model):
    """One requirement: what the portal's records said at the deadline and what the screener
    decided. A decision that differs from the portal's needs a reason."""

    VERIFIED = "verified"
    TRAINED_STAFF = "trained_staff"
    DOCUMENT_PREFIX = "document:"

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="lines")
    code = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)
    portal_passed = models.BooleanField(_("portal's finding"))
    portal_detail = models.JSONField(default=dict, blank=True)
    passed = models.BooleanField(_("screener's decision"), null=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["screening", "code"], name="one_line_per_requirement")
        ]
        verbose_name = _("eligibility requirement")
        verbose_name_plural = _("eligibility requirements")

    def __str__(self):
        return f"{self.screening} / {self.code}"

    @property
    def label(self):
        """The requirement in the reader's language."""
        if self.code == self.VERIFIED:
            return _("Organisation verified at the submission deadline")
        if self.code == self.TRAINED_STAFF:
            return _("At least %(required)s active staff with in-service training") % {
                "required": self.portal_detail.get("required", 0)
            }
        document_type = self.code.removeprefix(self.DOCUMENT_PREFIX)
        label = dict(DocumentType.choices).get(document_type, document_type)
        return _("Valid “%(type)s” document at the submission deadline") % {"type": label}

    @property
    def finding(self):
        """What the portal's records showed, in the reader's language."""
        if self.code == self.VERIFIED:
            state = self.portal_detail.get("state", "")
            label = dict(ProviderState.choices).get(state, state)
            return _("State at the deadline: %(state)s") % {"state": label or "—"}
        if self.code == self.TRAINED_STAFF:
            return _("%(trained)s trained staff at the deadline") % {
                "trained": self.portal_detail.get("trained", 0)
            }
        return _("present") if self.portal_passed else _("missing or expired")

    @property
    def overridden(self):
        return self.passed is not None and self.passed != self.portal_passed


class ScoreSheet(ConcurrentTransitionMixin, models.Model):
    """An evaluator's scores for every eligible bid; locked once submitted."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="sheets")
    member = models.OneToOneField(PanelMember, on_delete=models.PROTECT, related_name="sheet")
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_reason = models.TextField(_("why the sheet was returned"), blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["member__added_at", "id"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self):
        return f"{self.evaluation} / sheet {self.pk}"

    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self, now):
        self.submitted_at = now

    @transition(field=state, source=State.SUBMITTED, target=State.DRAFT)
    def return_for_revision(self, reason, now):
        self.returned_reason = reason
        self.returned_at = now
        self.submitted_at = None


class Score(models.Model):
    """Points for one bid on one criterion, with the evaluator's justification."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(TenderCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(
        _("points"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_CRITERION_POINTS)],
    )
    justification = models.TextField(_("justification"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["bid_id", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "bid", "criterion"], name="one_score_per_bid_criterion"
            )
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.sheet} / bid {self.bid_id} / criterion {self.criterion_id}"

    @property
    def is_complete(self):
        return self.points is not None and bool(self.justification.strip())


class ModerationNote(models.Model):
    """The chair's note on a criterion where the evaluators' scores of a bid diverge."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="moderation_notes"
    )
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(TenderCriterion, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("moderation note"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["bid_id", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "bid", "criterion"], name="one_note_per_bid_criterion"
            )
        ]
        verbose_name = _("moderation note")
        verbose_name_plural = _("moderation notes")

    def __str__(self):
        return f"{self.evaluation} / bid {self.bid_id} / criterion {self.criterion_id}"
