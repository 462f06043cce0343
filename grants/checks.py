"""What an agreement needs before it can be signed, as messages for people.

The detail page shows these as a checklist; each confirmation of the signed file is refused
while any remains.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from grants.models import TrancheCondition
from grants.schedule import reporting_periods
from portal.formatting import money, percent


@dataclass(frozen=True)
class Problem:
    """One thing to fix: ``section`` names the part of the page (terms, budget, targets,
    tranches, document) it concerns."""

    section: str
    code: str
    message: str


def signing_problems(agreement):
    """Everything that keeps ``agreement`` from being signed, in page order; empty when ready."""
    return [
        *_budget_problems(agreement),
        *_target_problems(agreement),
        *_tranche_problems(agreement),
        *_document_problems(agreement),
    ]


def _budget_problems(agreement):
    lines = agreement.budget_lines.all()
    if not lines.exists():
        return [Problem("budget", "budget_missing", _("Add the budget lines."))]
    total = lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if total != agreement.amount:
        return [
            Problem(
                "budget",
                "budget_total",
                _(
                    "The budget lines add up to %(total)s TMT; they must add up to the grant "
                    "amount, %(amount)s TMT."
                )
                % {"total": money(total), "amount": money(agreement.amount)},
            )
        ]
    return []


def _target_problems(agreement):
    targets = list(agreement.targets.all())
    if not targets:
        return [Problem("targets", "targets_missing", _("Add at least one target."))]
    unset = [target for target in targets if not target.number]
    if unset:
        return [
            Problem(
                "targets",
                "target_number",
                _("Set a number above zero for every target: %(targets)s.")
                % {"targets": ", ".join(target.label for target in unset)},
            )
        ]
    return []


def _tranche_problems(agreement):
    tranches = list(agreement.tranches.all())
    if not tranches:
        return [Problem("tranches", "tranches_missing", _("Add the tranche plan."))]
    problems = []
    total = sum((tranche.percentage for tranche in tranches), Decimal(0))
    if total != Decimal(100):
        problems.append(
            Problem(
                "tranches",
                "tranche_total",
                _("The tranche percentages add up to %(total)s %%; they must add up to 100 %%.")
                % {"total": percent(total)},
            )
        )
    periods = len(
        reporting_periods(
            agreement.start_date, agreement.end_date, agreement.reporting_frequency, 0
        )
    )
    for tranche in tranches:
        if tranche.condition == TrancheCondition.PERIOD_REPORT and not (
            tranche.period_number and 1 <= tranche.period_number <= periods
        ):
            problems.append(
                Problem(
                    "tranches",
                    "tranche_report",
                    _(
                        "Tranche %(number)s is tied to report %(report)s, but the grant has "
                        "%(periods)s reporting periods."
                    )
                    % {
                        "number": tranche.position,
                        "report": tranche.period_number or "—",
                        "periods": periods,
                    },
                )
            )
    return problems


def _document_problems(agreement):
    if not agreement.documents.exists():
        return [Problem("document", "document_missing", _("Upload the signed agreement file."))]
    return []
