from portal.models.accounts import Role, User
from portal.models.api_token import ApiToken, TokenScope
from portal.models.reference import Etrap, ServiceType, TargetGroup, Velayat

__all__ = [
    "ApiToken",
    "Etrap",
    "Role",
    "ServiceType",
    "TargetGroup",
    "TokenScope",
    "User",
    "Velayat",
]
