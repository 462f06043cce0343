"""Bids of the scale programme, bulk inserted with what ``BidFactory`` and ``fill_bid`` write.

Each submitted bid answers every criterion, proposes one trained staff member of its
organisation, has one budget line and one PDF work plan (a file of its own in storage, the
same bytes for every bid, checked once by ``store``) and carries the SHA-256 that
``bid_receipt.bid_digest`` gives its content, computed from the rows as they are written."""

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from portal.documents.storage import generate_name, store
from tenders.models import Bid, BidBudgetLine, BidDocument, BidSection, BidStaff
from tenders.services.bid_receipt import FORMAT, canonical_bytes

WORK_PLAN = "work-plan.pdf"
BUDGET = Decimal("120000.00")
BUDGET_DESCRIPTION = "Two social workers for twelve months"


class WorkPlan:
    """The work plan every bid uploads: validated and stored once, then copied per bid."""

    def __init__(self):
        from tests.factories.documents import upload

        uploaded = upload("pdf", name=WORK_PLAN)
        self.first = store(uploaded, prefix=BidDocument.upload_prefix)
        uploaded.seek(0)
        self.data = uploaded.read()
        self.ext = self.first.name.rsplit(".", 1)[-1]
        self.used = False

    def name(self):
        if not self.used:
            self.used = True
            return self.first.name
        return default_storage.save(
            generate_name(BidDocument.upload_prefix, self.ext), ContentFile(self.data)
        )


def build_bids(tender, kind, bidders, count, work_plan):
    """``count`` bids on ``tender``, one organisation each from ``bidders``; on a published
    tender one in four is still an empty draft. Return the submitted ones, oldest first."""
    criteria = list(tender.criteria.order_by("pk"))
    now = timezone.now()
    rows, staff = [], []
    for n in range(count):
        provider = next(bidders)
        draft = kind == "published" and n % 4 == 3
        rows.append(
            Bid(
                tender=tender,
                provider=provider,
                created_by=provider.scale_admin,
                state=Bid.State.DRAFT if draft else Bid.State.SUBMITTED,
                submitted_at=None if draft else now,
            )
        )
        staff.append(None if draft else provider.scale_staff[n % 2])
    Bid.objects.bulk_create(rows)
    submitted = [(bid, person) for bid, person in zip(rows, staff, strict=True) if person]
    sections, members, lines, documents = [], [], [], []
    for bid, person in submitted:
        sections += [
            BidSection(bid=bid, criterion=c, text=f"Our approach — criterion {c.position + 1}")
            for c in criteria
        ]
        members.append(
            BidStaff(
                bid=bid,
                staff_member=person,
                role_in_project="Team leader",
                full_name=person.full_name,
                position=person.position,
                qualifications=person.qualifications,
            )
        )
        lines.append(
            BidBudgetLine(
                bid=bid,
                category=BidBudgetLine.Category.STAFF,
                description=BUDGET_DESCRIPTION,
                amount=BUDGET,
            )
        )
        document = BidDocument(bid=bid, title="Work plan", uploaded_by=bid.created_by)
        document.file = work_plan.name()
        document.original_name = work_plan.first.original_name
        document.size = work_plan.first.size
        document.sha256 = work_plan.first.sha256
        document.mime = work_plan.first.mime
        documents.append(document)
    BidSection.objects.bulk_create(sections)
    BidStaff.objects.bulk_create(members)
    BidBudgetLine.objects.bulk_create(lines)
    BidDocument.objects.bulk_create(documents)
    for (bid, _person), member, line, document in zip(
        submitted, members, lines, documents, strict=True
    ):
        bid.content_sha256 = _digest(tender, bid, criteria, member, line, document)
    Bid.objects.bulk_update([bid for bid, _person in submitted], ["content_sha256"])
    return [bid for bid, _person in submitted]


def _digest(tender, bid, criteria, member, line, document):
    """``bid_digest`` of the rows just written, without reading them back."""
    data = {
        "format": FORMAT,
        "tender": tender.reference,
        "provider": bid.provider_id,
        "sections": [
            {"criterion": c.pk, "text": f"Our approach — criterion {c.position + 1}"}
            for c in criteria
        ],
        "staff": [
            {
                "staff_member": member.staff_member_id,
                "full_name": member.full_name,
                "position": member.position,
                "qualifications": member.qualifications,
                "role_in_project": member.role_in_project,
            }
        ],
        "budget_lines": [
            {
                "category": line.category,
                "description": line.description,
                "amount": f"{line.amount:.2f}",
            }
        ],
        "documents": [
            {
                "title": document.title,
                "original_name": document.original_name,
                "size": document.size,
                "sha256": document.sha256,
            }
        ],
    }
    return hashlib.sha256(canonical_bytes(data)).hexdigest()
