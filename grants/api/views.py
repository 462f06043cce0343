"""Agreements, reports and tranches over the API: read through ``grants.selectors`` (the
grantee's members and the grant officers, as on the pages), changed through the pages' forms,
permission functions and services."""

from django.core.exceptions import PermissionDenied
from rest_framework.decorators import action

from grants import permissions, selectors
from grants.api.agreement_draft import AgreementDraftActions, AgreementDraftSerializer
from grants.api.report_content import ReportContentActions, ReportContentSerializer
from grants.api.serializers import (
    AgreementDecisionBody,
    AgreementVersion,
    PaymentBody,
    ReportAcceptBody,
    ReportReturnBody,
    ReportSubmitBody,
    TrancheSeenState,
    TrancheSerializer,
)
from grants.forms.agreement import DecisionForm, VersionForm
from grants.forms.report import AcceptForm, ReturnForm, SubmitForm
from grants.forms.tranche import PaymentForm, TrancheStateForm
from grants.models import ReportSection, ReportState
from grants.services import (
    agreement_confirm_signature,
    agreement_resume,
    agreement_suspend,
    agreement_terminate,
    report_accept,
    report_resubmit,
    report_return,
    report_submit,
    tranche_approve,
    tranche_record_payment,
)
from portal.api.views import ScopedViewSet, action_schema, body, validated


def _prefixed(prefix, data):
    return {f"{prefix}-{name}": value for name, value in data.items()}


class AgreementViewSet(AgreementDraftActions, ScopedViewSet):
    """Your organisation's grant agreements; every agreement for grant officers."""

    serializer_class = AgreementDraftSerializer

    def scoped(self, user):
        return selectors.agreements_visible_to(user).prefetch_related(
            "budget_lines", "targets", "tranches", "documents"
        )

    @action_schema(AgreementVersion, AgreementDraftSerializer, "Confirm your side's signature")
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        agreement = self.get_object()
        data = validated(VersionForm(body(request)))
        return self.respond(
            agreement_confirm_signature(actor=request.user, agreement=agreement, **data)
        )

    @action_schema(AgreementDecisionBody, AgreementDraftSerializer, "Suspend the agreement")
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        return self.decide(agreement_suspend, "suspend", "reason")

    @action_schema(
        AgreementDecisionBody, AgreementDraftSerializer, "Resume the suspended agreement"
    )
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self.decide(agreement_resume, "resume", "note")

    @action_schema(AgreementDecisionBody, AgreementDraftSerializer, "Terminate the agreement")
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self.decide(agreement_terminate, "terminate", "reason")

    def decide(self, service, action_name, text_argument):
        agreement = self.get_object()
        if not permissions.is_officer_for(self.request.user, agreement):
            raise PermissionDenied
        form = DecisionForm(_prefixed(action_name, body(self.request)), action=action_name)
        data = validated(form)
        row = service(
            actor=self.request.user,
            agreement=agreement,
            seen_state=data["seen_state"],
            **{text_argument: data["text"]},
        )
        return self.respond(row)


class ReportViewSet(ReportContentActions, ScopedViewSet):
    """Your organisation's reports; every report for grant officers, who review them."""

    serializer_class = ReportContentSerializer

    def scoped(self, user):
        return selectors.reports_visible_to(user).prefetch_related(
            "comments",
            "beneficiary_counts",
            "service_counts",
            "target_values",
            "expenditures",
            "attachments",
        )

    @action_schema(ReportSubmitBody, ReportContentSerializer, "Submit the report, or send it back")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        data = validated(SubmitForm(body(request)))
        service = report_resubmit if report.state == ReportState.RETURNED else report_submit
        return self.respond(service(actor=request.user, report=report, **data))

    @action_schema(ReportReturnBody, ReportContentSerializer, "Return the report for revision")
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_revision(self, request, pk=None):
        report = self.reviewed()
        sent = body(request)
        comments = sent.get("comments") if isinstance(sent.get("comments"), dict) else {}
        form = ReturnForm(_prefixed("return", {"seen_state": sent.get("seen_state"), **comments}))
        data = validated(form)
        unknown = set(comments) - set(ReportSection.values)
        row = report_return(
            actor=request.user,
            report=report,
            seen_state=data["seen_state"],
            comments={**form.comments(), **{section: comments[section] for section in unknown}},
        )
        return self.respond(row)

    @action_schema(ReportAcceptBody, ReportContentSerializer, "Accept the report")
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self.reviewed()
        data = validated(AcceptForm(_prefixed("accept", body(request))))
        return self.respond(report_accept(actor=request.user, report=report, **data))

    def reviewed(self):
        report = self.get_object()
        if not permissions.can_review_report(self.request.user, report):
            raise PermissionDenied
        return report


class TrancheViewSet(ScopedViewSet):
    """The tranches of the agreements you see; grant officers approve and pay them."""

    serializer_class = TrancheSerializer

    def scoped(self, user):
        return selectors.tranches_visible_to(user)

    @action_schema(TrancheSeenState, TrancheSerializer, "Approve the tranche for payment")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        tranche = self.managed()
        data = validated(TrancheStateForm(body(request)))
        return self.respond(tranche_approve(actor=request.user, tranche=tranche, **data))

    @action_schema(PaymentBody, TrancheSerializer, "Record the tranche's payment")
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        tranche = self.managed()
        data = validated(PaymentForm(body(request)))
        return self.respond(tranche_record_payment(actor=request.user, tranche=tranche, **data))

    def managed(self):
        tranche = self.get_object()
        if not permissions.can_manage_tranche(self.request.user, tranche):
            raise PermissionDenied
        return tranche
