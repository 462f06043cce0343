"""Grant agreements: what the ministry funds, with whom, for how long, and what it expects.

An agreement starts as a draft made from the final award of a tender. In draft the grant
officer adjusts the budget, targets, tranche plan and reporting terms; both parties then
confirm the signed file, and the second confirmation signs the agreement (see
``grants.services.signing``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.documents.models import StoredDocument
from portal.validators import (
    MAX_COUNT,
    amount_validators,
    count_validators,
    non_negative_amount_validators,
    programme_date_validators,
    validate_single_line,
)
from tenders.models import BidBudgetLine

DEFAULT_REPORT_DUE_DAYS = 15
MAX_REPORT_DUE_DAYS = 90


class AgreementState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SIGNED = "signed", _("signed")
    ACTIVE = "active", _("active")
    SUSPENDED = "suspended", _("suspended")
    COMPLETED = "completed", _("completed")
    TERMINATED = "terminated", _("terminated")


# An agreement under way: reports open and fall due, the grantee delivers services.
LIVE_STATES = (AgreementState.ACTIVE, AgreementState.SUSPENDED)


class ReportingFrequency(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class GrantReferenceCounter(models.Model):
    """The last agreement number given out in a year; its row lock serialises new numbers."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class GrantAgreement(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(_("reference number"), max_length=32, unique=True)
    bid = models.OneToOneField(
        "tenders.Bid",
        on_delete=models.PROTECT,
        related_name="grant_agreement",
        verbose_name=_("winning bid"),
    )
    grantee = models.ForeignKey(
        "providers.Provider",
        on_delete=models.PROTECT,
        related_name="grant_agreements",
        verbose_name=_("grantee"),
    )
    amount = models.DecimalField(
        _("amount (TMT)"), max_digits=14, decimal_places=2, validators=amount_validators()
    )
    start_date = models.DateField(_("start date"), validators=programme_date_validators())
    end_date = models.DateField(_("end date"), validators=programme_date_validators())
    service_type = models.ForeignKey(
        "portal.ServiceType", on_delete=models.PROTECT, verbose_name=_("service type")
    )
    target_groups = models.ManyToManyField(
        "portal.TargetGroup", related_name="+", verbose_name=_("target groups")
    )
    velayat = models.ForeignKey(
        "portal.Velayat", on_delete=models.PROTECT, related_name="+", verbose_name=_("velayat")
    )
    etraps = models.ManyToManyField(
        "portal.Etrap", related_name="+", verbose_name=_("etraps covered")
    )
    reporting_frequency = models.CharField(
        _("reporting frequency"),
        max_length=16,
        choices=ReportingFrequency.choices,
        default=ReportingFrequency.QUARTERLY,
    )
    report_due_days = models.PositiveSmallIntegerField(
        _("days to report after each period"),
        default=DEFAULT_REPORT_DUE_DAYS,
        validators=count_validators(MAX_REPORT_DUE_DAYS),
    )
    state = FSMField(
        _("state"),
        max_length=16,
        choices=AgreementState.choices,
        default=AgreementState.DRAFT,
        protected=True,
        db_index=True,
    )
    # Raised by every change to the draft, so a confirmation or an edit made on a page loaded
    # before someone else's change is refused as stale.
    version = models.PositiveIntegerField(default=1, editable=False)
    officer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed for the ministry by"),
    )
    officer_confirmed_at = models.DateTimeField(_("ministry signature confirmed"), null=True)
    grantee_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed for the organisation by"),
    )
    grantee_confirmed_at = models.DateTimeField(_("organisation signature confirmed"), null=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    state_reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The grant list, newest first, with and without its state filter.
            models.Index(fields=["-created_at", "-id"], name="agreement_newest"),
            models.Index(fields=["state", "-created_at", "-id"], name="agreement_state_newest"),
        ]
        verbose_name = _("grant agreement")
        verbose_name_plural = _("grant agreements")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="grant_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
        ]

    def __str__(self):
        return self.reference

    @property
    def tender(self):
        return self.bid.tender

    @property
    def confirmations(self):
        """How many of the two parties have confirmed the signed file."""
        return int(self.officer_confirmed_at is not None) + int(
            self.grantee_confirmed_at is not None
        )

    @property
    def is_draft(self):
        return self.state == AgreementState.DRAFT

    @transition(field=state, source=AgreementState.DRAFT, target=AgreementState.SIGNED)
    def sign(self, signed_at):
        self.signed_at = signed_at

    @transition(field=state, source=AgreementState.SIGNED, target=AgreementState.ACTIVE)
    def activate(self, activated_at):
        self.activated_at = activated_at

    @transition(field=state, source=AgreementState.ACTIVE, target=AgreementState.SUSPENDED)
    def suspend(self, reason):
        self.state_reason = reason

    @transition(field=state, source=AgreementState.SUSPENDED, target=AgreementState.ACTIVE)
    def resume(self):
        self.state_reason = ""

    @transition(
        field=state,
        source=[AgreementState.ACTIVE, AgreementState.SUSPENDED],
        target=AgreementState.COMPLETED,
    )
    def complete(self, completed_at):
        self.completed_at = completed_at
        self.state_reason = ""

    @transition(
        field=state,
        source=[AgreementState.SIGNED, AgreementState.ACTIVE, AgreementState.SUSPENDED],
        target=AgreementState.TERMINATED,
    )
    def terminate(self, reason, terminated_at):
        self.state_reason = reason
        self.terminated_at = terminated_at


class AgreementDocument(StoredDocument):
    """A version of the signed agreement file; the newest one is the one the parties confirm."""

    upload_prefix = "grants/agreements"

    agreement = models.ForeignKey(
        GrantAgreement, on_delete=models.CASCADE, related_name="documents"
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("signed agreement file")
        verbose_name_plural = _("signed agreement files")


class GrantBudgetLine(models.Model):
    """One line of the agreed budget; reports state their expenditure against it."""

    Category = BidBudgetLine.Category

    agreement = models.ForeignKey(
        GrantAgreement, on_delete=models.CASCADE, related_name="budget_lines"
    )
    position = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    description = models.CharField(
        _("description"), max_length=300, validators=[validate_single_line]
    )
    amount = models.DecimalField(
        _("amount (TMT)"),
        max_digits=14,
        decimal_places=2,
        validators=non_negative_amount_validators(),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="grant_budget_not_negative")
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.description}"


class TargetMeasure(models.TextChoices):
    BENEFICIARIES = "beneficiaries", _("Service users served")
    SERVICES = "services", _("Services delivered")
    CASES_CLOSED = "cases_closed", _("Cases closed")


class GrantTarget(models.Model):
    """What the grantee commits to reach over the whole grant, for a target group, an etrap or
    both (e.g. 120 elderly people served in Köpetdag etrap)."""

    agreement = models.ForeignKey(GrantAgreement, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=0)
    measure = models.CharField(
        _("measure"),
        max_length=32,
        choices=TargetMeasure.choices,
        default=TargetMeasure.BENEFICIARIES,
    )
    target_group = models.ForeignKey(
        "portal.TargetGroup",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target group"),
    )
    etrap = models.ForeignKey(
        "portal.Etrap",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("etrap"),
    )
    number = models.PositiveIntegerField(_("number"), validators=count_validators())

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_group__isnull=False) | Q(etrap__isnull=False),
                name="grant_target_has_group_or_etrap",
            ),
            models.CheckConstraint(
                condition=Q(number__lte=MAX_COUNT), name="grant_target_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.label}: {self.number}"

    @property
    def label(self):
        """What is counted and for whom, e.g. "Service users served · Elderly · Köpetdag"."""
        parts = [self.get_measure_display(), self.target_group, self.etrap]
        return " · ".join(str(part) for part in parts if part)
