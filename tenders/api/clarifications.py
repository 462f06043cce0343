"""Questions about tenders: the published answers, your organisation's own questions, and for
a tender's officer every question about it; asking and answering as on the pages."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from portal import permissions as portal_permissions
from portal.api.views import ScopedViewSet, action_schema, body, validated
from providers.selectors import provider_for_user
from tenders import permissions
from tenders.api.forms import TenderIdForm
from tenders.forms.clarification import AnswerForm, QuestionForm
from tenders.models import Clarification
from tenders.selectors.tender import PUBLIC_STATES, public_tenders
from tenders.services.clarification import clarification_answer, clarification_ask


class ClarificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Clarification
        fields = ["id", "tender", "question", "asked_at", "answer", "answered_at"]


class QuestionBody(serializers.Serializer):
    tender = serializers.IntegerField(min_value=1, help_text="A published tender's id.")
    question = serializers.CharField()


class AnswerBody(serializers.Serializer):
    answer = serializers.CharField()


def clarifications_visible_to(user):
    visible = Q(answered_at__isnull=False, tender__state__in=PUBLIC_STATES)
    visible |= Q(provider__memberships__user=user)
    if portal_permissions.is_procurement_officer(user):
        visible |= Q(tender__created_by=user)
    return Clarification.objects.filter(visible).distinct()


class ClarificationViewSet(mixins.CreateModelMixin, ScopedViewSet):
    serializer_class = ClarificationSerializer

    def scoped(self, user):
        return clarifications_visible_to(user)

    @action_schema(QuestionBody, ClarificationSerializer, "Ask a question about a tender")
    def create(self, request):
        sent = body(request)
        tender_id = validated(TenderIdForm(sent))["tender"]
        data = validated(QuestionForm(sent))
        tender = public_tenders().filter(pk=tender_id).first()
        if tender is None:
            raise Http404
        clarification = clarification_ask(
            actor=request.user,
            tender=tender,
            provider=provider_for_user(request.user),
            question=data["question"],
        )
        return self.respond(clarification, status=201)

    @action_schema(AnswerBody, ClarificationSerializer, "Answer a question and publish it")
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        clarification = self.get_object()
        if not permissions.can_manage_tender(request.user, clarification.tender):
            raise PermissionDenied
        data = validated(AnswerForm(body(request)))
        row = clarification_answer(
            actor=request.user, clarification=clarification, answer=data["answer"]
        )
        return self.respond(row)
