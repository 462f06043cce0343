"""Evaluations and score sheets, for the members of each panel only, with the blind rule of
the panel pages: until their own sheet is submitted an evaluator reads no other evaluator's
scores (``selectors.evaluation.visible_sheets``); a member who has not declared no conflict
reads no sheet at all."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from portal import permissions as portal_permissions
from portal.api.views import ScopedViewSet, action_schema, body, validated
from tenders import permissions_evaluation as rules
from tenders.api.forms import ModerationPairForm, TenderIdForm
from tenders.api.panel import PanelActions
from tenders.forms.evaluation import (
    EvaluationForm,
    ModerationForm,
    ReturnSheetForm,
    SeenEvaluationForm,
    SheetForm,
    StartScoringForm,
    SubmitSheetForm,
)
from tenders.models import Evaluation, Score, ScoreSheet
from tenders.selectors import evaluation as selectors
from tenders.services.evaluation import evaluation_create
from tenders.services.evaluation.lifecycle import (
    evaluation_complete,
    evaluation_end_unsuccessful,
    evaluation_start_scoring,
)
from tenders.services.evaluation.scoring import (
    moderation_note_save,
    sheet_return,
    sheet_save,
    sheet_submit,
)
from tenders.services.fingerprints import sheet_fingerprint


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = ["id", "tender", "state", "deadline", "scoring_started_at", "completed_at"]


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["bid", "criterion", "points", "justification"]


class SheetSerializer(serializers.ModelSerializer):
    scores = ScoreSerializer(many=True, read_only=True)
    own = serializers.SerializerMethodField()
    fingerprint = serializers.SerializerMethodField(
        help_text="Of your own draft sheet: send it back as ``seen`` to submit."
    )

    class Meta:
        model = ScoreSheet
        fields = [
            "id",
            "evaluation",
            "state",
            "own",
            "submitted_at",
            "returned_reason",
            "returned_at",
            "fingerprint",
            "scores",
        ]

    def get_own(self, sheet) -> bool:
        return sheet.member.user_id == self.context["request"].user.pk

    def get_fingerprint(self, sheet) -> str | None:
        if not self.get_own(sheet) or sheet.state != ScoreSheet.State.DRAFT:
            return None
        return sheet_fingerprint(sheet)


class SeenSheet(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=ScoreSheet.State.choices)


class SubmitSheetBody(SeenSheet):
    seen = serializers.CharField(help_text="Your sheet's ``fingerprint`` as you read it.")


class ReturnSheetBody(SeenSheet):
    reason = serializers.CharField()


class SeenEvaluation(serializers.Serializer):
    seen_state = serializers.ChoiceField(choices=Evaluation.State.choices)


class StartBody(SeenEvaluation):
    deadline = serializers.CharField(
        required=False, help_text="Ashgabat time, ``YYYY-MM-DDTHH:MM``."
    )


class NewEvaluation(serializers.Serializer):
    tender = serializers.IntegerField(min_value=1, help_text="A closed tender you run.")
    deadline = serializers.CharField(help_text="Ashgabat time, ``YYYY-MM-DDTHH:MM``.")
    min_evaluators = serializers.IntegerField()
    divergence_percent = serializers.IntegerField(
        help_text="Scores differing by more than this share of a criterion's maximum points "
        "go to the chair's moderation."
    )
    standstill_days = serializers.IntegerField()


class ModerationBody(serializers.Serializer):
    bid = serializers.IntegerField(help_text="The bid whose scores diverge.")
    criterion = serializers.IntegerField(help_text="The criterion they diverge on.")
    note = serializers.CharField()


class ModerationSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="bid_id")
    criterion = serializers.IntegerField(source="criterion_id")
    note = serializers.CharField()


class EvaluationViewSet(PanelActions, mixins.CreateModelMixin, ScopedViewSet):
    """The evaluations on whose panel you hold a seat, and those of the tenders you run."""

    serializer_class = EvaluationSerializer

    def scoped(self, user):
        works_on = Q(pk__in=[])
        if rules.may_sit_on_panel(user):
            works_on |= Q(members__user=user)
        if portal_permissions.is_procurement_officer(user):
            works_on |= Q(tender__created_by=user)
        return Evaluation.objects.filter(works_on).select_related("tender").distinct()

    @action_schema(NewEvaluation, EvaluationSerializer, "Open the evaluation of your tender")
    def create(self, request):
        sent = body(request)
        tender = selectors.officer_tender(request.user, validated(TenderIdForm(sent))["tender"])
        form = EvaluationForm(sent)
        data = validated(form)
        evaluation = evaluation_create(
            actor=request.user, tender=tender, deadline=data["deadline"], **form.settings()
        )
        return self.respond(evaluation, status=201)

    @action_schema(StartBody, EvaluationSerializer, "Start scoring (the officer)")
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        evaluation = self.run()
        data = validated(StartScoringForm(body(request)))
        return self.respond(
            evaluation_start_scoring(actor=request.user, evaluation=evaluation, **data)
        )

    @action_schema(SeenEvaluation, EvaluationSerializer, "End the tender without award")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        evaluation = self.run()
        data = validated(SeenEvaluationForm(body(request)))
        return self.respond(
            evaluation_end_unsuccessful(actor=request.user, evaluation=evaluation, **data)
        )

    @action_schema(SeenEvaluation, EvaluationSerializer, "Complete the evaluation (the chair)")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        evaluation = self.get_object()
        if not rules.is_cleared_chair(request.user, evaluation):
            raise PermissionDenied
        data = validated(SeenEvaluationForm(body(request)))
        return self.respond(evaluation_complete(actor=request.user, evaluation=evaluation, **data))

    @action_schema(ModerationBody, ModerationSerializer, "Note your moderation of a flagged score")
    @action(detail=True, methods=["post"])
    def moderation(self, request, pk=None):
        evaluation = self.get_object()
        if not rules.is_cleared_chair(request.user, evaluation):
            raise PermissionDenied
        sent = body(request)
        pair = validated(ModerationPairForm(sent))
        data = validated(ModerationForm({"note": sent.get("note")} if "note" in sent else {}))
        row = moderation_note_save(
            actor=request.user,
            evaluation=evaluation,
            bid_id=pair["bid"],
            criterion_id=pair["criterion"],
            note=data["note"],
        )
        return Response(ModerationSerializer(row).data)


def sheets_visible_to(user):
    """The sheets the blind rule lets ``user`` read on every panel they sit on, and their own."""
    visible = set()
    for seat in selectors.my_seats(user):
        evaluation = seat.evaluation
        visible.update(selectors.visible_sheets(user, evaluation).values_list("pk", flat=True))
        if rules.cleared_seat(user, evaluation) is not None:
            visible.update(ScoreSheet.objects.filter(member=seat).values_list("pk", flat=True))
    return ScoreSheet.objects.filter(pk__in=visible).select_related("member")


class ScoreBody(serializers.Serializer):
    bid = serializers.IntegerField()
    criterion = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    justification = serializers.CharField(required=False, allow_blank=True)


class ScoresBody(serializers.Serializer):
    scores = ScoreBody(many=True, help_text="The scores to change; the others stay.")


class ScoreSheetViewSet(ScopedViewSet):
    serializer_class = SheetSerializer

    def scoped(self, user):
        return sheets_visible_to(user).prefetch_related("scores")

    @action_schema(ScoresBody, SheetSerializer, "Save draft scores on your sheet")
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        sheet = self.get_object()
        evaluation = sheet.evaluation
        form = SheetForm(
            bids=selectors.panel_bids(request.user, evaluation),
            criteria=evaluation.tender.criteria.all(),
            scores=sheet.scores.all(),
        )
        data = {name: field.initial for name, field in form.fields.items()}
        sent = body(request).get("scores")
        for score in sent if isinstance(sent, list) else []:
            score = score if isinstance(score, dict) else {}
            key = f"{score.get('bid')}_{score.get('criterion')}"
            if f"points_{key}" in data:
                data[f"points_{key}"] = score.get("points")
                data[f"justification_{key}"] = score.get("justification", "")
        form = SheetForm(
            {name: value for name, value in data.items() if value is not None},
            bids=form.bids,
            criteria=form.criteria,
            scores=sheet.scores.all(),
        )
        validated(form)
        return self.respond(sheet_save(actor=request.user, sheet=sheet, entries=form.entries()))

    @action_schema(SubmitSheetBody, SheetSerializer, "Submit your score sheet")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        sheet = self.get_object()
        data = validated(SubmitSheetForm(body(request)))
        return self.respond(sheet_submit(actor=request.user, sheet=sheet, **data))

    @action_schema(ReturnSheetBody, SheetSerializer, "Return a submitted sheet (the chair)")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_to_evaluator(self, request, pk=None):
        sheet = self.get_object()
        data = validated(ReturnSheetForm(body(request)))
        return self.respond(sheet_return(actor=request.user, sheet=sheet, **data))
