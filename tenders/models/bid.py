"""Bids: a provider's sealed offer for a tender.

A bid is read only by its own organisation until the tender closes at its submission
deadline; ``tenders.selectors.bid.bids_visible_to`` is the one way to read bids for a user.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.documents.models import StoredDocument
from portal.validators import amount_validators, validate_single_line
from tenders.models.tender import Tender, TenderCriterion


class Bid(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DISCARDED = "discarded", _("discarded (not submitted by the deadline)")

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="bids"
    )
    state = FSMField(
        _("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("time of receipt"), null=True, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the bid"), max_length=64, blank=True)
    needs_reconfirmation = models.BooleanField(default=False)
    # The smallest "days before the deadline" reminder already sent for this unsubmitted bid.
    reminded_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "provider"], name="one_bid_per_provider")
        ]
        indexes = [
            # A tender's submitted bids in order of receipt: the officer's list, the panel.
            models.Index(
                fields=["tender", "state", "submitted_at", "id"], name="bid_tender_received"
            ),
        ]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self):
        # Names no bidder: audit entries about a sealed bid must not tell who is bidding.
        return f"{self.tender.reference} / bid {self.pk}"

    @transition(field=state, source=[State.DRAFT, State.WITHDRAWN], target=State.SUBMITTED)
    def submit(self, received_at, content_sha256):
        self.submitted_at = received_at
        self.content_sha256 = content_sha256
        self.needs_reconfirmation = False
        self.reminded_days = None

    @transition(field=state, source=State.SUBMITTED, target=State.WITHDRAWN)
    def withdraw(self):
        self.submitted_at = None
        self.content_sha256 = ""
        self.needs_reconfirmation = False

    @transition(field=state, source=[State.DRAFT, State.WITHDRAWN], target=State.DISCARDED)
    def discard(self):
        pass


class BidSection(models.Model):
    """The technical proposal's answer to one evaluation criterion."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="sections")
    criterion = models.ForeignKey(TenderCriterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("proposal"))

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "criterion"], name="one_section_per_criterion")
        ]
        verbose_name = _("proposal section")
        verbose_name_plural = _("proposal sections")

    def __str__(self):
        return f"bid {self.bid_id} / criterion {self.criterion_id}"


class BidStaff(models.Model):
    """A roster member proposed for the project, with their details as the bid states them.

    The name, position and qualifications are copied from the roster when the bid is
    submitted, so later roster edits do not change what was offered (or its SHA-256).
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="staff")
    staff_member = models.ForeignKey(
        "providers.StaffMember", on_delete=models.PROTECT, related_name="+"
    )
    role_in_project = models.CharField(
        _("role in the project"), max_length=200, blank=True, validators=[validate_single_line]
    )
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    position = models.CharField(_("role or position"), max_length=200, blank=True)
    qualifications = models.TextField(_("qualifications"), blank=True)

    class Meta:
        ordering = ["staff_member_id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "staff_member"], name="staff_once_per_bid")
        ]
        verbose_name = _("proposed staff member")
        verbose_name_plural = _("proposed staff")

    def __str__(self):
        return f"bid {self.bid_id} / staff member {self.staff_member_id}"


class BidBudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", _("Staff costs")
        TRANSPORT = "transport", _("Transport")
        EQUIPMENT = "equipment", _("Equipment and supplies")
        TRAINING = "training", _("Training")
        PREMISES = "premises", _("Premises")
        ADMINISTRATION = "administration", _("Administration")
        OTHER = "other", _("Other")

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    description = models.CharField(
        _("description"), max_length=300, validators=[validate_single_line]
    )
    amount = models.DecimalField(
        _("amount (TMT)"), max_digits=14, decimal_places=2, validators=amount_validators()
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self):
        return f"bid {self.bid_id} / budget line {self.pk}"


class BidDocument(StoredDocument):
    upload_prefix = "tenders/bids"

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])

    class Meta:
        ordering = ["id"]
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")

    def __str__(self):
        # Not the file name: lists of related objects (such as the admin's deletion summary)
        # must not reveal what a sealed bid contains.
        return f"bid {self.bid_id} / document {self.pk}"
