"""How agreements, reports and tranches read in the API, and the bodies of their actions
(documented here, checked by the same forms as on the pages)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grants.models import (
    AgreementState,
    GrantAgreement,
    PilotReport,
    ReportReviewComment,
    ReportSection,
    ReportState,
    Tranche,
    TrancheState,
)
from grants.services.fingerprints import report_fingerprint


class AgreementSerializer(serializers.ModelSerializer):
    grantee_name = serializers.CharField(source="grantee.name", read_only=True)
    service_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    velayat = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = GrantAgreement
        fields = [
            "id",
            "reference",
            "state",
            "version",
            "bid",
            "grantee",
            "grantee_name",
            "amount",
            "start_date",
            "end_date",
            "service_type",
            "velayat",
            "reporting_frequency",
            "signed_at",
            "activated_at",
            "completed_at",
        ]


class AgreementVersion(serializers.Serializer):
    seen_version = serializers.IntegerField(help_text="The agreement's ``version`` as you read it.")


class AgreementDecisionBody(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=AgreementState.choices)
    text = serializers.CharField(
        required=False, help_text="The reason (to suspend or terminate) or a note (to resume)."
    )


class ReviewCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportReviewComment
        fields = ["review_round", "section", "comment", "created_at"]


class ReportSerializer(serializers.ModelSerializer):
    fingerprint = serializers.SerializerMethodField(
        help_text="Send it back as ``seen`` to submit: the report as you read it."
    )
    comments = ReviewCommentSerializer(many=True, read_only=True)

    class Meta:
        model = PilotReport
        fields = [
            "id",
            "agreement",
            "kind",
            "number",
            "period_start",
            "period_end",
            "due_date",
            "state",
            "version",
            "fingerprint",
            "beneficiaries_new",
            "beneficiaries_continuing",
            "cases_opened",
            "cases_active",
            "cases_closed",
            "achievements",
            "challenges",
            "changes_observed",
            "submitted_at",
            "review_round",
            "returned_at",
            "accepted_at",
            "overdue_since",
            "comments",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_fingerprint(self, report):
        return report_fingerprint(report) if report.is_editable else None


class TrancheSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tranche
        fields = [
            "id",
            "agreement",
            "position",
            "percentage",
            "amount",
            "condition",
            "period_number",
            "report",
            "state",
            "eligible_at",
            "approved_at",
            "paid_on",
            "payment_reference",
        ]


class ReportSeenState(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=ReportState.choices)


class ReportSubmitBody(ReportSeenState):
    seen_version = serializers.IntegerField(help_text="The report's ``version`` as you read it.")
    seen = serializers.CharField(help_text="The report's ``fingerprint`` as you read it.")


class ReportReturnBody(ReportSeenState):
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="What to revise, by section: "
        + ", ".join(f"``{code}``" for code in ReportSection.values),
    )


class ReportAcceptBody(ReportSeenState):
    note = serializers.CharField(required=False, allow_blank=True)


class TrancheSeenState(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=TrancheState.choices)


class PaymentBody(TrancheSeenState):
    paid_on = serializers.DateField()
    reference = serializers.CharField()
