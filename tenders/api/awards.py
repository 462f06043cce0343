"""Award decisions, for the ministry's approvers and the tender's officer (as on the decision
page); approving and sending back through the page's forms and services."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action

from portal import permissions as portal_permissions
from portal.api.views import ScopedViewSet, action_schema, body, validated
from tenders import permissions_evaluation as rules
from tenders.forms.evaluation_award import ApproveForm, SendBackForm
from tenders.models import AwardDecision, AwardLine
from tenders.services.award.decision import award_approve, award_send_back
from tenders.services.fingerprints import decision_fingerprint


class AwardLineSerializer(serializers.ModelSerializer):
    provider_name = serializers.CharField(source="bid.provider.name", read_only=True)

    class Meta:
        model = AwardLine
        fields = [
            "bid",
            "provider_name",
            "eligible",
            "rank",
            "technical_score",
            "price_score",
            "total_score",
            "passes_minimum",
            "amount",
            "proposed",
            "outcome",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    lines = AwardLineSerializer(many=True, read_only=True)
    fingerprint = serializers.SerializerMethodField(
        help_text="Send it back as ``seen`` to approve: the decision as you read it."
    )

    class Meta:
        model = AwardDecision
        fields = [
            "id",
            "tender",
            "evaluation",
            "state",
            "proposed_at",
            "decided_at",
            "return_reason",
            "standstill_ends_at",
            "finalised_at",
            "fingerprint",
            "lines",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_fingerprint(self, decision):
        if decision.state != AwardDecision.State.PROPOSED:
            return None
        return decision_fingerprint(decision)


class SeenDecision(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=AwardDecision.State.choices)


class ApproveBody(SeenDecision):
    seen = serializers.CharField(help_text="The decision's ``fingerprint`` as you read it.")


class SendBackBody(SeenDecision):
    reason = serializers.CharField()


def decisions_visible_to(user):
    decisions = AwardDecision.objects.select_related("tender")
    if portal_permissions.is_approver(user):
        return decisions
    if portal_permissions.is_procurement_officer(user):
        return decisions.filter(tender__created_by=user)
    return decisions.none()


class AwardViewSet(ScopedViewSet):
    serializer_class = DecisionSerializer

    def scoped(self, user):
        return decisions_visible_to(user).prefetch_related("lines__bid__provider")

    def decided(self):
        decision = self.get_object()
        if not rules.can_decide_award(self.request.user, decision):
            raise PermissionDenied
        return decision

    @action_schema(ApproveBody, DecisionSerializer, "Approve the proposed award")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        decision = self.decided()
        data = validated(ApproveForm(body(request)))
        return self.respond(award_approve(actor=request.user, decision=decision, **data))

    @action_schema(SendBackBody, DecisionSerializer, "Send the proposal back to the officer")
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        decision = self.decided()
        data = validated(SendBackForm(body(request)))
        return self.respond(award_send_back(actor=request.user, decision=decision, **data))
