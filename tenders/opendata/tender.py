"""The tender stage: the notice as published (``tender``), each amendment
(``tenderAmendment``), and its end without award (``tenderCancellation``).

Every release carries the whole tender section as it stands, so the latest release of the
process tells the current notice. The section names the bidders only once bids are opened.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenders.models import Tender
from tenders.opendata.common import (
    absolute,
    day_end,
    day_start,
    field_texts,
    moment,
    money,
    publish,
    texts,
    translated,
)
from tenders.opendata.parties import (
    OPENED_STATES,
    ministry_reference,
    opened_bids,
    parties,
    provider_reference,
)

STATUS = {
    Tender.State.PUBLISHED: "active",
    Tender.State.CLOSED: "active",
    Tender.State.AWARDED: "complete",
    Tender.State.UNSUCCESSFUL: "unsuccessful",
    Tender.State.CANCELLED: "cancelled",
}
# Labels of what an amendment records besides the tender's own fields.
AMENDED = {
    "documents_added": _("Terms-of-reference documents"),
    "documents_withdrawn": _("Terms-of-reference documents"),
}


def tender_section(tender):
    """The tender as the public may know it now."""
    section = {
        "id": tender.reference,
        **field_texts(tender, "title"),
        **field_texts(tender, "description"),
        "status": STATUS[tender.state],
        "procuringEntity": ministry_reference(),
        "items": [{"id": "1", **field_texts(tender.service_type, "name", "description")}],
        "procurementMethod": "open",
        "mainProcurementCategory": "services",
        "awardCriteria": "ratedCriteria" if tender.price_weight else "qualityOnly",
        **_criteria(tender),
        "submissionMethod": ["electronicSubmission"],
        "tenderPeriod": _period(tender.published_at, tender.submission_deadline),
        "enquiryPeriod": _period(tender.published_at, tender.questions_deadline),
        "documents": _documents(tender),
        "amendments": [_amendment(amendment) for amendment in tender.amendments.all()],
    }
    if tender.budget_ceiling is not None:
        section["value"] = money(tender.budget_ceiling)
    if tender.grant_start and tender.grant_end:
        section["contractPeriod"] = {
            "startDate": day_start(tender.grant_start),
            "endDate": day_end(tender.grant_end),
        }
    if tender.state in OPENED_STATES:
        bids = opened_bids(tender)
        section["numberOfTenderers"] = len(bids)
        section["tenderers"] = [provider_reference(bid.provider) for bid in bids]
    if tender.state == Tender.State.CANCELLED and tender.cancel_reason:
        section["documents"].append(
            {
                "id": "cancellation",
                "documentType": "cancellationDetails",
                **translated("title", _("Reason for cancellation")),
                "description": tender.cancel_reason,
            }
        )
    return {key: value for key, value in section.items() if value != []}


def on_published(*, subject, entry, **_payload):
    """The tender notice, as published."""
    publish(subject, entry, "tender", _sections(subject))


def on_amended(*, subject, entry, **_payload):
    """The notice as amended, with every amendment so far and why it was made."""
    publish(subject, entry, "tenderAmendment", _sections(subject))


def on_ended(*, subject, entry, **_payload):
    """A cancelled tender (once published: a draft was never public) or one that ended with no
    bid to award."""
    if entry.source_state == Tender.State.DRAFT:
        return
    publish(subject, entry, "tenderCancellation", _sections(subject))


def _sections(tender):
    return {
        "parties": parties(tender),
        "buyer": ministry_reference(),
        "tender": tender_section(tender),
    }


def _period(start, end):
    period = {
        "startDate": moment(start) if start else None,
        "endDate": moment(end) if end else None,
    }
    return {key: value for key, value in period.items() if value}


def _criteria(tender):
    criteria = list(tender.criteria.all())

    def details(code):
        lines = [
            f"{getattr(criterion, f'title_{code}') or criterion.title_tk}: {criterion.weight} %"
            for criterion in criteria
        ]
        if tender.price_weight:
            with translation.override(code):
                lines.append(f"{gettext('Price')}: {tender.price_weight} %")
        return "; ".join(lines)

    return texts("awardCriteriaDetails", details("en"), tk=details("tk"), ru=details("ru"))


def _documents(tender):
    return [
        {
            "id": str(document.pk),
            "documentType": "biddingDocuments",
            "title": document.title,
            "url": absolute(reverse("tenders:document", args=[tender.pk, document.pk])),
            "datePublished": moment(document.uploaded_at),
            **({"dateModified": moment(document.withdrawn_at)} if document.withdrawn_at else {}),
            "format": document.mime,
        }
        for document in tender.documents.all()
    ]


def _amendment(amendment):
    def description():
        labels = []
        for name in amendment.changes:
            label = AMENDED.get(name) or Tender._meta.get_field(name).verbose_name
            if str(label) not in labels:
                labels.append(str(label))
        return _("Changed: %(fields)s.") % {"fields": ", ".join(labels)}

    return {
        "id": str(amendment.number),
        "date": moment(amendment.made_at),
        "rationale": amendment.reason,
        **translated("description", description),
    }
