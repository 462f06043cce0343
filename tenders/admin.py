"""Admin of tenders, for system administrators: a read-only view.

Tenders are written, published, amended and cancelled through the portal's pages, whose
services check the rules, write the audit log and tell the people concerned; the admin
changes nothing behind their backs.
"""

from django.contrib import admin

from tenders.models import (
    Amendment,
    Clarification,
    Release,
    Tender,
    TenderCriterion,
    TenderDocument,
)
from workflows.admin import ReadOnlyMixin


class CriterionInline(ReadOnlyMixin, admin.TabularInline):
    model = TenderCriterion
    fields = ("position", "title_tk", "title_ru", "weight", "max_points")
    readonly_fields = fields


class DocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = TenderDocument
    fields = ("title", "original_name", "size", "uploaded_at", "withdrawn_at")
    readonly_fields = fields


class AmendmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Amendment
    fields = ("number", "reason", "made_by", "made_at")
    readonly_fields = fields


@admin.register(Tender)
class TenderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("reference", "title", "state", "service_type", "velayat", "submission_deadline")
    list_filter = ("state", "service_type", "velayat")
    search_fields = ("reference", "title_tk", "title_ru", "title_en")
    date_hierarchy = "submission_deadline"
    list_select_related = ("service_type", "velayat")
    inlines = [CriterionInline, DocumentInline, AmendmentInline]


@admin.register(Clarification)
class ClarificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("tender", "provider", "asked_at", "answered_at")
    list_filter = ("answered_at",)
    search_fields = ("tender__reference", "question", "answer")
    list_select_related = ("tender", "provider")


@admin.register(Release)
class ReleaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Published open-data releases: evidence of what the public was told, never edited."""

    list_display = ("release_id", "ocid", "date", "tags")
    search_fields = ("ocid", "release_id")
    date_hierarchy = "date"
    fields = ("release_id", "ocid", "date", "tags", "data")
    readonly_fields = fields
