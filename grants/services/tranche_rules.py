"""What a tranche waits for: each of its conditions, and whether it is met.

The same list decides and explains: a tranche is released (made eligible) only when all its
release conditions are met, approved and paid only when its payment conditions are met too,
and the tranche page shows the list as it stands. A rule added here is enforced and shown at
once, so the page cannot tell a different story from the services.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from grants.models import AgreementState, ReportKind, ReportState, TrancheCondition, TrancheState
from portal.formatting import day
from workflows.errors import DomainError, interpolate_lazy

RELEASE = "release"
PAYMENT = "payment"


@dataclass(frozen=True)
class Condition:
    """One condition of a tranche: ``code`` for programs, ``label`` (lazy) for people,
    ``stage`` is ``RELEASE`` (needed to become eligible) or ``PAYMENT`` (needed to be
    approved and paid)."""

    code: str
    label: str
    met: bool
    stage: str


def tranche_conditions(tranche):
    """Every condition ``tranche`` must meet before it is paid, in the order they are met:
    the agreement signed, the report it is tied to accepted (for report tranches), then no
    hold on payments."""
    agreement = tranche.agreement
    conditions = [
        Condition(
            "signed",
            _("The agreement is signed by both parties"),
            agreement.signed_at is not None,
            RELEASE,
        )
    ]
    if tranche.condition != TrancheCondition.SIGNING:
        report = tranche.report
        conditions.append(
            Condition(
                "report_accepted",
                _report_label(tranche),
                report is not None and report.state == ReportState.ACCEPTED,
                RELEASE,
            )
        )
    conditions.append(
        Condition(
            "not_on_hold",
            _("The agreement is not suspended (payments are not on hold)"),
            agreement.state != AgreementState.SUSPENDED,
            PAYMENT,
        )
    )
    return conditions


def is_due(tranche):
    """Whether ``tranche`` has earned its release: every release condition is met."""
    return all(c.met for c in tranche_conditions(tranche) if c.stage == RELEASE)


# What approving or paying says while a payment condition is unmet: condition code ->
# (error code, message).
PAYMENT_REFUSALS = {
    "not_on_hold": ("on_hold", _("Payments are on hold while the agreement is suspended.")),
}


def require_payable(tranche):
    """Refuse approving or paying ``tranche`` while a payment condition is unmet."""
    for condition in tranche_conditions(tranche):
        if condition.stage == PAYMENT and not condition.met:
            raise DomainError(*PAYMENT_REFUSALS[condition.code])


def payment_refusal(actor, tranche):
    """The DomainError that refuses ``actor`` recording ``tranche``'s payment because they
    approved it themselves (four eyes, ``settings.FOUR_EYES``), or None."""
    if (
        settings.FOUR_EYES
        and tranche.state == TrancheState.APPROVED
        and tranche.approved_by_id is not None
        and tranche.approved_by_id == getattr(actor, "pk", None)
    ):
        return DomainError(
            "four_eyes",
            _(
                "You approved this tranche, so another grant officer must record its payment "
                "(four eyes)."
            ),
        )
    return None


def _report_label(tranche):
    report = tranche.report
    if report is None and tranche.condition == TrancheCondition.FINAL_REPORT:
        return _("The final report is accepted")
    if report is None:
        return interpolate_lazy(
            _("Report %(number)s is accepted"), {"number": tranche.period_number or ""}
        )
    if report.kind == ReportKind.FINAL:
        return interpolate_lazy(
            _("The final report (%(start)s – %(end)s) is accepted"),
            {"start": day(report.period_start), "end": day(report.period_end)},
        )
    return interpolate_lazy(
        _("Report %(number)s for %(start)s – %(end)s is accepted"),
        {
            "number": report.number,
            "start": day(report.period_start),
            "end": day(report.period_end),
        },
    )
