"""Amending a published tender: what may change, how, and who must hear of it.

Texts, the budget ceiling, the grant period, the deadlines and the terms-of-reference
documents may change while the tender is open. The evaluation criteria, their weights and the
eligibility rules may not: bids are being written against them, so changing them would need a
new tender. Deadlines only move later, and every amendment must leave providers the minimum
bidding time before the submission deadline.
"""

import datetime
import decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders import permissions
from tenders.localtime import format_moment
from tenders.models import Amendment, Bid, Tender
from tenders.selectors.tender import ACTIVE_BID_STATES, bidder_admins
from tenders.services.tender import (
    TEXT_FIELDS,
    attach_documents,
    discard_documents,
    notice_context,
    public_url,
    store_documents,
)
from tenders.services.tender_checks import (
    Problem,
    TenderProblems,
    budget_problems,
    grant_period_problems,
    text_problems,
)
from workflows import audit, outbox
from workflows.errors import ConflictError, DomainError, forbidden
from workflows.outbox import Notice

AMENDABLE_FIELDS = (
    *TEXT_FIELDS,
    "budget_ceiling",
    "grant_start",
    "grant_end",
    "questions_deadline",
    "submission_deadline",
)


def tender_amend(
    *, actor, tender, values, reason, documents=(), withdrawn_documents=(), seen_amendments=None
):
    """Change a published tender before its submission deadline and return the Amendment.

    ``values`` holds new values of ``AMENDABLE_FIELDS``; any other field (criteria, weights,
    eligibility rules) is refused. ``documents`` are ``(title, uploaded_file)`` pairs to add;
    ``withdrawn_documents`` ids of current terms-of-reference documents to withdraw (they stay
    listed as withdrawn). The ``reason`` is required. ``seen_amendments`` is the number of
    amendments the officer saw: if another amendment was made since, ConflictError.

    Refuses (TenderProblems, listing every problem) a deadline moved earlier, a questions
    deadline not before the submission deadline, and an amendment leaving less than the
    tender's minimum bidding days before the submission deadline. Records the Amendment (each
    change old -> new, and why), an audit entry, marks submitted bids as needing
    reconfirmation, and tells the administrators of organisations with a draft or submitted
    bid. Sending the same amendment again (nothing left to change, same reason, same officer)
    returns the amendment already made and keeps none of the files sent with it.
    """
    if not permissions.can_manage_tender(actor, tender):
        raise forbidden()
    fixed = set(values) - set(AMENDABLE_FIELDS)
    if fixed:
        raise DomainError(
            "not_amendable",
            _(
                "The evaluation criteria, their weights and the eligibility rules cannot change "
                "after publishing: bids are being written against them."
            ),
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            "reason_required", _("Give the reason for the amendment."), field="reason"
        )
    stored = store_documents(documents)
    try:
        with transaction.atomic():
            row = Tender.objects.select_for_update().get(pk=tender.pk)
            if not permissions.can_manage_tender(actor, row):
                raise forbidden()
            return _amend(actor, row, values, reason, stored, withdrawn_documents, seen_amendments)
    except BaseException:
        discard_documents(stored)
        raise


def _amend(actor, row, values, reason, stored, withdrawn_ids, seen_amendments):
    now = timezone.now()
    if row.state != Tender.State.PUBLISHED:
        raise DomainError("not_published", _("Only a published, open tender can be amended."))
    if row.submission_deadline <= now:
        raise DomainError(
            "deadline_passed",
            _("The submission deadline has passed; the tender can no longer be amended."),
        )
    changes = {
        name: (getattr(row, name), values[name])
        for name in AMENDABLE_FIELDS
        if name in values and values[name] != getattr(row, name)
    }
    present = set(row.documents.filter(withdrawn_at__isnull=True).values_list("title", "sha256"))
    new_documents = [(title, file) for title, file in stored if (title, file.sha256) not in present]
    withdrawn = list(row.documents.filter(pk__in=list(withdrawn_ids), withdrawn_at__isnull=True))
    count = row.amendments.count()
    if not (changes or new_documents or withdrawn):
        last = row.amendments.order_by("-number").first()
        if last is not None and last.made_by_id == actor.pk and last.reason == reason:
            # A replay: the copies stored for it are referenced by nothing.
            discard_documents(stored)
            return last
        raise DomainError("no_change", _("Nothing was changed."))
    if seen_amendments is not None and seen_amendments != count:
        raise ConflictError()
    problems = amendment_problems(row, {name: new for name, (_old, new) in changes.items()}, now)
    if problems:
        raise TenderProblems("amendment_refused", problems)

    for name, (_old, new) in changes.items():
        setattr(row, name, new)
    update_fields = list(changes)
    if "questions_deadline" in changes:
        # A new questions deadline deserves its own reminder.
        row.questions_reminder_sent_at = None
        update_fields.append("questions_reminder_sent_at")
    if update_fields:
        row.save(update_fields=update_fields)
    added = attach_documents(row, stored, actor)
    for document in withdrawn:
        document.withdrawn_at = now
        document.save(update_fields=["withdrawn_at"])

    record = {
        name: {"old": _plain(old), "new": _plain(new)} for name, (old, new) in changes.items()
    }
    if added:
        record["documents_added"] = [document.title for document in added]
    if withdrawn:
        record["documents_withdrawn"] = [document.title for document in withdrawn]
    amendment = Amendment.objects.create(
        tender=row, number=count + 1, changes=record, reason=reason, made_by=actor
    )
    audit.record(
        row, "amend", actor=actor, note=reason, data={"amendment": amendment.number, **record}
    )
    # Bids were sealed against the old terms; their organisations confirm them again.
    Bid.objects.filter(tender=row, state=Bid.State.SUBMITTED).update(needs_reconfirmation=True)
    notice = Notice(
        event="tenders.tender_amended",
        recipients=tuple(bidder_admins(row, ACTIVE_BID_STATES)),
        context={**notice_context(row), "number": amendment.number, "reason": reason},
        url=public_url(row),
    )
    outbox.enqueue([notice], key=f"tender-amendment:{amendment.pk}")
    return amendment


def amendment_problems(row, new, now):
    """What is wrong with changing ``row`` to the ``new`` values (changed fields only)."""
    problems = text_problems(new)
    if "budget_ceiling" in new:
        problems += budget_problems(new["budget_ceiling"])
    questions = new.get("questions_deadline", row.questions_deadline)
    submission = new.get("submission_deadline", row.submission_deadline)
    for name, message in (
        ("questions_deadline", _("The questions deadline can only be moved later.")),
        ("submission_deadline", _("The submission deadline can only be moved later.")),
    ):
        if name in new and (new[name] is None or new[name] < getattr(row, name)):
            problems.append(Problem(name, message))
    if "questions_deadline" in new and questions is not None and questions <= now:
        problems.append(
            Problem("questions_deadline", _("The questions deadline must be in the future."))
        )
    if questions is not None and submission is not None and questions >= submission:
        problems.append(
            Problem(
                "questions_deadline",
                _("The questions deadline must be before the submission deadline."),
            )
        )
    earliest = now + datetime.timedelta(days=row.min_bidding_days)
    if submission is not None and submission < earliest:
        problems.append(
            Problem(
                "submission_deadline",
                _(
                    "An amendment must leave providers at least %(days)d days before the "
                    "submission deadline: extend it to %(earliest)s or later."
                )
                % {"days": row.min_bidding_days, "earliest": format_moment(earliest)},
            )
        )
    if {"grant_start", "grant_end", "submission_deadline"} & set(new):
        problems += grant_period_problems(
            new.get("grant_start", row.grant_start),
            new.get("grant_end", row.grant_end),
            submission,
        )
    return problems


def _plain(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value
