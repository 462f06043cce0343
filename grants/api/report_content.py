"""A report's content over the API: its figures, breakdown and narrative through the report
page's forms (``ReportForms``) and ``report_save``; its attachments through the page's
attachment form and ``report_attach``/``report_detach``.

The content body names each part as the report shows it; a part left out keeps what the
report holds, as the page sends back what it shows."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser

from grants import permissions
from grants.api.serializers import ReportSerializer
from grants.forms.report import AttachmentForm, ReportForms, report_initial
from grants.models import AgeBand, ReportAttachment, ServiceKind, Sex
from grants.models.report_figures import (
    ReportBeneficiaryCount,
    ReportExpenditure,
    ReportServiceCount,
    ReportTargetValue,
)
from grants.services import report_attach, report_detach, report_save
from portal.api.views import action_schema, body, storing, validated

MAIN_FIELDS = (
    "beneficiaries_new",
    "beneficiaries_continuing",
    "cases_opened",
    "cases_active",
    "cases_closed",
    "services_other_description",
    "achievements",
    "challenges",
    "changes_observed",
)
CELL_FIELDS = ("target_group", "etrap", "sex", "age_band", "new", "continuing")


class CellSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportBeneficiaryCount
        fields = list(CELL_FIELDS)


class ServiceCountSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportServiceCount
        fields = ["kind", "count"]


class TargetValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportTargetValue
        fields = ["target", "value"]


class ExpenditureSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportExpenditure
        fields = ["budget_line", "amount", "explanation"]


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportAttachment
        fields = ["id", "title", "original_name", "size", "sha256", "mime", "uploaded_at"]


class ReportContentSerializer(ReportSerializer):
    beneficiaries = CellSerializer(source="beneficiary_counts", many=True, read_only=True)
    services = ServiceCountSerializer(source="service_counts", many=True, read_only=True)
    targets = TargetValueSerializer(source="target_values", many=True, read_only=True)
    expenditures = ExpenditureSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [
            *ReportSerializer.Meta.fields,
            "services_other_description",
            "beneficiaries",
            "services",
            "targets",
            "expenditures",
            "attachments",
        ]


class CellBody(serializers.Serializer):
    target_group = serializers.IntegerField()
    etrap = serializers.IntegerField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    age_band = serializers.ChoiceField(choices=AgeBand.choices)
    new = serializers.IntegerField(min_value=0)
    continuing = serializers.IntegerField(min_value=0)


class ExpenditureBody(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    explanation = serializers.CharField(required=False, allow_blank=True)


class ContentBody(serializers.Serializer):
    seen_version = serializers.IntegerField(help_text="The report's ``version`` as you read it.")
    beneficiaries_new = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    beneficiaries_continuing = serializers.IntegerField(
        required=False, allow_null=True, min_value=0
    )
    cases_opened = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    cases_active = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    cases_closed = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    services_other_description = serializers.CharField(required=False, allow_blank=True)
    achievements = serializers.CharField(required=False, allow_blank=True)
    challenges = serializers.CharField(required=False, allow_blank=True)
    changes_observed = serializers.CharField(required=False, allow_blank=True)
    beneficiaries = CellBody(many=True, required=False, help_text="Replaces every row.")
    services = serializers.DictField(
        child=serializers.IntegerField(min_value=0, allow_null=True),
        required=False,
        help_text=f"By kind: {', '.join(ServiceKind.values)}.",
    )
    targets = serializers.DictField(
        child=serializers.IntegerField(min_value=0, allow_null=True),
        required=False,
        help_text="By the agreement's target id.",
    )
    expenditures = serializers.DictField(
        child=ExpenditureBody(), required=False, help_text="By the agreement's budget line id."
    )


class AttachmentBody(serializers.Serializer):
    title = serializers.CharField()
    file = serializers.FileField(help_text="A document the portal accepts (see its upload rules).")


def _mapping(value):
    return value if isinstance(value, dict) else {}


def page_data(report, sent):
    """The report page's POST data for ``sent``: what it names, else what the report holds."""
    initial = report_initial(report)
    main = {name: sent.get(name, initial["main"].get(name)) for name in MAIN_FIELDS}
    data = {f"main-{name}": value for name, value in main.items()}
    data["main-seen_version"] = sent.get("seen_version")
    cells = sent.get("beneficiaries", initial["cells"])
    cells = [_mapping(cell) for cell in cells] if isinstance(cells, list) else []
    data["cells-TOTAL_FORMS"] = data["cells-INITIAL_FORMS"] = len(cells)
    for index, cell in enumerate(cells):
        for name in CELL_FIELDS:
            data[f"cells-{index}-{name}"] = cell.get(name)
    services = {**initial["services"], **_mapping(sent.get("services"))}
    data.update({f"services-{kind}": count for kind, count in services.items()})
    targets = {**initial["targets"]}
    targets.update({f"target_{key}": value for key, value in _mapping(sent.get("targets")).items()})
    data.update({f"targets-{name}": value for name, value in targets.items()})
    spent = {**initial["expenditure"]}
    for line, row in _mapping(sent.get("expenditures")).items():
        row = _mapping(row)
        spent[f"amount_{line}"] = row.get("amount")
        spent[f"explanation_{line}"] = row.get("explanation", "")
    data.update({f"expenditure-{name}": value for name, value in spent.items()})
    return {name: value for name, value in data.items() if value is not None}


def form_errors(forms):
    """The errors of the report's forms, named as the content body names its parts."""
    errors = {}
    for name, messages in forms.main.errors.items():
        errors[name] = list(messages)
    for index, row in enumerate(forms.cells.errors):
        for name, messages in row.items():
            errors[f"beneficiaries.{index}.{name}"] = list(messages)
    if forms.cells.non_form_errors():
        errors["beneficiaries"] = list(forms.cells.non_form_errors())
    for name, messages in forms.services.errors.items():
        errors[f"services.{name}"] = list(messages)
    for name, messages in forms.targets.errors.items():
        errors[f"targets.{name.removeprefix('target_')}"] = list(messages)
    for name, messages in forms.expenditure.errors.items():
        part, _sep, line = name.partition("_")
        errors[f"expenditures.{line}.{part}"] = list(messages)
    return errors


class ReportContentActions:
    """Actions of ``ReportViewSet`` for the grantee's admins and editors."""

    def edited(self):
        report = self.get_object()
        if not permissions.can_edit_report(self.request.user, report):
            raise PermissionDenied
        return report

    @action_schema(ContentBody, ReportContentSerializer, "Save the report's content")
    @action(detail=True, methods=["post"])
    def content(self, request, pk=None):
        report = self.edited()
        forms = ReportForms(report, page_data(report, body(request)))
        if not forms.is_valid():
            raise exceptions.ValidationError(form_errors(forms))
        row = report_save(
            actor=request.user,
            report=report,
            content=forms.content(),
            seen_version=forms.main.cleaned_data["seen_version"],
        )
        return self.respond(row)

    @action_schema(AttachmentBody, ReportContentSerializer, "Attach a document (multipart)")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        report = self.edited()
        data = validated(AttachmentForm(request.data, request.FILES))
        storing(
            "file",
            lambda: report_attach(
                actor=request.user,
                report=report,
                uploaded_file=data["file"],
                title=data["title"],
            ),
        )
        return self.respond(report)

    @extend_schema(
        parameters=[OpenApiParameter("attachment", int, OpenApiParameter.PATH)],
    )
    @action_schema(None, ReportContentSerializer, "Remove an attachment")
    @action(
        detail=True,
        methods=["post"],
        url_path="attachments/<int:attachment>/remove",
        url_name="detach",
    )
    def detach(self, request, pk=None, attachment=None):
        report = self.edited()
        row = report.attachments.filter(pk=attachment).first()
        if row is None:
            raise Http404
        report_detach(actor=request.user, report=report, attachment=row)
        return self.respond(report)
