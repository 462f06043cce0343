"""Pilot service reports: what a grantee did in one reporting period, in aggregate numbers.

A report never holds names or identifiers of service users. Its numbers are ordinary rows
(one per breakdown cell, service kind, target, budget line), so the monitoring views can sum
them across reports, grants, etraps and target groups in the database.

Overdue is a flag (``overdue_since``), not a state: a late report follows the same steps as
one on time (it is still filled in and submitted), and a state would have to duplicate every
transition out of ``open``. The deadline sweep sets the flag, sends the reminders and keeps
``next_reminder_on`` at the next day it has something to do, so its due set stays small.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.documents.models import StoredDocument
from portal.validators import (
    MAX_COUNT,
    count_validators,
    programme_date_validators,
    validate_single_line,
)


class ReportKind(models.TextChoices):
    PERIOD = "period", _("Period report")
    FINAL = "final", _("Final report")


class ReportState(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    OPEN = "open", _("open for reporting")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for revision")
    RESUBMITTED = "resubmitted", _("resubmitted")
    ACCEPTED = "accepted", _("accepted")
    CANCELLED = "cancelled", _("cancelled")


# States in which the grantee may still change the report's content.
EDITABLE_REPORT_STATES = (ReportState.OPEN, ReportState.RETURNED)
# States waiting for the grant officer's review.
REVIEW_STATES = (ReportState.SUBMITTED, ReportState.RESUBMITTED)


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class AgeBand(models.TextChoices):
    """The ministry's three statistical age groups. Finer bands would make small cells (one
    older woman in a small etrap) that could point to a person, so reports stop here."""

    CHILD = "0_17", _("0–17 years")
    WORKING_AGE = "18_59", _("18–59 years")
    OLDER = "60_plus", _("60 years and over")


class ServiceKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visits")
    ACCOMPANYING = "accompanying", _("Accompanying")
    DOCUMENTS = "documents", _("Help with documents")
    REFERRAL = "referral", _("Referrals to other institutions")
    CRISIS = "crisis", _("Crisis support")
    FAMILY_CONFERENCE = "family_conference", _("Family group conferences")
    OTHER = "other", _("Other services")


class ReportSection(models.TextChoices):
    """The parts of a report the officer comments on and validation messages point to."""

    BENEFICIARIES = "beneficiaries", _("Service users")
    CASES = "cases", _("Cases")
    SERVICES = "services", _("Services delivered")
    TARGETS = "targets", _("Targets")
    EXPENDITURE = "expenditure", _("Expenditure")
    NARRATIVE = "narrative", _("Narrative")
    ATTACHMENTS = "attachments", _("Attachments")
    GENERAL = "general", _("General")


class PilotReport(ConcurrentTransitionMixin, models.Model):
    agreement = models.ForeignKey(
        "grants.GrantAgreement", on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    # 1..n for the periods in order; the final report comes after the last period.
    number = models.PositiveSmallIntegerField(_("number"))
    period_start = models.DateField(_("period start"), validators=programme_date_validators())
    period_end = models.DateField(_("period end"), validators=programme_date_validators())
    due_date = models.DateField(
        _("due date"), db_index=True, validators=programme_date_validators()
    )
    state = FSMField(
        _("state"),
        max_length=16,
        choices=ReportState.choices,
        default=ReportState.SCHEDULED,
        protected=True,
        db_index=True,
    )
    # Raised by every save of the content, so a form loaded before another save is stale.
    version = models.PositiveIntegerField(default=1, editable=False)

    beneficiaries_new = models.PositiveIntegerField(
        _("new service users"), null=True, blank=True, validators=count_validators()
    )
    beneficiaries_continuing = models.PositiveIntegerField(
        _("continuing service users"), null=True, blank=True, validators=count_validators()
    )
    cases_opened = models.PositiveIntegerField(
        _("cases opened"), null=True, blank=True, validators=count_validators()
    )
    cases_active = models.PositiveIntegerField(
        _("cases active at the end of the period"),
        null=True,
        blank=True,
        validators=count_validators(),
    )
    cases_closed = models.PositiveIntegerField(
        _("cases closed"), null=True, blank=True, validators=count_validators()
    )
    services_other_description = models.CharField(
        _("what the other services were"),
        max_length=300,
        blank=True,
        validators=[validate_single_line],
    )
    achievements = models.TextField(_("achievements"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    changes_observed = models.TextField(_("changes observed in service users' lives"), blank=True)

    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    review_round = models.PositiveSmallIntegerField(_("times returned"), default=0)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    overdue_since = models.DateField(_("overdue since"), null=True, blank=True)
    next_reminder_on = models.DateField(null=True, blank=True, editable=False, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agreement_id", "number"]
        indexes = [
            # The review queue, oldest submission first.
            models.Index(fields=["state", "submitted_at", "id"], name="report_state_submitted"),
            # Reports due and overdue, soonest due first.
            models.Index(fields=["state", "due_date", "id"], name="report_state_due"),
            # The dashboard picks a grant's counted and overdue reports by state and kind.
            models.Index(fields=["agreement", "state", "kind"], name="report_agreement_state_kind"),
        ]
        verbose_name = _("pilot service report")
        verbose_name_plural = _("pilot service reports")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_report_per_number"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(
                    Q(beneficiaries_new__isnull=True) | Q(beneficiaries_new__lte=MAX_COUNT),
                    Q(beneficiaries_continuing__isnull=True)
                    | Q(beneficiaries_continuing__lte=MAX_COUNT),
                    Q(cases_opened__isnull=True) | Q(cases_opened__lte=MAX_COUNT),
                    Q(cases_active__isnull=True) | Q(cases_active__lte=MAX_COUNT),
                    Q(cases_closed__isnull=True) | Q(cases_closed__lte=MAX_COUNT),
                ),
                name="report_counts_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.agreement.reference} / {self.label}"

    @property
    def label(self):
        if self.kind == ReportKind.FINAL:
            return str(_("final report"))
        return str(_("report %(number)s") % {"number": self.number})

    @property
    def is_final(self):
        return self.kind == ReportKind.FINAL

    @property
    def is_editable(self):
        return self.state in EDITABLE_REPORT_STATES

    @transition(field=state, source=ReportState.SCHEDULED, target=ReportState.OPEN)
    def open(self, opened_at, next_reminder_on):
        self.opened_at = opened_at
        self.next_reminder_on = next_reminder_on

    @transition(field=state, source=ReportState.OPEN, target=ReportState.SUBMITTED)
    def submit(self, submitted_at, submitted_by):
        self.submitted_at = submitted_at
        self.first_submitted_at = submitted_at
        self.submitted_by = submitted_by
        self.next_reminder_on = None

    @transition(
        field=state,
        source=[ReportState.SUBMITTED, ReportState.RESUBMITTED],
        target=ReportState.RETURNED,
    )
    def return_for_revision(self, returned_at, reviewer):
        self.returned_at = returned_at
        self.reviewed_by = reviewer
        self.review_round += 1

    @transition(field=state, source=ReportState.RETURNED, target=ReportState.RESUBMITTED)
    def resubmit(self, submitted_at, submitted_by):
        self.submitted_at = submitted_at
        self.submitted_by = submitted_by

    @transition(
        field=state,
        source=[ReportState.SUBMITTED, ReportState.RESUBMITTED],
        target=ReportState.ACCEPTED,
    )
    def accept(self, accepted_at, reviewer):
        self.accepted_at = accepted_at
        self.reviewed_by = reviewer

    @transition(
        field=state,
        source=[
            ReportState.SCHEDULED,
            ReportState.OPEN,
            ReportState.SUBMITTED,
            ReportState.RETURNED,
            ReportState.RESUBMITTED,
        ],
        target=ReportState.CANCELLED,
    )
    def cancel(self, cancelled_at):
        self.cancelled_at = cancelled_at
        self.next_reminder_on = None


class ReportAttachment(StoredDocument):
    upload_prefix = "grants/reports"

    report = models.ForeignKey(PilotReport, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])

    class Meta:
        ordering = ["id"]
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")

    def __str__(self):
        return self.title


class ReportReviewComment(models.Model):
    """The officer's comment on one section when returning a report (one set per return)."""

    report = models.ForeignKey(PilotReport, on_delete=models.CASCADE, related_name="comments")
    review_round = models.PositiveSmallIntegerField()
    section = models.CharField(_("section"), max_length=16, choices=ReportSection.choices)
    comment = models.TextField(_("comment"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_round", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "review_round", "section"], name="one_comment_per_section"
            )
        ]

    def __str__(self):
        return f"{self.get_section_display()} ({self.review_round})"
