"""Writing, publishing and cancelling tenders.

A draft is edited freely by the officer who wrote it; publishing checks the whole tender.
After publishing, changes go through ``tenders.services.amendment``.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents.storage import discard, store
from tenders import permissions
from tenders.localtime import local
from tenders.models import Bid, ReferenceCounter, Tender, TenderCriterion, TenderDocument
from tenders.selectors.bid import is_opened
from tenders.selectors.tender import bidder_admins, service_type_audience
from tenders.services.committee import tender_keys_create
from tenders.services.fingerprints import check_tender_seen
from tenders.services.tender_checks import Problem, TenderProblems, publication_problems
from tenders.services.tender_notice import notice_context
from workflows import audit, runner
from workflows.errors import DomainError, forbidden, not_allowed
from workflows.outbox import Notice

# The title and description in each language.
TEXT_FIELDS = (
    "title_tk",
    "title_ru",
    "title_en",
    "description_tk",
    "description_ru",
    "description_en",
)
# The tender's own fields an officer writes in a draft; relations are handled apart.
DRAFT_FIELDS = (
    *TEXT_FIELDS,
    "service_type",
    "velayat",
    "budget_ceiling",
    "grant_start",
    "grant_end",
    "awards_count",
    "required_document_types",
    "min_trained_staff",
    "price_weight",
    "min_technical_score",
    "questions_deadline",
    "submission_deadline",
)
RELATION_FIELDS = ("target_groups", "etraps")
# A blank in the form leaves the criterion incomplete; publishing names what is missing.
CRITERION_DEFAULTS = {
    "title_tk": "",
    "title_ru": "",
    "title_en": "",
    "guidance": "",
    "weight": 0,
    "max_points": 0,
}


def next_reference(today):
    """The next free reference of ``today``'s year, e.g. ``SC-2026-0007``.

    Call it inside the transaction that saves the tender: the counter row stays locked until
    that transaction ends, so two officers creating tenders at once get different numbers.
    """
    ReferenceCounter.objects.get_or_create(year=today.year)
    ReferenceCounter.objects.filter(year=today.year).update(last=F("last") + 1)
    number = ReferenceCounter.objects.get(year=today.year).last
    return f"SC-{today.year}-{number:04d}"


def tender_create(*, actor, values, criteria=(), documents=(), key=None):
    """Create a draft tender written by ``actor`` (a procurement officer) and return it.

    ``values`` holds ``DRAFT_FIELDS`` and ``RELATION_FIELDS``; ``criteria`` is a list of dicts
    keyed like ``CRITERION_DEFAULTS``; ``documents`` a list of ``(title, uploaded_file)``. The
    tender gets the next reference number. ``key`` identifies the form that sent it: sending
    the same key again returns the tender already created (a double click makes one draft).
    Writes an audit entry; sends nothing.
    """
    if not permissions.can_create_tender(actor):
        raise forbidden()
    if key is not None and (existing := Tender.objects.filter(creation_key=key).first()):
        return existing
    _check_area(values)
    stored = store_documents(documents)
    try:
        with transaction.atomic():
            tender = Tender(
                created_by=actor,
                creation_key=key,
                reference=next_reference(local(timezone.now()).date()),
            )
            _assign(tender, values)
            tender.save()
            _set_relations(tender, values)
            _sync_criteria(tender, criteria)
            attach_documents(tender, stored, actor)
            audit.record(tender, "create", actor=actor)
    except IntegrityError:
        discard_documents(stored)
        existing = Tender.objects.filter(creation_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    except BaseException:
        discard_documents(stored)
        raise
    return tender


def tender_update(*, actor, tender, values, criteria=(), documents=(), removed_documents=()):
    """Save an edited draft: its fields, relations and the full list of ``criteria`` (a dict
    with an ``id`` updates that criterion, one without adds one, the rest are removed);
    add ``documents`` and delete ``removed_documents`` (ids) with their files.

    Only the officer who wrote the tender may, and only while it is a draft; a published
    tender changes through an amendment. Saving the same form twice changes nothing more (a
    file already attached under the same title is not attached again). Writes an audit entry.
    """
    if not permissions.can_manage_tender(actor, tender):
        raise forbidden()
    _check_area(values)
    stored = store_documents(documents)
    try:
        with transaction.atomic():
            row = Tender.objects.select_for_update().get(pk=tender.pk)
            if row.state != Tender.State.DRAFT:
                raise DomainError(
                    "not_draft",
                    _(
                        "Only a draft can be edited. Change a published tender through an "
                        "amendment."
                    ),
                )
            _assign(row, values)
            row.save()
            _set_relations(row, values)
            _sync_criteria(row, criteria)
            attach_documents(row, stored, actor)
            removed = list(row.documents.filter(pk__in=list(removed_documents)))
            for document in removed:
                document.delete()
                transaction.on_commit(lambda name=document.file.name: discard(name))
            audit.record(row, "edit", actor=actor)
    except BaseException:
        discard_documents(stored)
        raise
    return row


def tender_publish(*, actor, tender, seen=None, seen_state=None):
    """Publish a draft (draft -> published) after checking the whole tender.

    Refuses with ``TenderProblems`` listing every missing or wrong item (texts, budget,
    criteria and weights, deadlines and minimum bidding time, grant period, an opening
    committee whose members all set their passphrase...). Makes the tender's opening keys and
    the committee's shares (``committee.tender_keys_create``). Tells the
    administrators of verified organisations offering the service type, by email and in the
    portal. A repeat (already published) is a no-op. Only the officer who wrote it may.

    ``seen`` is the fingerprint of the draft as the officer's page showed it
    (``fingerprints.tender_fingerprint``); a draft edited since (in another tab) is refused as
    ``stale``, naming what changed, and stays a draft. ``None`` (the default) is for callers
    that show no page, such as demo loading; a page passes the text it received, so a missing
    or forged fingerprint is refused the same way.
    """

    def check(row):
        check_tender_seen(row, seen)
        _check_ready(row)

    with transaction.atomic():
        row = runner.apply(
            tender,
            "publish",
            actor=actor,
            seen_state=seen_state,
            permission=permissions.can_manage_tender,
            check=check,
            notify=_published_notices,
        )
        if tender.state == Tender.State.DRAFT:
            tender_keys_create(row)
    return row


def tender_cancel(*, actor, tender, reason, seen_state=None):
    """Cancel a draft or published tender (-> cancelled) for the ``reason`` given (required).
    A closed tender whose sealed bids are still unopened (its committee can no longer give the
    shares needed) may be cancelled too; once bids are open, they are evaluated instead.

    Tells the administrators of every organisation with a bid on it (any bid but a discarded
    one) and the tender's officer. A repeat (already cancelled) is a no-op. Only the officer
    who wrote it may.
    """
    reason = (reason or "").strip()

    def check(row):
        if not reason:
            raise DomainError(
                "reason_required", _("Give the reason for cancelling."), field="reason"
            )
        if row.state == Tender.State.CLOSED and is_opened(row):
            raise not_allowed(row.get_state_display())

    return runner.apply(
        tender,
        "cancel",
        actor=actor,
        seen_state=seen_state,
        note=reason,
        permission=permissions.can_manage_tender,
        check=check,
        notify=_cancelled_notices,
        reason=reason,
    )


def public_url(tender):
    return tender.get_absolute_url()


def _check_ready(row):
    problems = publication_problems(row)
    if problems:
        raise TenderProblems("not_ready", problems)


def _published_notices(row, entry):
    return [
        Notice(
            event="tenders.tender_published",
            recipients=tuple(service_type_audience(row)),
            context=notice_context(row),
            url=public_url(row),
        )
    ]


def _cancelled_notices(row, entry):
    bidders = bidder_admins(row, [state for state in Bid.State if state != Bid.State.DISCARDED])
    return [
        Notice(
            event="tenders.tender_cancelled",
            recipients=(*bidders, row.created_by),
            context={**notice_context(row), "reason": row.cancel_reason},
            url=public_url(row),
        )
    ]


def _check_area(values):
    velayat, etraps = values.get("velayat"), values.get("etraps") or ()
    if velayat is not None and any(etrap.velayat_id != velayat.pk for etrap in etraps):
        raise TenderProblems(
            "etrap_outside_velayat",
            [Problem("etraps", _("Every etrap must belong to the chosen velayat."))],
        )


def _assign(tender, values):
    for name in DRAFT_FIELDS:
        if name in values:
            setattr(tender, name, values[name])


def _set_relations(tender, values):
    for name in RELATION_FIELDS:
        if name in values:
            getattr(tender, name).set(values[name])


def _sync_criteria(tender, criteria):
    kept = []
    existing = {criterion.pk: criterion for criterion in tender.criteria.all()}
    for position, values in enumerate(criteria):
        criterion = existing.get(values.get("id")) or TenderCriterion(tender=tender)
        for name, blank in CRITERION_DEFAULTS.items():
            setattr(criterion, name, values.get(name) or blank)
        criterion.position = position
        criterion.save()
        kept.append(criterion.pk)
    tender.criteria.exclude(pk__in=kept).delete()


def store_documents(documents):
    """Validate and save ``(title, uploaded_file)`` pairs before the transaction that records
    them; returns ``(title, StoredFile)`` pairs. If one fails, those already saved are removed."""
    stored = []
    try:
        for title, uploaded in documents:
            stored.append((title, store(uploaded, prefix=TenderDocument.upload_prefix)))
    except BaseException:
        discard_documents(stored)
        raise
    return stored


def attach_documents(tender, stored, actor):
    """Record stored files as the tender's documents and return the new rows. A file already
    attached under the same title with the same bytes is skipped (and its copy removed)."""
    current = tender.documents.filter(withdrawn_at__isnull=True)
    present = set(current.values_list("title", "sha256"))
    added = []
    for title, file in stored:
        if (title, file.sha256) in present:
            transaction.on_commit(lambda name=file.name: discard(name))
            continue
        present.add((title, file.sha256))
        document = TenderDocument.from_stored(file, uploaded_by=actor, tender=tender, title=title)
        document.save()
        added.append(document)
    return added


def discard_documents(stored):
    """Remove files saved by ``store_documents`` whose transaction did not commit."""
    for _title, file in stored:
        discard(file.name)
