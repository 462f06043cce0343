"""Award decisions, the standstill period and bidders' objections.

An ``AwardDecision`` is one proposal round. Its state machine::

    proposed --approve--> approved (standstill) --finalise--> final
    proposed --send_back--> returned
    approved --set_aside--> set_aside      (an objection upheld)

At most one decision per tender is live (proposed, approved or final). Its ``AwardLine`` rows
record every opened bid: rank, scores, amount, whether it is proposed, and, once the award is
final, whether it was awarded.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.documents.models import StoredDocument
from portal.validators import validate_single_line
from tenders.models.bid import Bid
from tenders.models.evaluation import Evaluation
from tenders.models.tender import Tender


class AwardDecision(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("proposed, awaiting approval")
        RETURNED = "returned", _("sent back by the approver")
        APPROVED = "approved", _("approved, in the standstill period")
        FINAL = "final", _("final")
        SET_ASIDE = "set_aside", _("set aside after an objection")

    LIVE_STATES = (State.PROPOSED, State.APPROVED, State.FINAL)

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="award_decisions")
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.PROTECT, related_name="award_decisions"
    )
    state = FSMField(
        _("state"), default=State.PROPOSED, choices=State.choices, protected=True, db_index=True
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(_("why it was sent back"), blank=True)
    standstill_ends_at = models.DateTimeField(_("end of the standstill period"), null=True)
    finalised_at = models.DateTimeField(_("final on"), null=True, blank=True)
    set_aside_reason = models.TextField(_("why it was set aside"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        # The approvers' list, newest first.
        indexes = [models.Index(fields=["-proposed_at", "-id"], name="award_newest")]
        constraints = [
            models.UniqueConstraint(
                fields=["tender"],
                condition=Q(state__in=["proposed", "approved", "final"]),
                name="one_live_award_decision",
            )
        ]
        verbose_name = _("award decision")
        verbose_name_plural = _("award decisions")

    def __str__(self):
        return f"{self.tender.reference} / award decision {self.pk}"

    @transition(field=state, source=State.PROPOSED, target=State.APPROVED)
    def approve(self, by, now, standstill_ends_at):
        self.decided_by = by
        self.decided_at = now
        self.standstill_ends_at = standstill_ends_at

    @transition(field=state, source=State.PROPOSED, target=State.RETURNED)
    def send_back(self, by, now, reason):
        self.decided_by = by
        self.decided_at = now
        self.return_reason = reason

    @transition(field=state, source=State.APPROVED, target=State.FINAL)
    def finalise(self, now):
        self.finalised_at = now

    @transition(field=state, source=State.APPROVED, target=State.SET_ASIDE)
    def set_aside(self, reason):
        self.set_aside_reason = reason


class AwardLine(models.Model):
    """One opened bid in a decision; ``rank`` and scores are empty for an ineligible bid."""

    class Outcome(models.TextChoices):
        AWARDED = "awarded", _("awarded")
        NOT_AWARDED = "not_awarded", _("not awarded")

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="lines")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="award_lines")
    eligible = models.BooleanField(_("eligible"))
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    technical_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    price_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    passes_minimum = models.BooleanField(default=False)
    amount = models.DecimalField(_("amount (TMT)"), max_digits=14, decimal_places=2)
    proposed = models.BooleanField(_("proposed for award"), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, blank=True, db_index=True
    )

    class Meta:
        ordering = [models.F("rank").asc(nulls_last=True), "bid_id"]
        constraints = [models.UniqueConstraint(fields=["decision", "bid"], name="one_line_per_bid")]
        verbose_name = _("award line")
        verbose_name_plural = _("award lines")

    def __str__(self):
        return f"{self.decision} / bid {self.bid_id}"


class Objection(ConcurrentTransitionMixin, models.Model):
    """A bidder's objection to an approved award, lodged during the standstill period.

    While one is pending the award cannot become final. The officer dismisses it or upholds
    it with a remedy (see ``tenders.services.award.objection_uphold``).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DISMISSED = "dismissed", _("dismissed")
        UPHELD = "upheld", _("upheld")
        LAPSED = "lapsed", _("closed: the decision was set aside")

    class Remedy(models.TextChoices):
        REEVALUATE = "reevaluate", _("Re-evaluate: the panel's score sheets are reopened")
        EXCLUDE = "exclude", _("Exclude a proposed bid from award and propose again")

    decision = models.ForeignKey(AwardDecision, on_delete=models.PROTECT, related_name="objections")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="objections")
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lodged_at = models.DateTimeField(auto_now_add=True)
    reasons = models.TextField(_("reasons"))
    state = FSMField(
        _("state"), default=State.PENDING, choices=State.choices, protected=True, db_index=True
    )
    resolution = models.TextField(_("officer's reasons"), blank=True)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices, blank=True)
    excluded_bid = models.ForeignKey(
        Bid, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["lodged_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "bid"],
                condition=Q(state="pending"),
                name="one_pending_objection_per_bid",
            )
        ]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self):
        return f"{self.decision} / objection {self.pk}"

    @transition(field=state, source=State.PENDING, target=State.DISMISSED)
    def dismiss(self, by, now, reason):
        self.resolved_by = by
        self.resolved_at = now
        self.resolution = reason

    @transition(field=state, source=State.PENDING, target=State.UPHELD)
    def uphold(self, by, now, reason, remedy, excluded_bid):
        self.resolved_by = by
        self.resolved_at = now
        self.resolution = reason
        self.remedy = remedy
        self.excluded_bid = excluded_bid

    @transition(field=state, source=State.PENDING, target=State.LAPSED)
    def lapse(self, now):
        self.resolved_at = now


class ObjectionDocument(StoredDocument):
    upload_prefix = "tenders/objections"

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])

    class Meta:
        ordering = ["id"]
        verbose_name = _("objection document")
        verbose_name_plural = _("objection documents")

    def __str__(self):
        return f"objection {self.objection_id} / document {self.pk}"
