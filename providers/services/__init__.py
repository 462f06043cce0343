"""Every write to the provider registry. Views, tasks and sweeps call these, nothing else."""

from providers.services.documents import document_add, document_expiry_warn, document_remove
from providers.services.members import (
    invitation_accept,
    invitation_revoke,
    invitation_sign_up,
    member_change_role,
    member_invite,
    member_remove,
)
from providers.services.registration import provider_register, provider_update
from providers.services.staff import staff_add, staff_update, training_add
from providers.services.verification import (
    provider_reinstate,
    provider_reject,
    provider_return,
    provider_submit,
    provider_suspend,
    provider_verify,
)

__all__ = [
    "document_add",
    "document_expiry_warn",
    "document_remove",
    "invitation_accept",
    "invitation_revoke",
    "invitation_sign_up",
    "member_change_role",
    "member_invite",
    "member_remove",
    "provider_register",
    "provider_reinstate",
    "provider_reject",
    "provider_return",
    "provider_submit",
    "provider_suspend",
    "provider_update",
    "provider_verify",
    "staff_add",
    "staff_update",
    "training_add",
]
