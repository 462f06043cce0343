"""What each entry of a grant agreement's or a report's history says, in the reader's
language."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "create": _("Drafted from the award"),
    "update_terms": _("Terms changed"),
    "update_budget": _("Budget changed"),
    "update_targets": _("Targets changed"),
    "update_tranches": _("Tranches changed"),
    "upload_document": _("Signed agreement uploaded"),
    "confirm_signature": _("Signature confirmed"),
    "sign": _("Signed"),
    "activate": _("Activated"),
    "suspend": _("Suspended"),
    "resume": _("Resumed"),
    "complete": _("Completed"),
    "terminate": _("Terminated"),
    "open": _("Opened for reporting"),
    "save": _("Saved"),
    "attach": _("Attachment added"),
    "detach": _("Attachment removed"),
    "submit": _("Submitted"),
    "return_for_revision": _("Returned for revision"),
    "resubmit": _("Resubmitted"),
    "accept": _("Accepted"),
    "cancel": _("Cancelled"),
    "mark_overdue": _("Marked overdue"),
    "escalate": _("Reported to the grant officers as late"),
    "record_payment_refused": _("Payment refused: the approver cannot record it"),
}
