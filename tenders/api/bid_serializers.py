"""How a bid reads in the API, and the bodies its actions take (documented here, checked by
the same forms as on the bid's pages)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenders.models import Bid, BidBudgetLine, BidDocument, BidSection, BidStaff
from tenders.services.bid import EDITABLE_STATES
from tenders.services.fingerprints import bid_fingerprint


class BidSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BidSection
        fields = ["criterion", "text"]


class ProposedStaffSerializer(serializers.ModelSerializer):
    class Meta:
        model = BidStaff
        fields = ["staff_member", "role_in_project", "full_name", "position"]


class BidBudgetLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = BidBudgetLine
        fields = ["id", "category", "description", "amount"]


class BidDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = BidDocument
        fields = ["id", "title", "original_name", "size", "sha256", "mime", "uploaded_at"]


class BidSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    fingerprint = serializers.SerializerMethodField(
        help_text="Send it back as ``seen`` to submit: the bid as you read it."
    )
    sections = BidSectionSerializer(many=True, read_only=True)
    staff = ProposedStaffSerializer(many=True, read_only=True)
    budget_lines = BidBudgetLineSerializer(many=True, read_only=True)
    documents = BidDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Bid
        fields = [
            "id",
            "tender",
            "provider",
            "provider_name",
            "state",
            "created_at",
            "submitted_at",
            "content_sha256",
            "needs_reconfirmation",
            "fingerprint",
            "sections",
            "staff",
            "budget_lines",
            "documents",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_fingerprint(self, bid):
        return bid_fingerprint(bid) if bid.state in EDITABLE_STATES else None


class NewBid(serializers.Serializer):
    tender = serializers.IntegerField(min_value=1, help_text="A published tender's id.")


class SeenState(serializers.Serializer):
    seen_state = serializers.ChoiceField(
        choices=Bid.State.choices, help_text="The bid's state as you read it."
    )


class SubmitBody(SeenState):
    seen = serializers.CharField(help_text="The bid's ``fingerprint`` as you read it.")


class ProposalBody(SeenState):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Criterion id to answer; a blank answer removes it.",
    )


class StaffBody(SeenState):
    staff_member = serializers.IntegerField()
    role_in_project = serializers.CharField(required=False, allow_blank=True)


class BudgetLineBody(SeenState):
    category = serializers.ChoiceField(choices=BidBudgetLine.Category.choices)
    description = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class DocumentBody(SeenState):
    title = serializers.CharField()
    file = serializers.FileField(help_text="A document the portal accepts (see its upload rules).")
