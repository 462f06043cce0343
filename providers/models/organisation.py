"""The NGO organisation and its verification state machine."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.validators import past_date_validators, validate_single_line


class LegalForm(models.TextChoices):
    PUBLIC_ASSOCIATION = "public_association", _("Public association")
    NATIONAL_SOCIETY = "national_society", _("National society")
    FOUNDATION = "foundation", _("Foundation")
    OTHER = "other", _("Other")


class ProviderState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted for verification")
    VERIFIED = "verified", _("verified")
    RETURNED = "returned", _("returned for changes")
    REJECTED = "rejected", _("rejected")
    SUSPENDED = "suspended", _("suspended")


class Provider(ConcurrentTransitionMixin, models.Model):
    """A non-governmental organisation that may bid for social service contracts."""

    name_tk = models.CharField(
        _("legal name (Turkmen)"), max_length=300, validators=[validate_single_line]
    )
    name_ru = models.CharField(
        _("legal name (Russian)"), max_length=300, validators=[validate_single_line]
    )
    name_en = models.CharField(
        _("legal name (English)"), max_length=300, blank=True, validators=[validate_single_line]
    )
    legal_form = models.CharField(_("legal form"), max_length=32, choices=LegalForm.choices)
    registration_number = models.CharField(
        _("state registration number"),
        max_length=64,
        unique=True,
        validators=[validate_single_line],
    )
    registration_date = models.DateField(
        _("state registration date"), validators=past_date_validators()
    )
    address = models.CharField(_("address"), max_length=500, validators=[validate_single_line])
    velayat = models.ForeignKey(
        "portal.Velayat",
        on_delete=models.PROTECT,
        related_name="providers",
        verbose_name=_("velayat"),
    )
    etrap = models.ForeignKey(
        "portal.Etrap",
        on_delete=models.PROTECT,
        related_name="providers",
        verbose_name=_("etrap"),
    )
    phone = models.CharField(_("phone"), max_length=64, validators=[validate_single_line])
    email = models.EmailField(_("email"))
    website = models.URLField(_("website"), blank=True)
    target_groups = models.ManyToManyField(
        "portal.TargetGroup", blank=True, related_name="providers", verbose_name=_("target groups")
    )
    service_types = models.ManyToManyField(
        "portal.ServiceType", blank=True, related_name="providers", verbose_name=_("service types")
    )
    state = FSMField(
        _("state"),
        max_length=16,
        choices=ProviderState.choices,
        default=ProviderState.DRAFT,
        protected=True,
        db_index=True,
    )
    review_comments = models.TextField(_("officer's comments"), blank=True)
    state_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name_tk"]
        indexes = [
            # The verification officers' list, latest submission first, with its state filter.
            models.Index(fields=["-submitted_at", "name_tk", "id"], name="provider_review_order"),
            models.Index(
                fields=["state", "-submitted_at", "name_tk", "id"], name="provider_state_review"
            ),
        ]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_tk

    @property
    def is_verified(self):
        return self.state == ProviderState.VERIFIED

    @property
    def is_editable(self):
        return self.state in (ProviderState.DRAFT, ProviderState.RETURNED)

    def clean(self):
        super().clean()
        if self.etrap_id and self.velayat_id and self.etrap.velayat_id != self.velayat_id:
            raise ValidationError({"etrap": _("The etrap must belong to the selected velayat.")})

    @transition(
        field=state,
        source=[ProviderState.DRAFT, ProviderState.RETURNED],
        target=ProviderState.SUBMITTED,
    )
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=ProviderState.SUBMITTED, target=ProviderState.VERIFIED)
    def verify(self):
        self.verified_at = timezone.now()
        self.review_comments = ""
        self.state_reason = ""

    @transition(field=state, source=ProviderState.SUBMITTED, target=ProviderState.RETURNED)
    def return_for_changes(self, comments):
        self.review_comments = comments

    @transition(field=state, source=ProviderState.SUBMITTED, target=ProviderState.REJECTED)
    def reject(self, reason):
        self.state_reason = reason

    @transition(field=state, source=ProviderState.VERIFIED, target=ProviderState.SUSPENDED)
    def suspend(self, reason):
        self.state_reason = reason

    @transition(field=state, source=ProviderState.SUSPENDED, target=ProviderState.VERIFIED)
    def reinstate(self):
        self.state_reason = ""
