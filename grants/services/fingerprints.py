"""What the report page shows before its grantee submits it, as a fingerprint (see
``workflows.fingerprints``), so a report changed in another tab or by a colleague after the
page was opened is not sent for review unseen. The check runs inside the submitting
service's transaction, after the row lock."""

from django.utils.translation import gettext_lazy as _

from grants.services.report_entry import SCALAR_FIELDS, TEXT_FIELDS
from workflows.fingerprints import PageVersion


def report_parts(report):
    """The report's figures, narrative, expenditure and attachments, as its page shows them."""
    return {
        "figures": {
            "totals": [getattr(report, name) for name in SCALAR_FIELDS],
            "cells": list(
                report.beneficiary_counts.order_by(
                    "target_group_id", "etrap_id", "sex", "age_band"
                ).values_list("target_group_id", "etrap_id", "sex", "age_band", "new", "continuing")
            ),
            "services": list(report.service_counts.order_by("kind").values_list("kind", "count")),
            "targets": list(
                report.target_values.order_by("target_id").values_list("target_id", "value")
            ),
        },
        "narrative": [getattr(report, name) for name in TEXT_FIELDS],
        "expenditure": list(
            report.expenditures.order_by("budget_line_id").values_list(
                "budget_line_id", "amount", "explanation"
            )
        ),
        "attachments": list(
            report.attachments.order_by("pk").values_list("title", "original_name", "sha256")
        ),
    }


REPORT_LABELS = {
    "figures": _("the figures changed"),
    "narrative": _("the narrative changed"),
    "expenditure": _("the expenditure changed"),
    "attachments": _("the attachments changed"),
}


REPORT_PAGE = PageVersion(
    report_parts,
    REPORT_LABELS,
    message=_(
        "The report changed after you opened this page: %(changes)s. Check it and submit again."
    ),
)
report_fingerprint = REPORT_PAGE.of
check_report_seen = REPORT_PAGE.check
