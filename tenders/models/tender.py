"""Tenders: what the ministry buys, from whom, by when, and how bids will be judged."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.documents.models import StoredDocument
from portal.validators import (
    MAX_AMOUNT,
    MAX_AWARDS,
    MAX_BIDDING_DAYS,
    MAX_COMMITTEE,
    MAX_CRITERION_POINTS,
    MAX_PERCENT,
    MAX_STAFF,
    amount_validators,
    count_validators,
    programme_date_validators,
    validate_single_line,
)
from providers.models import DocumentType


def in_language(obj, prefix):
    """The text in the active language, else the first of Russian, Turkmen, English present."""
    language = (get_language() or "en")[:2]
    for code in (language, "ru", "tk", "en"):
        value = getattr(obj, f"{prefix}_{code}", "")
        if value:
            return value
    return ""


class ReferenceCounter(models.Model):
    """The last tender number given out in a year; its row lock serialises new references."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


# The days a tender gives providers to prepare bids unless its officer sets another minimum;
# the procurement-integrity page flags tenders that gave fewer.
STANDARD_BIDDING_DAYS = 10


class Tender(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CLOSED = "closed", _("closed")
        UNSUCCESSFUL = "unsuccessful", _("unsuccessful")
        CANCELLED = "cancelled", _("cancelled")
        AWARDED = "awarded", _("awarded")

    reference = models.CharField(
        _("reference"), max_length=32, unique=True, validators=[validate_single_line]
    )
    # Drafts may be incomplete; publishing checks that everything required is present.
    title_tk = models.CharField(
        _("title (Turkmen)"), max_length=300, blank=True, validators=[validate_single_line]
    )
    title_ru = models.CharField(
        _("title (Russian)"), max_length=300, blank=True, validators=[validate_single_line]
    )
    title_en = models.CharField(
        _("title (English)"), max_length=300, blank=True, validators=[validate_single_line]
    )
    description_tk = models.TextField(_("description (Turkmen)"), blank=True)
    description_ru = models.TextField(_("description (Russian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    service_type = models.ForeignKey(
        "portal.ServiceType", on_delete=models.PROTECT, verbose_name=_("service type")
    )
    target_groups = models.ManyToManyField("portal.TargetGroup", verbose_name=_("target groups"))
    velayat = models.ForeignKey(
        "portal.Velayat", on_delete=models.PROTECT, verbose_name=_("velayat")
    )
    etraps = models.ManyToManyField("portal.Etrap", blank=True, verbose_name=_("etraps covered"))
    budget_ceiling = models.DecimalField(
        _("budget ceiling (TMT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=amount_validators(),
    )
    grant_start = models.DateField(
        _("grant period start"), null=True, blank=True, validators=programme_date_validators()
    )
    grant_end = models.DateField(
        _("grant period end"), null=True, blank=True, validators=programme_date_validators()
    )
    awards_count = models.PositiveSmallIntegerField(
        _("number of awards"), default=1, validators=count_validators(MAX_AWARDS, minimum=1)
    )
    required_document_types = models.JSONField(
        _("required document types"), default=list, blank=True
    )
    min_trained_staff = models.PositiveSmallIntegerField(
        _("minimum staff with in-service training"),
        default=0,
        validators=count_validators(MAX_STAFF),
    )
    price_weight = models.PositiveSmallIntegerField(
        _("price criterion weight"), default=0, validators=count_validators(MAX_PERCENT)
    )
    min_technical_score = models.DecimalField(
        _("minimum technical score"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_PERCENT)],
    )
    min_bidding_days = models.PositiveSmallIntegerField(
        _("minimum bidding days"),
        default=STANDARD_BIDDING_DAYS,
        validators=count_validators(MAX_BIDDING_DAYS, minimum=1),
    )
    questions_deadline = models.DateTimeField(
        _("questions deadline"), null=True, blank=True, validators=programme_date_validators()
    )
    submission_deadline = models.DateTimeField(
        _("submission deadline"), null=True, blank=True, validators=programme_date_validators()
    )
    questions_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The key of the form that created the draft, so a double-clicked "create" makes one tender.
    creation_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # Who must come together to open the bids, and how many of them are enough.
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="opening_committees",
        verbose_name=_("opening committee"),
    )
    opening_quorum = models.PositiveSmallIntegerField(
        _("members needed to open the bids"),
        default=2,
        validators=count_validators(MAX_COMMITTEE, minimum=1),
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submission_deadline", "-id"]
        indexes = [
            # The public list: published tenders, newest first.
            models.Index(fields=["state", "-published_at", "-id"], name="tender_state_published"),
            # An officer's own tenders, newest first.
            models.Index(fields=["created_by", "-created_at", "-id"], name="tender_officer_newest"),
        ]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_ceiling__isnull=True)
                | models.Q(budget_ceiling__gt=0, budget_ceiling__lte=MAX_AMOUNT),
                name="tender_budget_ceiling_range",
            ),
            models.CheckConstraint(
                condition=models.Q(awards_count__gte=1, awards_count__lte=MAX_AWARDS),
                name="tender_awards_count_range",
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    def get_absolute_url(self):
        return reverse("tenders:detail", args=[self.pk])

    @property
    def title(self):
        return in_language(self, "title")

    @property
    def description(self):
        return in_language(self, "description")

    @property
    def required_document_labels(self):
        """``(code, label)`` of each document type a bidder must hold."""
        labels = dict(DocumentType.choices)
        return [(code, labels.get(code, code)) for code in self.required_document_types]

    @transition(field=state, source=State.DRAFT, target=State.PUBLISHED)
    def publish(self):
        self.published_at = timezone.now()

    @transition(field=state, source=State.PUBLISHED, target=State.CLOSED)
    def close(self):
        self.closed_at = timezone.now()

    @transition(field=state, source=State.CLOSED, target=State.UNSUCCESSFUL)
    def end_unsuccessful(self):
        pass

    @transition(field=state, source=State.CLOSED, target=State.AWARDED)
    def mark_awarded(self):
        pass

    # A closed tender is cancelled only while its sealed bids are unopened (the service checks).
    @transition(
        field=state, source=[State.DRAFT, State.PUBLISHED, State.CLOSED], target=State.CANCELLED
    )
    def cancel(self, reason):
        self.cancel_reason = reason


class TenderCriterion(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title_tk = models.CharField(
        _("criterion (Turkmen)"), max_length=300, validators=[validate_single_line]
    )
    title_ru = models.CharField(
        _("criterion (Russian)"), max_length=300, validators=[validate_single_line]
    )
    title_en = models.CharField(
        _("criterion (English)"), max_length=300, blank=True, validators=[validate_single_line]
    )
    guidance = models.TextField(_("what evaluators look for"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=count_validators(MAX_PERCENT)
    )
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"), default=10, validators=count_validators(MAX_CRITERION_POINTS)
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")

    def __str__(self):
        return self.title

    @property
    def title(self):
        return in_language(self, "title")


class TenderDocument(StoredDocument):
    """A terms-of-reference file; an amendment withdraws it rather than deleting it."""

    upload_prefix = "tenders/terms"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("terms-of-reference document")
        verbose_name_plural = _("terms-of-reference documents")

    def __str__(self):
        return self.title


class Amendment(models.Model):
    """A change to a published tender: what changed and why, in the order made."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("number"))
    changes = models.JSONField(_("what changed"), default=dict)
    reason = models.TextField(_("why"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="unique_amendment_number")
        ]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")

    def __str__(self):
        return f"{self.tender.reference} #{self.number}"
