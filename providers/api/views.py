"""The user's own organisation, with the staff roster its bids propose people from."""

from rest_framework import serializers

from portal.api.views import ScopedViewSet
from providers.models import Provider, StaffMember


class RosterMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", "full_name", "position", "active"]


class ProviderSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    velayat = serializers.SlugRelatedField(slug_field="code", read_only=True)
    staff = RosterMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Provider
        fields = [
            "id",
            "name",
            "name_tk",
            "name_ru",
            "name_en",
            "legal_form",
            "registration_number",
            "state",
            "velayat",
            "etrap",
            "address",
            "phone",
            "email",
            "website",
            "staff",
        ]


class ProviderViewSet(ScopedViewSet):
    """The organisation you are a member of; any other is not found."""

    serializer_class = ProviderSerializer

    def scoped(self, user):
        return Provider.objects.filter(memberships__user=user).prefetch_related("staff")
