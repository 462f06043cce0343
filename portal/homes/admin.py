"""The system administrator's home: the way into the administration and the audit log, the
result of the last audit log check, and messages the outbox gave up delivering."""

from dataclasses import dataclass

from portal import permissions as portal_permissions
from portal.homes.common import Section
from workflows.models import AuditVerification, OutboxMessage
from workflows.tasks import MAX_ATTEMPTS


@dataclass(frozen=True)
class AdminHome:
    may_use_admin_site: bool
    failed_messages: int
    last_verification: AuditVerification | None


def build(user, now):
    if not portal_permissions.is_system_admin(user):
        return None
    failed = OutboxMessage.objects.filter(
        delivered_at__isnull=True, attempts__gte=MAX_ATTEMPTS
    ).count()
    return Section(
        "admin",
        "portal/home_admin.html",
        AdminHome(
            portal_permissions.can_use_admin_site(user),
            failed,
            AuditVerification.objects.order_by("-checked_at", "-id").first(),
        ),
    )
