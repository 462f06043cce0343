"""The panel's side of an evaluation over the API: the officer names, replaces and invites
members and proposes the award; a member declares any conflict of
interest; the officer or the cleared chair screens a bid. Each action takes the page's form,
permission function and service."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.views import action_schema, body, validated
from tenders import permissions_evaluation as rules
from tenders.api.awards import DecisionSerializer, decisions_visible_to
from tenders.forms.evaluation import (
    DeclarationForm,
    InviteEvaluatorForm,
    PanelMemberForm,
    ReplaceMemberForm,
    ScreeningForm,
)
from tenders.models import PanelMember, Screening, ScreeningLine
from tenders.selectors import evaluation as selectors
from tenders.services.award import award_propose
from tenders.services.evaluation import (
    declaration_make,
    panel_member_add,
    panel_member_invite,
    panel_member_replace,
    screening_decide,
)
from tenders.services.evaluation.common import submitted_bids


def _prefixed(prefix, data):
    return {f"{prefix}-{name}": value for name, value in data.items()}


class MemberSerializer(serializers.ModelSerializer):
    declared = serializers.SerializerMethodField()

    class Meta:
        model = PanelMember
        fields = ["id", "user", "role", "recused_at", "declared"]

    def get_declared(self, member) -> bool:
        return hasattr(member, "declaration")


class ScreeningLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScreeningLine
        fields = ["id", "code", "portal_passed", "passed", "reason"]


class ScreeningSerializer(serializers.ModelSerializer):
    lines = ScreeningLineSerializer(many=True, read_only=True)

    class Meta:
        model = Screening
        fields = ["id", "bid", "eligible", "decided_at", "lines"]


class MemberBody(serializers.Serializer):
    user = serializers.IntegerField(min_value=1, help_text="An evaluator's user id.")
    role = serializers.ChoiceField(choices=PanelMember.Role.choices)


class ReplaceBody(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, help_text="The recused member's id.")
    user = serializers.IntegerField(min_value=1, help_text="The evaluator taking the seat.")


class InviteBody(serializers.Serializer):
    full_name = serializers.CharField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=PanelMember.Role.choices)
    language = serializers.CharField()


class DeclarationBody(serializers.Serializer):
    answer = serializers.ChoiceField(
        choices=["yes", "no"], help_text="``yes``: you have a conflict of interest."
    )
    conflicted = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Bidding organisations' ids."
    )
    details = serializers.CharField(required=False, allow_blank=True)


class LineDecision(serializers.Serializer):
    passed = serializers.ChoiceField(choices=["yes", "no"])
    reason = serializers.CharField(required=False, allow_blank=True)


class ScreeningBody(serializers.Serializer):
    bid = serializers.IntegerField(min_value=1)
    lines = serializers.DictField(child=LineDecision(), help_text="By screening line id.")


class PanelActions:
    """Actions of ``EvaluationViewSet``; ``self.get_object()`` finds only evaluations the user
    works on (the tender's officer or a panel member)."""

    def run(self):
        evaluation = self.get_object()
        if not rules.can_form_panel(self.request.user, evaluation):
            raise PermissionDenied
        return evaluation

    def seated(self, member):
        return Response(MemberSerializer(member).data)

    @action_schema(MemberBody, MemberSerializer, "Name an evaluator to the panel (the officer)")
    @action(detail=True, methods=["post"])
    def members(self, request, pk=None):
        evaluation = self.run()
        data = validated(PanelMemberForm(body(request), evaluation=evaluation))
        return self.seated(panel_member_add(actor=request.user, evaluation=evaluation, **data))

    @action_schema(ReplaceBody, MemberSerializer, "Replace a recused member (the officer)")
    @action(detail=True, methods=["post"], url_path="members/replace", url_name="replace")
    def replace(self, request, pk=None):
        evaluation = self.run()
        form = ReplaceMemberForm(_prefixed("replace", body(request)), evaluation=evaluation)
        data = validated(form)
        seat = panel_member_replace(actor=request.user, evaluation=evaluation, **data)
        return self.seated(seat)

    @action_schema(InviteBody, MemberSerializer, "Invite a person to the panel (the officer)")
    @action(detail=True, methods=["post"], url_path="members/invite", url_name="invite")
    def invite(self, request, pk=None):
        evaluation = self.run()
        data = validated(InviteEvaluatorForm(_prefixed("invite", body(request))))
        return self.seated(panel_member_invite(actor=request.user, evaluation=evaluation, **data))

    @action_schema(DeclarationBody, MemberSerializer, "Declare any conflict of interest")
    @action(detail=True, methods=["post"])
    def declare(self, request, pk=None):
        evaluation = selectors.member_evaluation(request.user, self.get_object().pk)
        bidders = [
            (bid.provider_id, bid.provider.name) for bid in submitted_bids(evaluation.tender)
        ]
        sent = body(request)
        conflicted = sent.get("conflicted")
        data = {**sent, "conflicted": conflicted if isinstance(conflicted, list) else []}
        form = DeclarationForm(data, bidders=bidders)
        validated(form)
        declaration_make(
            actor=request.user,
            evaluation=evaluation,
            has_conflict=form.has_conflict,
            details=form.cleaned_data["details"],
            conflicted_providers=form.conflicted_providers(),
        )
        return self.seated(selectors.seat_in(request.user, evaluation))

    @action_schema(ScreeningBody, ScreeningSerializer, "Confirm or override a bid's screening")
    @action(detail=True, methods=["post"])
    def screening(self, request, pk=None):
        evaluation = self.get_object()
        sent = body(request)
        bid = sent.get("bid")
        if not isinstance(bid, int) or isinstance(bid, bool) or bid < 1:
            raise Http404
        screening = selectors.screening_for(request.user, evaluation, bid)
        lines = sent.get("lines") if isinstance(sent.get("lines"), dict) else {}
        data = {}
        for line, decision in lines.items():
            decision = decision if isinstance(decision, dict) else {}
            data[f"passed_{line}"] = decision.get("passed")
            data[f"reason_{line}"] = decision.get("reason", "")
        form = ScreeningForm(data, lines=screening.lines.all())
        validated(form)
        screening_decide(actor=request.user, screening=screening, decisions=form.decisions())
        screening = Screening.objects.prefetch_related("lines").get(pk=screening.pk)
        return Response(ScreeningSerializer(screening).data)

    @action_schema(None, DecisionSerializer, "Propose the award to the approvers (the officer)")
    @action(detail=True, methods=["post"], url_path="propose-award", url_name="propose-award")
    def propose_award(self, request, pk=None):
        evaluation = self.get_object()
        if not rules.can_propose_award(request.user, evaluation):
            raise PermissionDenied
        decision = award_propose(actor=request.user, evaluation=evaluation)
        decision = decisions_visible_to(request.user).get(pk=decision.pk)
        return Response(DecisionSerializer(decision).data)
