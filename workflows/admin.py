"""Read-only admin pages: the audit log, the outbox and notifications are evidence, not forms."""

from django.contrib import admin

from workflows.models import (
    AuditCheckpoint,
    AuditEntry,
    AuditVerification,
    FileJob,
    Notification,
    OutboxMessage,
)


class ReadOnlyMixin:
    """Staff may look; nobody adds, changes or deletes through the admin, since changes go through
    the services that check and audit them. For admin pages and inlines alike."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = [
        "sequence",
        "created_at",
        "object_repr",
        "action",
        "source_state",
        "target_state",
        "actor",
    ]
    list_filter = ["content_type", "action"]
    search_fields = ["object_repr", "object_id", "note", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ["checked_at", "ok", "count", "problem", "entry_sequence", "head_hash"]
    list_filter = ["ok", "problem"]


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["day", "created_at", "count", "head_hash", "file"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "recipient", "channel", "published_at", "delivered_at"]
    list_filter = ["channel", "event"]
    search_fields = ["key", "recipient__email"]
    list_select_related = ["recipient"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "title", "read_at"]
    search_fields = ["title", "recipient__email"]
    list_select_related = ["recipient"]


@admin.register(FileJob)
class FileJobAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "owner", "state", "progress", "finished_at"]
    list_filter = ["state", "kind"]
    search_fields = ["owner__email", "error"]
    list_select_related = ["owner"]
    # Files are served only through the permission-checked download view.
    exclude = ["file", "fingerprint"]
