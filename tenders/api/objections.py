"""Objections to an approved award: a bidding organisation lodges one on its bid, the
tender's officer dismisses or upholds it, through the outcome and objection pages' forms and
services."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser

from portal import permissions as portal_permissions
from portal.api.views import ScopedViewSet, action_schema, body, storing, validated
from tenders import permissions_evaluation as rules
from tenders.forms.evaluation_award import ObjectionForm, ResolveObjectionForm
from tenders.models import Objection, ObjectionDocument
from tenders.selectors import evaluation as selectors
from tenders.services.award import objection_dismiss, objection_lodge, objection_uphold


class ObjectionDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ObjectionDocument
        fields = ["id", "title", "original_name", "size", "sha256", "mime", "uploaded_at"]


class ObjectionSerializer(serializers.ModelSerializer):
    documents = ObjectionDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Objection
        fields = [
            "id",
            "decision",
            "bid",
            "state",
            "lodged_at",
            "reasons",
            "resolution",
            "remedy",
            "excluded_bid",
            "resolved_at",
            "documents",
        ]


class LodgeBody(serializers.Serializer):
    bid = serializers.IntegerField(min_value=1, help_text="Your organisation's bid.")
    reasons = serializers.CharField()
    document_title = serializers.CharField(required=False)
    document = serializers.FileField(
        required=False, help_text="One supporting document (send the body as multipart)."
    )


class ResolveBody(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=Objection.State.choices)
    outcome = serializers.ChoiceField(
        choices=[ResolveObjectionForm.DISMISS, ResolveObjectionForm.UPHOLD]
    )
    reason = serializers.CharField()
    remedy = serializers.ChoiceField(choices=Objection.Remedy.choices, required=False)
    excluded_bid = serializers.IntegerField(
        required=False, help_text="For the exclusion remedy: a proposed bid's id."
    )


def objections_visible_to(user):
    """Your organisation's objections; for a procurement officer, those to their tenders'
    awards."""
    visible = Q(bid__provider__memberships__user=user)
    if portal_permissions.is_procurement_officer(user):
        visible |= Q(decision__tender__created_by=user)
    return Objection.objects.filter(visible).distinct()


def _bid_id(value):
    """The bid id sent: a JSON number, or digits in a multipart body; else none."""
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        return None
    return value


class ObjectionViewSet(mixins.CreateModelMixin, ScopedViewSet):
    serializer_class = ObjectionSerializer
    parser_classes = [JSONParser, MultiPartParser]

    def scoped(self, user):
        return objections_visible_to(user)

    @action_schema(LodgeBody, ObjectionSerializer, "Object to the approved award")
    def create(self, request):
        sent = body(request)
        bid_id = _bid_id(sent.get("bid"))
        if bid_id is None:
            raise Http404
        bid = selectors.own_bid(request.user, bid_id)
        if not rules.can_object(request.user, bid):
            raise PermissionDenied
        fields = {name: sent.get(name) for name in ("reasons", "document_title")}
        form = ObjectionForm(
            {name: value for name, value in fields.items() if value is not None}, request.FILES
        )
        data = validated(form)
        objection = storing(
            "document",
            lambda: objection_lodge(
                actor=request.user,
                bid=bid,
                reasons=data["reasons"],
                documents=form.documents(),
            ),
        )
        return self.respond(objection, status=201)

    @action_schema(ResolveBody, ObjectionSerializer, "Dismiss or uphold the objection")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        objection = selectors.objection_for_officer(request.user, self.get_object().pk)
        proposed = selectors.decision_lines(objection.decision).filter(proposed=True)
        data = validated(ResolveObjectionForm(body(request), proposed_lines=proposed))
        if data["outcome"] == ResolveObjectionForm.DISMISS:
            row = objection_dismiss(
                actor=request.user,
                objection=objection,
                reason=data["reason"],
                seen_state=data["seen_state"],
            )
        else:
            line = proposed.filter(bid_id=data.get("excluded_bid")).first()
            row = objection_uphold(
                actor=request.user,
                objection=objection,
                reason=data["reason"],
                remedy=data["remedy"],
                excluded_bid=line.bid if line else None,
                seen_state=data["seen_state"],
            )
        return self.respond(row)
