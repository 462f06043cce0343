"""Preparing a bid: opening it, the technical proposal, proposed staff, budget and documents.

A bid is changed by its organisation's admins and editors while it is a draft or withdrawn,
on a published tender, before the submission deadline (by the database's clock, see
``tenders.services.bid_deadline``). Each service locks the tender (shared) and the bid, so an
edit never interleaves with a submission or with the tender closing. A repeated request (a
double click, a resent form) changes nothing the second time. Each change is audited by what
changed (ids and digests), never by content: the audit log is not sealed.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from portal.documents.storage import discard, store
from providers import permissions as provider_permissions
from providers.selectors import provider_for_user
from tenders import permissions
from tenders.models import Bid, BidBudgetLine, BidDocument, BidSection, BidStaff
from tenders.services.bid_checks import budget_total, lazy_money
from tenders.services.bid_deadline import check_open_for_bids, database_now, lock_tender
from workflows import audit
from workflows.errors import ConflictError, DomainError, forbidden, interpolate_lazy

EDITABLE_STATES = (Bid.State.DRAFT, Bid.State.WITHDRAWN)
NOT_EDITABLE = {
    Bid.State.SUBMITTED: _(
        "A submitted bid cannot be changed. Withdraw it first, then submit it again."
    ),
    Bid.State.DISCARDED: _(
        "This bid was not submitted by the deadline and can no longer be changed."
    ),
}


def bid_create(*, actor, tender):
    """Open the actor's organisation's draft bid on ``tender`` and return it.

    The actor is an admin or editor of a verified organisation; the tender is published and its
    deadline not reached. An organisation has one bid per tender: when it exists already it is
    returned unchanged (a repeat is a no-op), whatever its state. Writes an audit entry.
    """
    provider = provider_for_user(actor)
    if provider is None or not provider_permissions.can_edit(actor, provider):
        raise forbidden()
    if not provider.is_verified:
        raise DomainError("not_verified", _("Only a verified organisation may bid."))
    with transaction.atomic():
        locked = lock_tender(tender.pk)
        existing = Bid.objects.filter(tender=locked, provider=provider).first()
        if existing is not None:
            return existing
        check_open_for_bids(locked, database_now())
        try:
            with transaction.atomic():
                bid = Bid.objects.create(tender=locked, provider=provider, created_by=actor)
        except IntegrityError:
            # The same organisation opened it a moment ago in another request.
            return Bid.objects.get(tender=locked, provider=provider)
        bid.tender = locked
        audit.record(bid, "created", actor=actor)
    return bid


def bid_proposal_save(*, actor, bid, answers, seen_state=None):
    """Save the technical proposal: ``answers`` maps criterion ids of the bid's tender to text.

    A blank answer removes that section. Line endings are normalised so that the same text gives
    the same bid digest from any browser. Returns the ids of the criteria whose answer changed;
    unchanged answers write nothing (a repeat is a no-op). A criterion of another tender is
    refused. Writes one audit entry naming the changed criteria.
    """
    with transaction.atomic():
        row = _lock_editable(actor, bid, seen_state)
        criteria = set(row.tender.criteria.values_list("pk", flat=True))
        if not set(answers) <= criteria:
            raise DomainError(
                "unknown_criterion", _("The proposal names a criterion of another tender.")
            )
        sections = {section.criterion_id: section for section in row.sections.all()}
        changed = []
        for criterion_id, text in answers.items():
            text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
            section = sections.get(criterion_id)
            if section is None and text:
                BidSection.objects.create(bid=row, criterion_id=criterion_id, text=text)
            elif section is not None and not text:
                section.delete()
            elif section is not None and section.text != text:
                section.text = text
                section.save(update_fields=["text"])
            else:
                continue
            changed.append(criterion_id)
        if changed:
            audit.record(row, "proposal_saved", actor=actor, data={"criteria": sorted(changed)})
    return changed


def bid_staff_assign(*, actor, bid, staff_member, role_in_project="", seen_state=None):
    """Propose ``staff_member`` (an active member of the bid organisation's own roster) with a
    role in the project. Proposing someone again updates the role; the same role again is a
    no-op. Another organisation's staff member is refused. Writes an audit entry on change."""
    with transaction.atomic():
        row = _lock_editable(actor, bid, seen_state)
        if staff_member.provider_id != row.provider_id:
            raise DomainError(
                "foreign_staff", _("Only your own organisation's staff can be proposed.")
            )
        if not staff_member.active:
            raise DomainError("inactive_staff", _("This staff member is not active."))
        role_in_project = role_in_project.strip()
        proposed, created = BidStaff.objects.get_or_create(
            bid=row, staff_member=staff_member, defaults={"role_in_project": role_in_project}
        )
        if not created and proposed.role_in_project == role_in_project:
            return proposed
        if not created:
            proposed.role_in_project = role_in_project
            proposed.save(update_fields=["role_in_project"])
        audit.record(row, "staff_proposed", actor=actor, data={"staff_member": staff_member.pk})
    return proposed


def bid_staff_remove(*, actor, bid, staff_member, seen_state=None):
    """Take ``staff_member`` off the bid; not proposed (any more) is a no-op. Audited."""
    with transaction.atomic():
        row = _lock_editable(actor, bid, seen_state)
        removed, _count = BidStaff.objects.filter(bid=row, staff_member=staff_member).delete()
        if removed:
            audit.record(row, "staff_removed", actor=actor, data={"staff_member": staff_member.pk})
    return bool(removed)


def bid_budget_line_add(*, actor, bid, category, description, amount, seen_state=None):
    """Add a budget line of a positive ``amount`` that keeps the total within the tender's
    budget ceiling, and return it. A line identical to one already there is taken as a repeated
    request and returned instead of being added twice. Audited."""
    description = description.strip()
    if amount is None or amount <= 0:
        raise DomainError("amount", _("The amount must be more than zero."), field="amount")
    with transaction.atomic():
        row = _lock_editable(actor, bid, seen_state)
        same = row.budget_lines.filter(category=category, description=description, amount=amount)
        if (existing := same.first()) is not None:
            return existing
        ceiling = row.tender.budget_ceiling
        total = budget_total(row) + amount
        if ceiling is not None and total > ceiling:
            raise DomainError(
                "over_ceiling",
                interpolate_lazy(
                    _(
                        "This line brings the total to %(total)s TMT, above the ceiling of "
                        "%(ceiling)s TMT."
                    ),
                    {"total": lazy_money(total), "ceiling": lazy_money(ceiling)},
                ),
                field="amount",
            )
        line = BidBudgetLine.objects.create(
            bid=row, category=category, description=description, amount=amount
        )
        audit.record(row, "budget_line_added", actor=actor, data={"line": line.pk})
    return line


def bid_budget_line_remove(*, actor, bid, line, seen_state=None):
    """Delete a budget line of the bid; already gone is a no-op. Audited."""
    with transaction.atomic():
        row = _lock_editable(actor, bid, seen_state)
        removed, _count = BidBudgetLine.objects.filter(bid=row, pk=line.pk).delete()
        if removed:
            audit.record(row, "budget_line_removed", actor=actor, data={"line": line.pk})
    return bool(removed)


def bid_document_add(*, actor, bid, title, upload, seen_state=None):
    """Store ``upload`` (validated by ``portal.documents``) as a document of the bid and return
    it. The file's SHA-256 is computed as it is stored. The same bytes under the same title
    again is a repeat: the existing document is returned and the new copy removed. If the
    transaction fails, the stored file is removed. Audited with the file's digest."""
    if not permissions.can_edit_bid(actor, bid):
        raise forbidden()
    title = title.strip()
    stored = store(upload, prefix=BidDocument.upload_prefix)
    try:
        with transaction.atomic():
            row = _lock_editable(actor, bid, seen_state)
            existing = row.documents.filter(title=title, sha256=stored.sha256).first()
            if existing is not None:
                transaction.on_commit(lambda: discard(stored.name))
                return existing
            document = BidDocument.from_stored(stored, uploaded_by=actor, bid=row, title=title)
            document.save()
            audit.record(
                row,
                "document_added",
                actor=actor,
                data={"document": document.pk, "sha256": document.sha256},
            )
    except BaseException:
        discard(stored.name)
        raise
    return document


def bid_document_remove(*, actor, bid, document, seen_state=None):
    """Delete a document of the bid; its file is removed once the deletion commits. Already
    gone is a no-op. Audited."""
    with transaction.atomic():
        row = _lock_editable(actor, bid, seen_state)
        found = BidDocument.objects.filter(bid=row, pk=document.pk).first()
        if found is None:
            return False
        name = found.file.name
        found.delete()
        audit.record(
            row,
            "document_removed",
            actor=actor,
            data={"document": document.pk, "sha256": found.sha256},
        )
        transaction.on_commit(lambda: discard(name))
    return True


def _lock_editable(actor, bid, seen_state):
    """Lock the tender (shared) and the bid, and refuse unless ``actor`` may change it now."""
    tender = lock_tender(bid.tender_id)
    row = Bid.objects.select_for_update().get(pk=bid.pk)
    row.tender = tender
    if not permissions.can_edit_bid(actor, row):
        raise forbidden()
    if seen_state is not None and row.state != seen_state:
        raise ConflictError()
    if row.state not in EDITABLE_STATES:
        raise DomainError("not_editable", NOT_EDITABLE[row.state])
    check_open_for_bids(tender, database_now())
    return row
