"""The dashboard's numbers across many grants, computed in the database.

Every function takes a queryset of agreements (already scoped to the user and filtered) and
runs the same few queries whatever the number of grants and reports. Figures across every grant
are one grouped or conditional aggregate per kind of row, so each row is read once; sums per
agreement are correlated subqueries, never joins that would multiply rows. Nothing is added up
in Python.
"""

import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    ValueRange,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, NullIf, TruncDate, TruncMonth
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from grants.models import (
    AgreementState,
    GrantAgreement,
    GrantTarget,
    PilotReport,
    ReportBeneficiaryCount,
    ReportExpenditure,
    ReportKind,
    ReportState,
    TargetMeasure,
    Tranche,
    TrancheState,
)
from grants.selectors import agreements_visible_to
from portal.models import Etrap, TargetGroup
from portal.ordering import reference_order

MONEY = models.DecimalField(max_digits=16, decimal_places=2)
# Submitted at least once and not sent back: on time or late, by the first submission.
SENT_STATES = (ReportState.SUBMITTED, ReportState.RESUBMITTED, ReportState.ACCEPTED)
TRANCHES_DUE = (TrancheState.ELIGIBLE, TrancheState.APPROVED)


class Deadline(models.TextChoices):
    """Where a report stands against its due date. Scheduled and cancelled reports have none."""

    ON_TIME = "on_time", _("Submitted on time")
    LATE = "late", _("Submitted late")
    DUE = "due", _("Due, not submitted yet")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", _("Returned for revision")


def dashboard_agreements(user):
    """The pilots a grant officer monitors: every agreement past its draft that ``user`` may see
    (none for anybody else)."""
    return agreements_visible_to(user).exclude(state=AgreementState.DRAFT)


def dashboard_agreement_for(user, pk):
    """Agreement ``pk`` among ``dashboard_agreements(user)``, else Http404."""
    agreement = dashboard_agreements(user).filter(pk=pk).first()
    if agreement is None:
        raise Http404
    return agreement


def counted(prefix="report__"):
    """Rows (reached through ``prefix``) of the reports that count: accepted ones, and of a
    grant whose final report is accepted, only that one, which covers the whole grant."""
    final_accepted = PilotReport.objects.filter(
        agreement=OuterRef(f"{prefix}agreement"),
        kind=ReportKind.FINAL,
        state=ReportState.ACCEPTED,
    )
    return Q(**{f"{prefix}state": ReportState.ACCEPTED}) & (
        Q(**{f"{prefix}kind": ReportKind.FINAL}) | ~Exists(final_accepted)
    )


class _Sum(models.Func):
    # SUM as a plain function, so the ORM adds no GROUP BY: filtered on an OuterRef, the
    # correlated subquery returns exactly one row, whatever it matches.
    function = "SUM"


class _Count(models.Func):
    function = "COUNT"


def subquery_sum(rows, field, output_field=None):
    """The sum of ``field`` over ``rows`` (a queryset filtered on an ``OuterRef``), 0 when none."""
    output_field = output_field or IntegerField()
    total = rows.order_by().annotate(total=_Sum(field, output_field=output_field))
    return Coalesce(
        Subquery(total.values("total")[:1], output_field=output_field),
        Value(0, output_field=output_field),
    )


def subquery_count(rows):
    """How many ``rows`` there are (a queryset filtered on an ``OuterRef``)."""
    total = rows.order_by().annotate(total=_Count("pk", output_field=IntegerField()))
    return Coalesce(Subquery(total.values("total")[:1]), Value(0))


def percentage(part, whole):
    """``part`` as a percentage of ``whole`` (as a float), or None when ``whole`` is 0."""
    return Cast(part, FloatField()) * Value(100.0) / NullIf(Cast(whole, FloatField()), Value(0.0))


def _ids(agreements):
    return agreements.values("pk")


def beneficiaries_by_target_group(agreements):
    """Target groups with a target or service users reached: ``target`` (the sum of the
    service-user targets set for the group), ``reached`` (new service users in the counted
    reports: each person counts once, in the period they were first served) and ``share``."""
    return _against_targets(TargetGroup.objects.order_by("name_en"), "target_group", agreements)


def beneficiaries_by_etrap(agreements):
    """Etraps with a target or service users reached, as ``beneficiaries_by_target_group``."""
    rows = Etrap.objects.select_related("velayat").order_by("velayat__code", "name_tk", "pk")
    return _against_targets(rows, "etrap", agreements)


def _against_targets(places, place, agreements):
    # Both sums come from one query, grouped by place over every place at once, and the places
    # are then read by their keys. Summed per place in correlated subqueries, the counted
    # reports would be worked out again for every place and for every mention of the sum.
    ids = _ids(agreements)
    targets = GrantTarget.objects.filter(agreement__in=ids, measure=TargetMeasure.BENEFICIARIES)
    cells = ReportBeneficiaryCount.objects.filter(counted(), report__agreement__in=ids)
    sums = _sum_by(targets, place, "number", "target").union(
        _sum_by(cells, place, "new", "reached"), all=True
    )
    figures = {}
    for key, name, total in sums.values_list(place, "figure", "total"):
        if key is not None:
            figures.setdefault(key, {"target": 0, "reached": 0})[name] = total or 0
    rows = list(places.filter(pk__in=figures))
    for row in rows:
        row.target = figures[row.pk]["target"]
        row.reached = figures[row.pk]["reached"]
        row.share = row.reached * 100.0 / row.target if row.target else None
    return [row for row in rows if row.target > 0 or row.reached > 0]


def _sum_by(rows, place, field, name):
    """The sum of ``field`` over ``rows`` per ``place``, labelled ``name`` as its ``figure``."""
    return (
        rows.order_by()
        .values(place)
        .annotate(figure=Value(name, output_field=models.CharField()), total=Sum(field))
        .values(place, "figure", "total")
    )


def beneficiaries_over_time(agreements):
    """Per calendar ``month`` in which reporting periods end, from accepted period reports:
    ``new_users``, ``continuing_users`` and ``cumulative`` new ones up to that month."""
    cells = ReportBeneficiaryCount.objects.filter(
        report__agreement__in=_ids(agreements),
        report__state=ReportState.ACCEPTED,
        report__kind=ReportKind.PERIOD,
    ).annotate(month=TruncMonth("report__period_end"))
    in_month = {"partition_by": [F("month")]}
    # Windows over the cells, one distinct row per month: the running total's frame takes in
    # every cell of the months so far, its own month's included.
    up_to_month = {"order_by": F("month").asc(), "frame": ValueRange(start=None, end=0)}
    return (
        cells.annotate(
            new_users=Window(Sum("new"), **in_month),
            continuing_users=Window(Sum("continuing"), **in_month),
            cumulative=Window(Sum("new"), **up_to_month),
        )
        .values("month", "new_users", "continuing_users", "cumulative")
        .distinct()
        .order_by("month")
    )


def deadline_status(today):
    """A report's ``Deadline`` value ("" for scheduled and cancelled reports) as an expression;
    needs ``first_submitted_on`` (see ``with_deadline``)."""
    return Case(
        When(Q(state=ReportState.OPEN, due_date__lt=today), then=Value(Deadline.OVERDUE)),
        When(state=ReportState.OPEN, then=Value(Deadline.DUE)),
        When(state=ReportState.RETURNED, then=Value(Deadline.RETURNED)),
        When(
            Q(state__in=SENT_STATES, first_submitted_on__lte=F("due_date")),
            then=Value(Deadline.ON_TIME),
        ),
        When(state__in=SENT_STATES, then=Value(Deadline.LATE)),
        default=Value(""),
        output_field=models.CharField(),
    )


def with_deadline(reports, today):
    """``reports`` with ``first_submitted_on`` (the Ashgabat day of the first submission) and
    ``deadline`` (a ``Deadline`` value) on ``today``."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return reports.annotate(
        first_submitted_on=TruncDate("first_submitted_at", tzinfo=zone)
    ).annotate(deadline=deadline_status(today))


def report_deadlines(agreements, today):
    """How many reports of ``agreements`` are in each ``Deadline`` state on ``today``."""
    reports = with_deadline(PilotReport.objects.filter(agreement__in=_ids(agreements)), today)
    return reports.aggregate(
        **{status: Count("pk", filter=Q(deadline=status)) for status in Deadline.values}
    )


def agreement_figures(agreements, today):
    """``agreements`` with their money and reporting figures: ``spent`` (expenditure in the
    counted reports), ``burn_rate`` (spent as a percentage of the amount), ``reached``, the
    tranche amounts ``tranches_eligible``, ``tranches_approved``, ``tranches_due`` (both) and
    ``tranches_paid``, and ``reports_overdue``."""
    spent = ReportExpenditure.objects.filter(counted(), report__agreement=OuterRef("pk"))
    cells = ReportBeneficiaryCount.objects.filter(counted(), report__agreement=OuterRef("pk"))
    tranches = Tranche.objects.filter(agreement=OuterRef("pk"))
    overdue = PilotReport.objects.filter(
        agreement=OuterRef("pk"), state=ReportState.OPEN, due_date__lt=today
    )
    return (
        agreements.annotate(
            spent=subquery_sum(spent, "amount", MONEY),
            reached=subquery_sum(cells, "new"),
            tranches_eligible=subquery_sum(
                tranches.filter(state=TrancheState.ELIGIBLE), "amount", MONEY
            ),
            tranches_approved=subquery_sum(
                tranches.filter(state=TrancheState.APPROVED), "amount", MONEY
            ),
            tranches_due=subquery_sum(tranches.filter(state__in=TRANCHES_DUE), "amount", MONEY),
            tranches_paid=subquery_sum(tranches.filter(state=TrancheState.PAID), "amount", MONEY),
            reports_overdue=subquery_count(overdue),
        )
        .annotate(burn_rate=percentage(F("spent"), F("amount")))
        .order_by(*reference_order())
    )


def totals(agreements, today):
    """The sums of ``agreement_figures`` over every agreement, with ``agreements`` (their
    number), ``budget`` and the overall ``burn_rate``, each sum in one pass over its rows."""
    ids = _ids(agreements)
    zero = Value(0, output_field=MONEY)
    result = GrantAgreement.objects.filter(pk__in=ids).aggregate(
        agreements=Count("pk"), budget=Coalesce(Sum("amount"), zero)
    )
    result["spent"] = ReportExpenditure.objects.filter(
        counted(), report__agreement__in=ids
    ).aggregate(total=Coalesce(Sum("amount"), zero))["total"]
    result["burn_rate"] = (
        float(result["spent"]) * 100.0 / float(result["budget"]) if result["budget"] else None
    )
    result["reached"] = ReportBeneficiaryCount.objects.filter(
        counted(), report__agreement__in=ids
    ).aggregate(total=Coalesce(Sum("new"), 0))["total"]
    tranches = {
        "tranches_eligible": Q(state=TrancheState.ELIGIBLE),
        "tranches_approved": Q(state=TrancheState.APPROVED),
        "tranches_due": Q(state__in=TRANCHES_DUE),
        "tranches_paid": Q(state=TrancheState.PAID),
    }
    result |= Tranche.objects.filter(agreement__in=ids).aggregate(
        **{name: Coalesce(Sum("amount", filter=rows), zero) for name, rows in tranches.items()}
    )
    result["reports_overdue"] = PilotReport.objects.filter(
        agreement__in=ids, state=ReportState.OPEN, due_date__lt=today
    ).count()
    return result


def tranche_figures(agreements):
    """Number and amount of the tranches of ``agreements`` in each of the states that matter
    for payments: eligible and approved (due, not paid) and paid."""
    rows = Tranche.objects.filter(agreement__in=_ids(agreements))
    figures = {}
    for state in (*TRANCHES_DUE, TrancheState.PAID):
        figures[f"{state}_count"] = Count("pk", filter=Q(state=state))
        figures[f"{state}_amount"] = Coalesce(
            Sum("amount", filter=Q(state=state)), Value(0, output_field=MONEY)
        )
    return rows.aggregate(**figures)
