from portal.models.accounts import Role, User
from portal.models.reference import Etrap, ServiceType, TargetGroup, Velayat

__all__ = ["Etrap", "Role", "ServiceType", "TargetGroup", "User", "Velayat"]
