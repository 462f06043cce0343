"""Tenders, as their public notices show them, readable without signing in."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from portal.api.views import BoundedIds
from tenders.models import Tender, TenderCriterion
from tenders.selectors.tender import public_tenders


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


@extend_schema_view(
    list=extend_schema(summary="Published tenders", auth=[]),
    retrieve=extend_schema(summary="A published tender", auth=[]),
)
class TenderViewSet(BoundedIds, viewsets.ReadOnlyModelViewSet):
    """Every tender but drafts, as on its public notice; no sign-in needed."""

    serializer_class = TenderSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return public_tenders().prefetch_related("criteria").order_by("-published_at", "-pk")
