from providers.models.documents import DocumentType, ProviderDocument
from providers.models.membership import Invitation, MemberRole, Membership
from providers.models.organisation import LegalForm, Provider, ProviderState
from providers.models.staff import StaffMember, TrainingCertificate, TrainingRecord

__all__ = [
    "DocumentType",
    "Invitation",
    "LegalForm",
    "MemberRole",
    "Membership",
    "Provider",
    "ProviderDocument",
    "ProviderState",
    "StaffMember",
    "TrainingCertificate",
    "TrainingRecord",
]
