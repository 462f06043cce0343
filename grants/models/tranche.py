"""Tranches: the instalments in which the grant is paid, each released by one condition.

The first tranche is normally tied to signing (the grantee needs money to start), the others to
the acceptance of a report: a period report in the middle of the grant or the final report. In
draft a tranche names its report by period number, because reports exist only once the
agreement is signed; signing links it to the report row.

A tranche becomes eligible only through the service that meets its condition (signing, or
accepting its report, in the same transaction); only an eligible tranche can be approved, only
an approved one paid. Termination cancels the tranches whose condition was not met; what was
earned before (eligible or approved) stays payable.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.validators import (
    MAX_PERCENT,
    MAX_PERIODS,
    count_validators,
    non_negative_amount_validators,
    programme_date_validators,
    validate_single_line,
)


class TrancheCondition(models.TextChoices):
    SIGNING = "signing", _("Signing of the agreement")
    PERIOD_REPORT = "period_report", _("Acceptance of a period report")
    FINAL_REPORT = "final_report", _("Acceptance of the final report")


class TrancheState(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    ELIGIBLE = "eligible", _("eligible for payment")
    APPROVED = "approved", _("approved for payment")
    PAID = "paid", _("paid")
    CANCELLED = "cancelled", _("cancelled")


class Tranche(ConcurrentTransitionMixin, models.Model):
    agreement = models.ForeignKey(
        "grants.GrantAgreement", on_delete=models.CASCADE, related_name="tranches"
    )
    position = models.PositiveSmallIntegerField(_("number"), default=1)
    percentage = models.DecimalField(
        _("share of the grant (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PERCENT)],
    )
    amount = models.DecimalField(
        _("amount (TMT)"),
        max_digits=14,
        decimal_places=2,
        validators=non_negative_amount_validators(),
    )
    condition = models.CharField(_("paid after"), max_length=16, choices=TrancheCondition.choices)
    period_number = models.PositiveSmallIntegerField(
        _("report number"),
        null=True,
        blank=True,
        validators=count_validators(MAX_PERIODS, minimum=1),
    )
    report = models.ForeignKey(
        "grants.PilotReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tranches",
        verbose_name=_("report"),
    )
    state = FSMField(
        _("state"),
        max_length=16,
        choices=TrancheState.choices,
        default=TrancheState.SCHEDULED,
        protected=True,
        db_index=True,
    )
    eligible_at = models.DateTimeField(_("eligible since"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    paid_on = models.DateField(
        _("payment date"), null=True, blank=True, validators=programme_date_validators()
    )
    payment_reference = models.CharField(
        _("payment reference"), max_length=100, blank=True, validators=[validate_single_line]
    )
    payment_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("payment recorded by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        ordering = ["agreement_id", "position", "id"]
        # The officers' list of tranches to approve and pay, in order of eligibility.
        indexes = [
            models.Index(fields=["state", "eligible_at", "id"], name="tranche_state_eligible")
        ]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.CheckConstraint(
                condition=Q(percentage__gt=0) & Q(percentage__lte=100),
                name="tranche_percentage_range",
            ),
            models.CheckConstraint(
                condition=~Q(condition="period_report") | Q(period_number__isnull=False),
                name="period_tranche_names_its_report",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.reference} / {self.position}"

    @transition(field=state, source=TrancheState.SCHEDULED, target=TrancheState.ELIGIBLE)
    def make_eligible(self, eligible_at):
        self.eligible_at = eligible_at

    @transition(field=state, source=TrancheState.ELIGIBLE, target=TrancheState.APPROVED)
    def approve(self, approved_at, approved_by):
        self.approved_at = approved_at
        self.approved_by = approved_by

    @transition(field=state, source=TrancheState.APPROVED, target=TrancheState.PAID)
    def record_payment(self, paid_on, reference, recorded_by):
        self.paid_on = paid_on
        self.payment_reference = reference
        self.payment_recorded_by = recorded_by

    @transition(field=state, source=TrancheState.SCHEDULED, target=TrancheState.CANCELLED)
    def cancel(self, cancelled_at):
        self.cancelled_at = cancelled_at
