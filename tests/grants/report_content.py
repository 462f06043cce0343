"""A complete report's content for the report tests, and saving it through the service."""

from decimal import Decimal

from grants.models import ServiceKind
from grants.services import BeneficiaryCell, ReportContent, report_save
from tests.factories.grants import grantee_admin


def content(report, **changes):
    """Content that passes every check for ``report``, with ``changes`` on top."""
    agreement = report.agreement
    group, etrap = agreement.target_groups.first(), agreement.etraps.first()
    values = {
        "beneficiaries_new": 5,
        "beneficiaries_continuing": 2,
        "beneficiaries": (
            BeneficiaryCell(group, etrap, "female", "60_plus", new=3, continuing=2),
            BeneficiaryCell(group, etrap, "male", "60_plus", new=2, continuing=0),
        ),
        "cases_opened": 5,
        "cases_active": 6,
        "cases_closed": 1,
        "services": {ServiceKind.HOME_VISIT: 24, ServiceKind.REFERRAL: 3},
        "target_values": {target.pk: 5 for target in agreement.targets.all()},
        "expenditures": {
            line.pk: (Decimal("9000.00"), "") for line in agreement.budget_lines.all()
        },
        "achievements": "Older people get help at home twice a week.",
        "challenges": "Winter roads.",
        "changes_observed": "Fewer emergency calls.",
    }
    values.update(changes)
    return ReportContent(**values)


def save(report, actor=None, **changes):
    """Save ``content(report, **changes)`` as ``actor`` (the grantee's admin by default)."""
    return report_save(
        actor=actor or grantee_admin(report.agreement),
        report=report,
        content=content(report, **changes),
        seen_version=report.version,
    )
