"""Tenders, as their public notices show them, readable without signing in; their officer's
drafts, publishing and cancelling through the same services as the officer's pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from portal import permissions as portal_permissions
from portal.api.auth import SignedIn, TokenScope
from portal.api.views import BoundedIds, action_schema, body, validated
from tenders import permissions
from tenders.api.opening import OpeningActions
from tenders.forms.tender import AmendmentForm, CancelForm
from tenders.models import Tender, TenderCriterion
from tenders.selectors.tender import PUBLIC_STATES
from tenders.services.amendment import AMENDABLE_FIELDS, tender_amend
from tenders.services.fingerprints import tender_fingerprint
from tenders.services.tender import tender_cancel, tender_publish


class CriterionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = TenderCriterion
        fields = [
            "id",
            "position",
            "title",
            "title_tk",
            "title_ru",
            "title_en",
            "weight",
            "max_points",
        ]


class TenderSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    service_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    velayat = serializers.SlugRelatedField(slug_field="code", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Tender
        fields = [
            "id",
            "reference",
            "state",
            "title",
            "title_tk",
            "title_ru",
            "title_en",
            "description",
            "description_tk",
            "description_ru",
            "description_en",
            "service_type",
            "velayat",
            "budget_ceiling",
            "grant_start",
            "grant_end",
            "awards_count",
            "questions_deadline",
            "submission_deadline",
            "published_at",
            "closed_at",
            "criteria",
        ]


class ManagedTenderSerializer(TenderSerializer):
    amendments = serializers.SerializerMethodField(
        help_text="How many amendments were published: send it back as ``seen_amendments``."
    )
    fingerprint = serializers.SerializerMethodField(
        help_text="Of a draft you wrote: send it back as ``seen`` to publish."
    )

    class Meta(TenderSerializer.Meta):
        fields = [*TenderSerializer.Meta.fields, "amendments", "fingerprint"]

    def get_amendments(self, tender) -> int:
        return len(tender.amendments.all())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_fingerprint(self, tender):
        user = self.context["request"].user
        if tender.state != Tender.State.DRAFT or not permissions.can_manage_tender(user, tender):
            return None
        return tender_fingerprint(tender)


class PublishBody(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=Tender.State.choices)
    seen = serializers.CharField(help_text="The draft's ``fingerprint`` as you read it.")


class AmendBody(serializers.Serializer):
    """The fields left out keep their present values."""

    title_tk = serializers.CharField(required=False)
    title_ru = serializers.CharField(required=False)
    title_en = serializers.CharField(required=False, allow_blank=True)
    description_tk = serializers.CharField(required=False)
    description_ru = serializers.CharField(required=False)
    description_en = serializers.CharField(required=False, allow_blank=True)
    budget_ceiling = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    grant_start = serializers.DateField(required=False)
    grant_end = serializers.DateField(required=False)
    questions_deadline = serializers.CharField(
        required=False, help_text="Ashgabat time, ``YYYY-MM-DDTHH:MM``."
    )
    submission_deadline = serializers.CharField(
        required=False, help_text="Ashgabat time, ``YYYY-MM-DDTHH:MM``."
    )
    withdrawn_documents = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Documents to withdraw."
    )
    reason = serializers.CharField()
    seen_amendments = serializers.IntegerField(
        min_value=0, required=False, help_text="The tender's ``amendments`` as you read it."
    )


class CancelBody(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=Tender.State.choices)
    reason = serializers.CharField()


@extend_schema_view(
    list=extend_schema(summary="Published tenders (and your own drafts)", auth=[]),
    retrieve=extend_schema(summary="A published tender (or your own draft)", auth=[]),
)
class TenderViewSet(OpeningActions, BoundedIds, viewsets.ReadOnlyModelViewSet):
    """Every tender but drafts, as on its public notice, without sign-in; a procurement
    officer also finds the drafts they wrote, and publishes or cancels their tenders."""

    serializer_class = ManagedTenderSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [SignedIn(), TokenScope()]

    def get_queryset(self):
        tenders = Tender.objects.filter(state__in=PUBLIC_STATES)
        user = self.request.user
        if portal_permissions.is_procurement_officer(user):
            tenders = Tender.objects.filter(Q(state__in=PUBLIC_STATES) | Q(created_by=user))
        return (
            tenders.select_related("service_type", "velayat")
            .prefetch_related("criteria", "amendments")
            .order_by("-published_at", "-pk")
        )

    def managed(self):
        tender = self.get_object()
        if not permissions.can_manage_tender(self.request.user, tender):
            raise PermissionDenied
        return tender

    @action_schema(PublishBody, ManagedTenderSerializer, "Publish your draft tender")
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        tender = self.managed()
        sent = body(request)
        row = tender_publish(
            actor=request.user,
            tender=tender,
            seen=str(sent.get("seen", "")),
            seen_state=str(sent.get("seen_state") or tender.state),
        )
        return self.respond(row)

    @action_schema(CancelBody, ManagedTenderSerializer, "Cancel your tender")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        tender = self.managed()
        data = validated(CancelForm(body(request)))
        row = tender_cancel(
            actor=request.user,
            tender=tender,
            reason=data["reason"],
            seen_state=data["seen_state"] or tender.state,
        )
        return self.respond(row)

    @action_schema(AmendBody, ManagedTenderSerializer, "Amend your published tender")
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        tender = self.managed()
        present = {name: getattr(tender, name) for name in AMENDABLE_FIELDS}
        form = AmendmentForm({**present, **body(request)}, tender=tender)
        cleaned = validated(form)
        tender_amend(
            actor=request.user,
            tender=tender,
            values=form.values(),
            reason=cleaned["reason"],
            withdrawn_documents=[document.pk for document in cleaned["withdrawn_documents"]],
            seen_amendments=cleaned["seen_amendments"],
        )
        return self.respond(tender)

    def respond(self, tender):
        tender = self.get_queryset().filter(pk=tender.pk).first() or tender
        return Response(self.get_serializer(tender).data)
