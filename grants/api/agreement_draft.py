"""A draft agreement over the API: its terms, budget, targets and tranche plan through the
draft pages' forms and services, and the signed agreement file through the page's upload form
and ``agreement_upload_document`` (both sides then confirm it with ``confirm``).

A list part (budget, targets, tranches) is replaced as a whole by the rows sent, as the page
saves the rows it shows."""

from django.core.exceptions import PermissionDenied
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser

from grants import permissions
from grants.api.serializers import AgreementSerializer
from grants.forms.agreement import (
    AgreementFileForm,
    BudgetFormSet,
    TargetFormSet,
    TermsForm,
    TrancheFormSet,
    VersionForm,
)
from grants.models import AgreementDocument, GrantBudgetLine, GrantTarget, Tranche
from grants.services import (
    agreement_set_budget,
    agreement_set_targets,
    agreement_set_tranches,
    agreement_update_terms,
    agreement_upload_document,
)
from portal.api.views import action_schema, body, storing, validated
from workflows.errors import not_allowed

ROWS = {
    "budget": (BudgetFormSet, agreement_set_budget, "lines"),
    "targets": (TargetFormSet, agreement_set_targets, "targets"),
    "tranches": (TrancheFormSet, agreement_set_tranches, "tranches"),
}


class BudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = GrantBudgetLine
        fields = ["category", "description", "amount"]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = GrantTarget
        fields = ["id", "measure", "target_group", "etrap", "number"]


class PlannedTrancheSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tranche
        fields = ["position", "percentage", "amount", "condition", "period_number"]


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementDocument
        fields = ["id", "original_name", "size", "sha256", "mime", "uploaded_at"]


class AgreementDraftSerializer(AgreementSerializer):
    budget = BudgetLineSerializer(source="budget_lines", many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    tranches = PlannedTrancheSerializer(many=True, read_only=True)
    documents = DocumentSerializer(
        many=True, read_only=True, help_text="The signed agreement files, newest first."
    )

    class Meta(AgreementSerializer.Meta):
        fields = [
            *AgreementSerializer.Meta.fields,
            "report_due_days",
            "officer_confirmed_at",
            "grantee_confirmed_at",
            "budget",
            "targets",
            "tranches",
            "documents",
        ]


class VersionBody(serializers.Serializer):
    seen_version = serializers.IntegerField(help_text="The agreement's ``version`` as you read it.")


class TermsBody(VersionBody):
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reporting_frequency = serializers.CharField()
    report_due_days = serializers.IntegerField(min_value=0)


class BudgetBody(VersionBody):
    rows = BudgetLineSerializer(many=True, help_text="Replaces every line.")


class TargetRow(serializers.Serializer):
    measure = serializers.CharField()
    target_group = serializers.IntegerField(required=False, allow_null=True)
    etrap = serializers.IntegerField(required=False, allow_null=True)
    number = serializers.IntegerField(min_value=0)


class TargetsBody(VersionBody):
    rows = TargetRow(many=True, help_text="Replaces every target.")


class TrancheRow(serializers.Serializer):
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2)
    condition = serializers.CharField()
    period_number = serializers.IntegerField(required=False, allow_null=True)


class TranchesBody(VersionBody):
    rows = TrancheRow(many=True, help_text="Replaces the plan, in payment order.")


class FileBody(VersionBody):
    file = serializers.FileField(help_text="The signed agreement, scanned with both signatures.")


def formset_data(part, rows):
    """The draft page's POST data for ``rows``: every row sent is one to keep."""
    rows = [row if isinstance(row, dict) else {} for row in rows] if isinstance(rows, list) else []
    data = {f"{part}-TOTAL_FORMS": len(rows), f"{part}-INITIAL_FORMS": len(rows)}
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is not None and name != "DELETE":
                data[f"{part}-{index}-{name}"] = value
    return data


def formset_errors(formset):
    """The formset's errors, named ``rows.<index>.<field>`` as the body names them."""
    errors = {}
    for index, row in enumerate(formset.errors):
        for name, messages in row.items():
            key = f"rows.{index}" if name == "__all__" else f"rows.{index}.{name}"
            errors[key] = list(messages)
    if formset.non_form_errors():
        errors["rows"] = list(formset.non_form_errors())
    return errors


class AgreementDraftActions:
    """Actions of ``AgreementViewSet`` that change a draft agreement."""

    def drafted(self):
        agreement = self.get_object()
        if not permissions.is_officer_for(self.request.user, agreement):
            raise PermissionDenied
        if not agreement.is_draft:
            raise not_allowed(agreement.get_state_display())
        return agreement

    @action_schema(TermsBody, AgreementDraftSerializer, "Change the draft's reporting terms")
    @action(detail=True, methods=["post"])
    def terms(self, request, pk=None):
        agreement = self.drafted()
        data = validated(TermsForm(body(request)))
        return self.respond(agreement_update_terms(actor=request.user, agreement=agreement, **data))

    @action_schema(BudgetBody, AgreementDraftSerializer, "Replace the draft's budget")
    @action(detail=True, methods=["post"])
    def budget(self, request, pk=None):
        return self.replace_rows("budget")

    @action_schema(TargetsBody, AgreementDraftSerializer, "Replace the draft's targets")
    @action(detail=True, methods=["post"])
    def targets(self, request, pk=None):
        return self.replace_rows("targets")

    @action_schema(TranchesBody, AgreementDraftSerializer, "Replace the draft's tranche plan")
    @action(detail=True, methods=["post"])
    def tranches(self, request, pk=None):
        return self.replace_rows("tranches")

    def replace_rows(self, part):
        agreement = self.drafted()
        formset_class, service, argument = ROWS[part]
        sent = body(self.request)
        extra = {"form_kwargs": {"agreement": agreement}} if part == "targets" else {}
        formset = formset_class(formset_data(part, sent.get("rows")), prefix=part, **extra)
        version = VersionForm(sent)
        if not formset.is_valid():
            errors = formset_errors(formset)
            if not version.is_valid():
                errors.update(version.errors)
            raise exceptions.ValidationError(errors)
        seen_version = validated(version)["seen_version"]
        row = service(
            actor=self.request.user,
            agreement=agreement,
            seen_version=seen_version,
            **{argument: formset.rows()},
        )
        return self.respond(row)

    @action_schema(FileBody, AgreementDraftSerializer, "Upload the signed agreement (multipart)")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def file(self, request, pk=None):
        agreement = self.get_object()
        if not permissions.can_upload_agreement_file(request.user, agreement):
            raise PermissionDenied
        if not agreement.is_draft:
            raise not_allowed(agreement.get_state_display())
        data = validated(AgreementFileForm(request.data, request.FILES))
        row = storing(
            "file",
            lambda: agreement_upload_document(
                actor=request.user,
                agreement=agreement,
                uploaded_file=data["file"],
                seen_version=data["seen_version"],
            ),
        )
        return self.respond(row)
