"""What the tender pages that ask for a confirmation show, as fingerprints (see
``workflows.fingerprints``): a bid before it is submitted, a score sheet before it is
submitted, a proposed award before it is approved, a draft tender before it is published.

Each ``*_parts`` function reads the content its page shows, in named parts; the page's
``PageVersion`` gives ``*_fingerprint``, the hidden field's value, and ``check_*_seen``, which
refuses a stale one (code ``stale``), naming the parts that changed. The checks run inside the
services' transactions, after the row lock.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.formatting import money
from tenders.models import Bid
from tenders.services.bid_checks import budget_total
from tenders.services.bid_receipt import canonical_document
from workflows.errors import interpolate_lazy
from workflows.fingerprints import PageVersion


def _tmt(amount):
    return f"{money(amount)} TMT"


# Formatted when shown, so the amount is written as the reader's language writes it.
tmt_lazy = lazy(_tmt, str)


def bid_parts(bid):
    """The submit page's content: the answers, the staff as the submission seals them (from
    the roster), the budget lines (their total follows from them) and the documents."""
    document = canonical_document(bid, bid.tender)
    staff = [
        {
            "staff_member": member.staff_member_id,
            "full_name": member.staff_member.full_name,
            "position": member.staff_member.position,
            "qualifications": member.staff_member.qualifications,
            "role_in_project": member.role_in_project,
        }
        for member in bid.staff.select_related("staff_member").order_by("staff_member_id")
    ]
    return {
        "proposal": document["sections"],
        "staff": staff,
        "budget": document["budget_lines"],
        "documents": document["documents"],
    }


BID_LABELS = {
    "proposal": _("the technical proposal changed"),
    "staff": _("the proposed staff changed"),
    "budget": _("budget lines changed"),
    "documents": _("the documents changed"),
}


def _bid_after(bid):
    return (
        interpolate_lazy(_("the total is now %(total)s"), {"total": tmt_lazy(budget_total(bid))}),
    )


BID_PAGE = PageVersion(
    bid_parts,
    BID_LABELS,
    message=_(
        "The bid changed after you opened this page: %(changes)s. Check it and submit again."
    ),
    after=_bid_after,
)
bid_fingerprint = BID_PAGE.of
check_bid_seen = BID_PAGE.check


def sheet_parts(sheet):
    """The score sheet page's content: the bids and criteria to score, and the saved scores."""
    evaluation = sheet.evaluation
    return {
        "scope": {
            # The same bids as ``evaluation.common.eligible_bids``, which this module cannot
            # import: the evaluation services import the tender services, which use it.
            "bids": list(
                evaluation.screenings.filter(eligible=True, bid__state=Bid.State.SUBMITTED)
                .order_by("bid_id")
                .values_list("bid_id", flat=True)
            ),
            "criteria": list(
                evaluation.tender.criteria.order_by("pk").values_list("pk", "weight", "max_points")
            ),
        },
        "scores": list(
            sheet.scores.order_by("bid_id", "criterion_id").values_list(
                "bid_id", "criterion_id", "points", "justification"
            )
        ),
    }


SHEET_LABELS = {
    "scope": _("the bids or criteria to score changed"),
    "scores": _("scores or justifications changed"),
}


SHEET_PAGE = PageVersion(
    sheet_parts,
    SHEET_LABELS,
    message=_(
        "The score sheet changed after you opened this page: %(changes)s. Check it and "
        "submit again."
    ),
)
sheet_fingerprint = SHEET_PAGE.of
check_sheet_seen = SHEET_PAGE.check


def decision_parts(decision):
    """The award decision page's content: the tender's terms it rests on and every line."""
    tender = decision.tender
    return {
        "terms": {
            "budget_ceiling": tender.budget_ceiling,
            "awards_count": tender.awards_count,
            "standstill_days": decision.evaluation.standstill_days,
        },
        "lines": list(
            decision.lines.order_by("pk").values_list(
                "bid_id",
                "eligible",
                "rank",
                "total_score",
                "passes_minimum",
                "amount",
                "proposed",
            )
        ),
    }


DECISION_LABELS = {
    "terms": _("the tender's terms changed"),
    "lines": _("the proposed award changed"),
}


DECISION_PAGE = PageVersion(
    decision_parts,
    DECISION_LABELS,
    message=_(
        "The award decision changed after you opened this page: %(changes)s. Check it and "
        "approve again."
    ),
)
decision_fingerprint = DECISION_PAGE.of
check_decision_seen = DECISION_PAGE.check


# Kept by the portal itself, not written by the officer: they do not change what is published.
TENDER_BOOKKEEPING = {
    "id",
    "state",
    "created_by",
    "created_at",
    "creation_key",
    "published_at",
    "closed_at",
    "questions_reminder_sent_at",
    "cancel_reason",
}


def tender_parts(tender):
    """The draft tender as the officer's page shows it: its terms, criteria and documents."""
    terms = {
        field.attname: field.value_from_object(tender)
        for field in tender._meta.concrete_fields
        if field.name not in TENDER_BOOKKEEPING
    }
    terms["target_groups"] = sorted(tender.target_groups.values_list("pk", flat=True))
    terms["etraps"] = sorted(tender.etraps.values_list("pk", flat=True))
    return {
        "terms": terms,
        "criteria": list(
            tender.criteria.order_by("position", "pk").values_list(
                "title_tk", "title_ru", "title_en", "guidance", "weight", "max_points"
            )
        ),
        "documents": list(
            tender.documents.order_by("pk").values_list("title", "sha256", "withdrawn_at")
        ),
    }


TENDER_LABELS = {
    "terms": _("the tender's terms changed"),
    "criteria": _("the evaluation criteria changed"),
    "documents": _("the tender documents changed"),
}


TENDER_PAGE = PageVersion(
    tender_parts,
    TENDER_LABELS,
    message=_(
        "The tender changed after you opened this page: %(changes)s. Check it and publish again."
    ),
)
tender_fingerprint = TENDER_PAGE.of
check_tender_seen = TENDER_PAGE.check
