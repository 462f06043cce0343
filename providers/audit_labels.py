"""What each entry of an organisation's history says, in the reader's language."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "register": _("Registered"),
    "update": _("Details changed"),
    "submit": _("Submitted for verification"),
    "verify": _("Verified"),
    "return_for_changes": _("Returned for changes"),
    "reject": _("Rejected"),
    "suspend": _("Suspended"),
    "reinstate": _("Reinstated"),
    "member_invite": _("Member invited"),
    "invitation_accept": _("Invitation accepted"),
    "invitation_revoke": _("Invitation withdrawn"),
    "member_change_role": _("Member's role changed"),
    "member_remove": _("Member removed"),
    "document_add": _("Document added"),
    "document_remove": _("Document removed"),
    "staff_add": _("Staff member added"),
    "staff_update": _("Staff member's details changed"),
    "training_add": _("Training recorded"),
}
