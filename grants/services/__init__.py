"""Every write about grants goes through these services (see each module's docstring)."""

from grants.services.award import agreement_create_from_award, on_award_finalised
from grants.services.draft import (
    agreement_set_budget,
    agreement_set_targets,
    agreement_set_tranches,
    agreement_update_terms,
    agreement_upload_document,
)
from grants.services.lifecycle import (
    agreement_activate,
    agreement_complete,
    agreement_resume,
    agreement_suspend,
    agreement_terminate,
)
from grants.services.report_deadlines import report_deadline_step, report_open
from grants.services.report_entry import (
    BeneficiaryCell,
    ReportContent,
    report_attach,
    report_detach,
    report_save,
)
from grants.services.report_review import (
    ReportIncomplete,
    report_accept,
    report_resubmit,
    report_return,
    report_submit,
)
from grants.services.signing import agreement_confirm_signature
from grants.services.tranche import tranche_approve, tranche_record_payment

__all__ = [
    "BeneficiaryCell",
    "ReportContent",
    "ReportIncomplete",
    "agreement_activate",
    "agreement_complete",
    "agreement_confirm_signature",
    "agreement_create_from_award",
    "agreement_resume",
    "agreement_set_budget",
    "agreement_set_targets",
    "agreement_set_tranches",
    "agreement_suspend",
    "agreement_terminate",
    "agreement_update_terms",
    "agreement_upload_document",
    "on_award_finalised",
    "report_accept",
    "report_attach",
    "report_deadline_step",
    "report_detach",
    "report_open",
    "report_resubmit",
    "report_return",
    "report_save",
    "report_submit",
    "tranche_approve",
    "tranche_record_payment",
]
