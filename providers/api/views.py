"""The user's own organisation, with the staff roster its bids propose people from; for
verification officers, every organisation they review. The organisation's admin submits it
for verification and the officers decide on it, through the pages' forms and services."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from rest_framework import serializers
from rest_framework.decorators import action

from portal.api.views import ScopedViewSet, action_schema, body, validated
from providers import permissions
from providers.forms import DecisionForm, SeenStateForm
from providers.models import Provider, ProviderState, StaffMember
from providers.selectors import providers_for_review
from providers.services import (
    provider_reinstate,
    provider_reject,
    provider_return,
    provider_submit,
    provider_suspend,
    provider_verify,
)

# action -> (service, name of its text argument), as on the review page.
DECISIONS = {
    "verify": (provider_verify, "note"),
    "return": (provider_return, "comments"),
    "reject": (provider_reject, "reason"),
    "suspend": (provider_suspend, "reason"),
    "reinstate": (provider_reinstate, "note"),
}


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


class ProviderSeenState(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=ProviderState.choices)


class DecisionBody(ProviderSeenState):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The note (verify, reinstate), what must change (return) or the reason "
        "(reject, suspend); required but for a note.",
    )


def _decision(name, summary):
    """The action ``name`` of the review page, answering at ``providers/<id>/<name>/``."""

    def decide(self, request, pk=None):
        return self.decide(name)

    # The router dispatches a POST to the attribute of this name.
    decide.__name__ = f"decide_{name}"
    decorated = action(detail=True, methods=["post"], url_path=name, url_name=name)(decide)
    return action_schema(DecisionBody, ProviderSerializer, summary)(decorated)


class ProviderViewSet(ScopedViewSet):
    """The organisation you are a member of, and for verification officers every organisation
    they review; any other is not found."""

    serializer_class = ProviderSerializer

    def scoped(self, user):
        reviewed = providers_for_review(user).values("pk")
        return (
            Provider.objects.filter(Q(memberships__user=user) | Q(pk__in=reviewed))
            .distinct()
            .prefetch_related("staff")
        )

    @action_schema(
        ProviderSeenState, ProviderSerializer, "Submit your organisation for verification"
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        provider = self.get_object()
        if not permissions.is_member(request.user, provider):
            raise PermissionDenied
        data = validated(SeenStateForm(body(request)))
        return self.respond(provider_submit(actor=request.user, provider=provider, **data))

    decide_verify = _decision("verify", "Verify the organisation (an officer)")
    decide_return = _decision("return", "Return the organisation for changes (an officer)")
    decide_reject = _decision("reject", "Reject the organisation (an officer)")
    decide_suspend = _decision("suspend", "Suspend the organisation (an officer)")
    decide_reinstate = _decision("reinstate", "Reinstate the organisation (an officer)")

    def decide(self, name):
        provider = self.get_object()
        if not permissions.can_decide(self.request.user, provider):
            raise PermissionDenied
        service, text_argument = DECISIONS[name]
        form = DecisionForm(
            {f"{name}-{key}": value for key, value in body(self.request).items()}, action=name
        )
        data = validated(form)
        row = service(
            actor=self.request.user,
            provider=provider,
            seen_state=data["seen_state"],
            **{text_argument: data["text"]},
        )
        return self.respond(row)
