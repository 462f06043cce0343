"""The registry in the Django admin: for looking things up. Changes go through the portal's
pages, where the services check permissions and write the audit log."""

from django.contrib import admin
from django.db import models

from providers.models import Invitation, Membership, Provider, ProviderDocument, StaffMember
from workflows.admin import ReadOnlyAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["user", "role", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Provider)
class ProviderAdmin(ReadOnlyAdmin):
    list_display = ["name_tk", "registration_number", "legal_form", "velayat", "state"]
    list_filter = ["state", "legal_form", "velayat"]
    search_fields = ["name_tk", "name_ru", "name_en", "registration_number"]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ProviderDocument)
class ProviderDocumentAdmin(ReadOnlyAdmin):
    list_display = ["title", "provider", "document_type", "expires_on", "uploaded_at"]
    list_filter = ["document_type"]
    search_fields = ["title", "provider__name_tk", "provider__registration_number"]


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "position", "provider", "active"]
    list_filter = ["active"]
    search_fields = ["full_name", "provider__name_tk"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "provider", "role", "expires_at", "accepted_at", "revoked_at"]
    search_fields = ["email", "provider__name_tk"]
