"""The implementation stage (``implementation``): each paid tranche as a transaction and each
accepted report as a met reporting milestone.

A milestone tells the report's totals only (service users, cases, services delivered): never
its breakdown by target group, etrap, sex and age, its narrative or its files, which could point
to the people served. A transaction tells the amount and the day paid, not the bank reference.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from grants.models import ReportState, TrancheState
from grants.opendata.common import publish_contract
from tenders.opendata.common import day_end, day_start, moment, money, translated
from tenders.opendata.parties import ministry_reference, provider_reference


def on_paid(*, subject, entry, **_payload):
    """A tranche paid: the contract's implementation with every payment and report so far."""
    agreement = subject.agreement
    publish_contract(agreement, entry, "implementation", implementation=implementation(agreement))


def on_report_accepted(*, subject, entry, **_payload):
    """A report accepted: the contract's implementation with every payment and report so far."""
    agreement = subject.agreement
    publish_contract(agreement, entry, "implementation", implementation=implementation(agreement))


def implementation(agreement):
    """Every paid tranche and accepted report of ``agreement`` so far."""
    tranches = agreement.tranches.filter(state=TrancheState.PAID).order_by("position", "id")
    reports = (
        agreement.reports.filter(state=ReportState.ACCEPTED)
        .prefetch_related("service_counts")
        .order_by("number")
    )
    section = {
        "transactions": [_transaction(agreement, tranche) for tranche in tranches],
        "milestones": [_milestone(report) for report in reports],
    }
    return {key: value for key, value in section.items() if value}


def _transaction(agreement, tranche):
    return {
        "id": f"{agreement.reference}-{tranche.position}",
        "date": day_start(tranche.paid_on),
        "value": money(tranche.amount),
        "payer": ministry_reference(),
        "payee": provider_reference(agreement.grantee),
    }


def _milestone(report):
    return {
        "id": f"report-{report.number}",
        **translated("title", lambda: capfirst(report.label)),
        "type": "reporting",
        "status": "met",
        "dueDate": day_end(report.due_date),
        "dateMet": moment(report.accepted_at),
        **translated("description", lambda: _figures(report)),
    }


def _figures(report):
    return _(
        "Period %(start)s to %(end)s. Service users: %(new)s new, %(continuing)s continuing. "
        "Cases: %(opened)s opened, %(active)s active at the end of the period, %(closed)s "
        "closed. Services delivered: %(services)s."
    ) % {
        "start": report.period_start.isoformat(),
        "end": report.period_end.isoformat(),
        "new": report.beneficiaries_new or 0,
        "continuing": report.beneficiaries_continuing or 0,
        "opened": report.cases_opened or 0,
        "active": report.cases_active or 0,
        "closed": report.cases_closed or 0,
        "services": sum(count.count for count in report.service_counts.all()),
    }
