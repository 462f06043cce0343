"""Sealed bids' opening over the API: the officer names a draft's opening committee, each
member sets their opening passphrase, and after the deadline the members give their shares
until enough are given and the bids open. The same forms and services as the committee,
passphrase and opening pages; a passphrase is never sent back."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.auth import SignedIn, TokenScope
from portal.api.views import action_schema, body, validated
from tenders import permissions
from tenders.forms.committee import CommitteeForm, PassphraseForm, ShareForm
from tenders.models import OpeningKey, TenderKey
from tenders.services.bid_opening import committee_share_of, opening_share_give, opening_status
from tenders.services.committee import opening_passphrase_set, tender_set_committee


class OpeningSerializer(serializers.Serializer):
    needed = serializers.IntegerField(help_text="How many members' shares open the bids.")
    given = serializers.IntegerField(help_text="How many shares are given so far.")
    still_needed = serializers.IntegerField()
    opened = serializers.BooleanField()


def opening_answer(status):
    return OpeningSerializer(
        {
            "needed": status.needed,
            "given": len(status.given),
            "still_needed": status.still_needed,
            "opened": status.opened,
        }
    ).data


class ShareBody(serializers.Serializer):
    passphrase = serializers.CharField(write_only=True, help_text="Your opening passphrase.")


class CommitteeBody(serializers.Serializer):
    members = serializers.ListField(
        child=serializers.IntegerField(), help_text="The members' user ids."
    )
    quorum = serializers.IntegerField(help_text="How many members are needed to open the bids.")


class CommitteeSerializer(serializers.Serializer):
    members = serializers.ListField(child=serializers.IntegerField())
    quorum = serializers.IntegerField(allow_null=True)


class PassphraseBody(serializers.Serializer):
    current = serializers.CharField(
        write_only=True, required=False, help_text="Your passphrase in use, to change it."
    )
    replace = serializers.BooleanField(
        required=False, help_text="You lost your passphrase: make a new key (shares are lost)."
    )
    passphrase = serializers.CharField(write_only=True)
    confirm = serializers.CharField(write_only=True)


class PassphraseSerializer(serializers.Serializer):
    has_key = serializers.BooleanField()


class OpeningActions:
    """Actions of ``TenderViewSet`` for the opening committee and the tender's officer."""

    def sealed(self):
        tender = self.get_object()
        if not TenderKey.objects.filter(tender=tender).exists():
            raise Http404
        return tender

    @extend_schema(
        methods=["GET"], responses={200: OpeningSerializer}, summary="How far the opening is"
    )
    @action_schema(ShareBody, OpeningSerializer, "Give your share of the tender's key")
    @action(detail=True, methods=["get", "post"])
    def opening(self, request, pk=None):
        tender = self.sealed()
        member = committee_share_of(request.user, tender) is not None
        if not member and not permissions.can_manage_tender(request.user, tender):
            raise Http404
        if request.method == "GET":
            return Response(opening_answer(opening_status(tender)))
        if not member:
            raise PermissionDenied
        data = validated(ShareForm(body(request)))
        status = opening_share_give(
            actor=request.user, tender=tender, passphrase=data["passphrase"]
        )
        return Response(opening_answer(status))

    @action_schema(CommitteeBody, CommitteeSerializer, "Name your draft's opening committee")
    @action(detail=True, methods=["post"])
    def committee(self, request, pk=None):
        tender = self.managed()
        data = validated(CommitteeForm(body(request)))
        row = tender_set_committee(
            actor=request.user, tender=tender, members=data["members"], quorum=data["quorum"]
        )
        return Response(
            CommitteeSerializer(
                {
                    "members": sorted(row.committee.values_list("pk", flat=True)),
                    "quorum": row.opening_quorum,
                }
            ).data
        )


class PassphraseView(APIView):
    """Your own opening passphrase (procurement officers and evaluators)."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(responses={200: PassphraseSerializer}, summary="Whether your key is set")
    def get(self, request):
        if not permissions.can_sit_on_committee(request.user):
            raise PermissionDenied
        return Response({"has_key": OpeningKey.objects.filter(user=request.user).exists()})

    @extend_schema(
        request=PassphraseBody,
        responses={200: PassphraseSerializer},
        summary="Set or change your opening passphrase",
    )
    def post(self, request):
        if not permissions.can_sit_on_committee(request.user):
            raise PermissionDenied
        has_key = OpeningKey.objects.filter(user=request.user).exists()
        data = validated(PassphraseForm(body(request), has_key=has_key))
        opening_passphrase_set(
            actor=request.user,
            passphrase=data["passphrase"],
            current=data.get("current"),
            replace=data.get("replace", False),
        )
        return Response({"has_key": True})
