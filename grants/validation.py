"""Whether a report's content is complete and consistent, section by section.

Draft saves only refuse impossible values (negative numbers, a cell outside the agreement);
these checks decide whether the report can be submitted, and the report pages show them so the
grantee sees what is missing before submitting.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext as _

from grants.models import (
    ReportExpenditure,
    ReportKind,
    ReportSection,
    ReportState,
    ServiceKind,
)
from portal.formatting import money, percent, whole

DEFAULT_TOLERANCE_PERCENT = 10


@dataclass(frozen=True)
class ReportProblem:
    """One thing to fix in ``section``; ``field`` names the form field when there is one."""

    section: str
    message: str
    field: str = ""


def overspend_tolerance():
    """How far (in %) spending may exceed a budget line before it needs an explanation:
    ``settings.GRANTS_OVERSPEND_TOLERANCE_PERCENT``, 10 when unset."""
    return Decimal(
        str(getattr(settings, "GRANTS_OVERSPEND_TOLERANCE_PERCENT", DEFAULT_TOLERANCE_PERCENT))
    )


def report_problems(report):
    """Every problem keeping ``report`` from being submitted, in the order of its sections."""
    return [
        *_beneficiary_problems(report),
        *_case_problems(report),
        *_service_problems(report),
        *_target_problems(report),
        *_expenditure_problems(report),
        *_narrative_problems(report),
    ]


def problems_by_section(problems):
    grouped = defaultdict(list)
    for problem in problems:
        grouped[problem.section].append(problem)
    return dict(grouped)


def _beneficiary_problems(report):
    section = ReportSection.BENEFICIARIES
    if report.beneficiaries_new is None or report.beneficiaries_continuing is None:
        return [
            ReportProblem(section, _("Give the numbers of new and of continuing service users."))
        ]
    sums = report.beneficiary_counts.aggregate(new=Sum("new"), continuing=Sum("continuing"))
    problems = []
    for field, total, label in (
        ("beneficiaries_new", report.beneficiaries_new, _("new service users")),
        (
            "beneficiaries_continuing",
            report.beneficiaries_continuing,
            _("continuing service users"),
        ),
    ):
        counted = sums[field.removeprefix("beneficiaries_")] or 0
        if counted != total:
            problems.append(
                ReportProblem(
                    section,
                    _(
                        "The breakdown counts %(counted)s %(label)s, but the total says "
                        "%(total)s; the breakdown must add up to the total."
                    )
                    % {"counted": whole(counted), "label": label, "total": whole(total)},
                    field,
                )
            )
    return problems


def _case_problems(report):
    missing = [
        field
        for field in ("cases_opened", "cases_active", "cases_closed")
        if getattr(report, field) is None
    ]
    if missing:
        return [
            ReportProblem(
                ReportSection.CASES,
                _("Give the numbers of cases opened, active and closed (0 if none)."),
                missing[0],
            )
        ]
    return []


def _service_problems(report):
    other = report.service_counts.filter(kind=ServiceKind.OTHER, count__gt=0).exists()
    if other and not report.services_other_description.strip():
        return [
            ReportProblem(
                ReportSection.SERVICES,
                _("Describe the other services delivered."),
                "services_other_description",
            )
        ]
    return []


def _target_problems(report):
    given = set(
        report.target_values.filter(value__isnull=False).values_list("target_id", flat=True)
    )
    missing = [target for target in report.agreement.targets.all() if target.pk not in given]
    if missing:
        return [
            ReportProblem(
                ReportSection.TARGETS,
                _("Give this period's value for every target (0 if none): %(targets)s.")
                % {"targets": "; ".join(target.label for target in missing)},
            )
        ]
    return []


def _expenditure_problems(report):
    section = ReportSection.EXPENDITURE
    rows = {row.budget_line_id: row for row in report.expenditures.all()}
    lines = list(report.agreement.budget_lines.all())
    missing = [line for line in lines if rows.get(line.pk) is None or rows[line.pk].amount is None]
    problems = []
    if missing:
        problems.append(
            ReportProblem(
                section,
                _("Give the expenditure on every budget line (0 if nothing was spent): %(lines)s.")
                % {"lines": "; ".join(line.description for line in missing)},
            )
        )
    spent = spent_to_date(report)
    tolerance = overspend_tolerance()
    for line in lines:
        row = rows.get(line.pk)
        if row is None or row.explanation.strip() or not is_overspent(line, spent, tolerance):
            continue
        problems.append(
            ReportProblem(
                section,
                _(
                    "Spending on “%(line)s” is %(spent)s TMT against a budget of %(budget)s "
                    "TMT, more than %(tolerance)s %% over: explain why."
                )
                % {
                    "line": line.description,
                    "spent": money(spent.get(line.pk, 0)),
                    "budget": money(line.amount),
                    "tolerance": percent(tolerance),
                },
                f"explanation_{line.pk}",
            )
        )
    return problems


def spent_to_date(report):
    """Spending per budget line id up to the end of ``report``'s period: the final report's own
    figures (it covers the whole grant), or the sum over the period reports so far."""
    rows = ReportExpenditure.objects.filter(report__agreement_id=report.agreement_id)
    if report.kind == ReportKind.FINAL:
        rows = rows.filter(report=report)
    else:
        rows = rows.filter(report__kind=ReportKind.PERIOD, report__number__lte=report.number)
        rows = rows.exclude(report__state=ReportState.CANCELLED)
    return {
        line: total or Decimal(0)
        for line, total in rows.values("budget_line")
        .annotate(total=Sum("amount"))
        .values_list("budget_line", "total")
    }


def is_overspent(line, spent, tolerance):
    """Whether ``spent`` on ``line`` exceeds its amount by more than ``tolerance`` percent."""
    limit = line.amount * (Decimal(100) + tolerance) / Decimal(100)
    return spent.get(line.pk, Decimal(0)) > limit


def _narrative_problems(report):
    section = ReportSection.NARRATIVE
    messages = {
        "achievements": _("Describe the period's achievements."),
        "challenges": _("Describe the challenges met."),
        "changes_observed": _("Describe the changes observed in service users' lives."),
    }
    return [
        ReportProblem(section, message, field)
        for field, message in messages.items()
        if not getattr(report, field).strip()
    ]
