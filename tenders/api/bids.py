"""Bids over the API: the same sealed reading as the pages (``selectors.bid.bids_visible_to``)
and every change through the page's form and service."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser

from portal.api.views import ScopedViewSet, action_schema, body, storing, validated
from tenders import permissions
from tenders.api.bid_serializers import (
    BidSerializer,
    BudgetLineBody,
    DocumentBody,
    NewBid,
    ProposalBody,
    SeenState,
    StaffBody,
    SubmitBody,
)
from tenders.api.forms import TenderIdForm
from tenders.forms.bid import (
    BidDocumentForm,
    BudgetLineForm,
    ProposalForm,
    SeenStateForm,
    StaffForm,
    SubmitForm,
)
from tenders.selectors.bid import bids_visible_to, roster_for
from tenders.selectors.tender import public_tenders
from tenders.services.bid import (
    bid_budget_line_add,
    bid_budget_line_remove,
    bid_create,
    bid_document_add,
    bid_document_remove,
    bid_proposal_save,
    bid_staff_assign,
    bid_staff_remove,
)
from tenders.services.bid_submission import bid_reconfirm, bid_submit, bid_withdraw

# The part of the bid a removal names, by id.
ITEM = extend_schema(parameters=[OpenApiParameter("item", int, OpenApiParameter.PATH)])


class BidViewSet(mixins.CreateModelMixin, ScopedViewSet):
    """Your organisation's bids, and once a tender is opened, its submitted bids for the
    procurement officers; a sealed bid is not found by anyone else."""

    serializer_class = BidSerializer

    def scoped(self, user):
        return (
            bids_visible_to(user)
            .select_related("provider", "tender")
            .prefetch_related("sections", "staff", "budget_lines", "documents")
        )

    def editable(self):
        bid = self.get_object()
        if not permissions.can_edit_bid(self.request.user, bid):
            raise PermissionDenied
        return bid

    @action_schema(NewBid, BidSerializer, "Open your organisation's draft bid on a tender")
    def create(self, request):
        tender_id = validated(TenderIdForm(body(request)))["tender"]
        tender = public_tenders().filter(pk=tender_id).first()
        if tender is None:
            raise Http404
        return self.respond(bid_create(actor=request.user, tender=tender), status=201)

    @action_schema(ProposalBody, BidSerializer, "Save the technical proposal")
    @action(detail=True, methods=["post"])
    def proposal(self, request, pk=None):
        bid = self.editable()
        answers = body(request).get("answers")
        answers = answers if isinstance(answers, dict) else {}
        data = {f"criterion_{key}": text for key, text in answers.items()}
        form = ProposalForm(
            {**data, "seen_state": body(request).get("seen_state")},
            criteria=bid.tender.criteria.all(),
            sections=bid.sections.all(),
        )
        cleaned = validated(form)
        bid_proposal_save(
            actor=request.user, bid=bid, answers=form.answers(), seen_state=cleaned["seen_state"]
        )
        return self.respond(bid)

    @action_schema(StaffBody, BidSerializer, "Propose a member of your staff")
    @action(detail=True, methods=["post"])
    def staff(self, request, pk=None):
        bid = self.editable()
        data = validated(StaffForm(body(request), roster=roster_for(bid)))
        bid_staff_assign(actor=request.user, bid=bid, **data)
        return self.respond(bid)

    @action_schema(BudgetLineBody, BidSerializer, "Add a budget line")
    @action(detail=True, methods=["post"], url_path="budget-lines")
    def budget_lines(self, request, pk=None):
        bid = self.editable()
        bid_budget_line_add(actor=request.user, bid=bid, **validated(BudgetLineForm(body(request))))
        return self.respond(bid)

    @action_schema(DocumentBody, BidSerializer, "Upload a document (multipart/form-data)")
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def documents(self, request, pk=None):
        bid = self.editable()
        data = validated(BidDocumentForm(request.data, request.FILES))
        storing(
            "file",
            lambda: bid_document_add(
                actor=request.user,
                bid=bid,
                title=data["title"],
                upload=data["file"],
                seen_state=data["seen_state"],
            ),
        )
        return self.respond(bid)

    @ITEM
    @action_schema(SeenState, BidSerializer, "No longer propose a member of your staff")
    @action(detail=True, methods=["post"], url_path="staff/<int:item>/remove", url_name="unstaff")
    def unstaff(self, request, pk=None, item=None):
        return self.remove(
            lambda bid: bid.staff.select_related("staff_member").filter(staff_member_id=item),
            lambda bid, row, seen: bid_staff_remove(
                actor=request.user, bid=bid, staff_member=row.staff_member, seen_state=seen
            ),
        )

    @ITEM
    @action_schema(SeenState, BidSerializer, "Remove a budget line")
    @action(
        detail=True,
        methods=["post"],
        url_path="budget-lines/<int:item>/remove",
        url_name="budget-line-remove",
    )
    def budget_line_remove(self, request, pk=None, item=None):
        return self.remove(
            lambda bid: bid.budget_lines.filter(pk=item),
            lambda bid, row, seen: bid_budget_line_remove(
                actor=request.user, bid=bid, line=row, seen_state=seen
            ),
        )

    @ITEM
    @action_schema(SeenState, BidSerializer, "Remove a document")
    @action(
        detail=True,
        methods=["post"],
        url_path="documents/<int:item>/remove",
        url_name="document-remove",
    )
    def document_remove(self, request, pk=None, item=None):
        return self.remove(
            lambda bid: bid.documents.filter(pk=item),
            lambda bid, row, seen: bid_document_remove(
                actor=request.user, bid=bid, document=row, seen_state=seen
            ),
        )

    def remove(self, rows, call):
        """Remove one part of the bid, as its page's remove button does."""
        bid = self.editable()
        row = rows(bid).first()
        if row is None:
            raise Http404
        data = validated(SeenStateForm(body(self.request)))
        call(bid, row, data["seen_state"])
        return self.respond(bid)

    @action_schema(SubmitBody, BidSerializer, "Submit the bid")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        bid = self.editable()
        data = validated(SubmitForm(body(request)))
        return self.respond(bid_submit(actor=request.user, bid=bid, **data))

    @action_schema(SeenState, BidSerializer, "Withdraw the submitted bid")
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        bid = self.editable()
        data = validated(SeenStateForm(body(request)))
        return self.respond(bid_withdraw(actor=request.user, bid=bid, **data))

    @action_schema(None, BidSerializer, "Confirm the bid under the amended tender")
    @action(detail=True, methods=["post"])
    def reconfirm(self, request, pk=None):
        return self.respond(bid_reconfirm(actor=request.user, bid=self.editable()))
