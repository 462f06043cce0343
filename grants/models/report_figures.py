"""The numbers of a pilot service report, one row each, so the monitoring views can sum them
in the database: beneficiaries per breakdown cell, services delivered, target values reached and
spending per budget line. None of them names or identifies a service user."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grants.models.report import AgeBand, PilotReport, ServiceKind, Sex
from portal.validators import MAX_COUNT, count_validators, non_negative_amount_validators


class ReportBeneficiaryCount(models.Model):
    """Service users in one cell of the breakdown: target group × etrap × sex × age band.

    Each person is counted once, under their main target group, as new (first served in this
    period) or continuing (served before and still supported).
    """

    report = models.ForeignKey(
        PilotReport, on_delete=models.CASCADE, related_name="beneficiary_counts"
    )
    target_group = models.ForeignKey(
        "portal.TargetGroup",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("target group"),
    )
    etrap = models.ForeignKey(
        "portal.Etrap", on_delete=models.PROTECT, related_name="+", verbose_name=_("etrap")
    )
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices)
    new = models.PositiveIntegerField(_("new"), default=0, validators=count_validators())
    continuing = models.PositiveIntegerField(
        _("continuing"), default=0, validators=count_validators()
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("service users by group")
        verbose_name_plural = _("service users by group")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target_group", "etrap", "sex", "age_band"],
                name="one_beneficiary_cell",
            ),
            models.CheckConstraint(
                condition=Q(new__lte=MAX_COUNT, continuing__lte=MAX_COUNT),
                name="beneficiary_cell_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.target_group} · {self.etrap} · {self.sex} · {self.age_band}"


class ReportServiceCount(models.Model):
    report = models.ForeignKey(PilotReport, on_delete=models.CASCADE, related_name="service_counts")
    kind = models.CharField(_("service"), max_length=32, choices=ServiceKind.choices)
    count = models.PositiveIntegerField(
        _("number delivered"), default=0, validators=count_validators()
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kind"], name="one_count_per_service_kind"),
            models.CheckConstraint(
                condition=Q(count__lte=MAX_COUNT), name="service_count_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.count}"


class ReportTargetValue(models.Model):
    """The value a report gives for one of the agreement's targets, for its period."""

    report = models.ForeignKey(PilotReport, on_delete=models.CASCADE, related_name="target_values")
    target = models.ForeignKey(
        "grants.GrantTarget", on_delete=models.CASCADE, related_name="values"
    )
    value = models.PositiveIntegerField(
        _("value"), null=True, blank=True, validators=count_validators()
    )

    class Meta:
        ordering = ["target__position", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="one_value_per_target"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__lte=MAX_COUNT),
                name="target_value_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.target}: {self.value}"


class ReportExpenditure(models.Model):
    """Money spent in the report's period on one budget line."""

    report = models.ForeignKey(PilotReport, on_delete=models.CASCADE, related_name="expenditures")
    budget_line = models.ForeignKey(
        "grants.GrantBudgetLine", on_delete=models.CASCADE, related_name="expenditures"
    )
    amount = models.DecimalField(
        _("spent (TMT)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=non_negative_amount_validators(),
    )
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ["budget_line__position", "budget_line_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "budget_line"], name="one_expenditure_per_line"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="expenditure_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.budget_line}: {self.amount}"
