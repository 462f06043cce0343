"""Clarification questions: providers ask until the questions deadline, the officer answers
for everyone, and is reminded of questions still open shortly before that deadline.

An answer is public the moment it is given and never says which organisation asked.
"""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders import permissions
from tenders.localtime import format_moment
from tenders.models import Clarification, Tender
from tenders.selectors.tender import ACTIVE_BID_STATES, bidder_admins, provider_admins
from tenders.services.tender import notice_context, public_url
from workflows import audit, outbox
from workflows.errors import DomainError, forbidden
from workflows.outbox import Notice

MAX_QUESTION_LENGTH = 4000
REMINDER_BEFORE = datetime.timedelta(days=2)


def clarification_ask(*, actor, tender, provider, question):
    """Record ``provider``'s question about a published tender, asked by ``actor`` (an admin
    or editor of the verified organisation), before the questions deadline.

    Refuses an unverified organisation, a tender that is not open and a question after the
    deadline, each with its own message. Tells the tender's officer. Asking the same question
    again while it is unanswered returns the question already asked. Writes an audit entry.
    """
    question = (question or "").strip()
    if not permissions.speaks_for(actor, provider):
        raise forbidden()
    if not permissions.can_ask_on_behalf(actor, provider):
        raise DomainError(
            "not_verified", _("Only verified organisations may ask questions about tenders.")
        )
    if not question:
        raise DomainError("question_required", _("Write your question."), field="question")
    if len(question) > MAX_QUESTION_LENGTH:
        raise DomainError(
            "question_too_long",
            _("A question may have at most %(max)d characters.") % {"max": MAX_QUESTION_LENGTH},
            field="question",
        )
    with transaction.atomic():
        row = Tender.objects.select_for_update().get(pk=tender.pk)
        if row.state != Tender.State.PUBLISHED:
            raise DomainError("not_open", _("Questions can be asked only while a tender is open."))
        if timezone.now() >= row.questions_deadline:
            raise DomainError(
                "questions_closed",
                _("The deadline for questions was %(deadline)s; no more questions can be asked.")
                % {"deadline": format_moment(row.questions_deadline)},
            )
        existing = Clarification.objects.filter(
            tender=row, provider=provider, question=question, answered_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        clarification = Clarification.objects.create(
            tender=row, provider=provider, asked_by=actor, question=question
        )
        audit.record(clarification, "ask", actor=actor, data={"tender": row.reference})
        notice = Notice(
            event="tenders.question_asked",
            recipients=(row.created_by,),
            context=notice_context(row),
            url=reverse("tenders:questions", args=[row.pk]),
        )
        outbox.enqueue([notice], key=f"clarification-asked:{clarification.pk}")
    return clarification


def clarification_answer(*, actor, clarification, answer):
    """Answer a question (only the tender's officer, while the tender is published) and
    publish the answer on the tender's notice without naming who asked.

    Tells the administrators of every organisation with a draft or submitted bid, plus the
    person who asked and their organisation's administrators. A question already answered is
    left as it is and returned (a repeat is a no-op). Writes an audit entry.
    """
    if not permissions.can_manage_tender(actor, clarification.tender):
        raise forbidden()
    answer = (answer or "").strip()
    if not answer:
        raise DomainError("answer_required", _("Write the answer."), field="answer")
    with transaction.atomic():
        row = (
            Clarification.objects.select_for_update()
            .select_related("tender")
            .get(pk=clarification.pk)
        )
        if row.answered_at is not None:
            return row
        if row.tender.state != Tender.State.PUBLISHED:
            raise DomainError(
                "not_open", _("Questions can be answered only while the tender is open.")
            )
        row.answer = answer
        row.answered_by = actor
        row.answered_at = timezone.now()
        row.save(update_fields=["answer", "answered_by", "answered_at"])
        audit.record(row, "answer", actor=actor, data={"tender": row.tender.reference})
        recipients = (
            *bidder_admins(row.tender, ACTIVE_BID_STATES),
            *provider_admins(pk=row.provider_id),
            row.asked_by,
        )
        notice = Notice(
            event="tenders.question_answered",
            recipients=recipients,
            context={**notice_context(row.tender), "question": row.question, "answer": answer},
            url=public_url(row.tender),
        )
        outbox.enqueue([notice], key=f"clarification-answered:{row.pk}")
    return row


def reminders_due(now):
    """Open tenders whose questions deadline is less than two days away, with unanswered
    questions, whose officer has not been reminded yet."""
    unanswered = Clarification.objects.filter(tender=OuterRef("pk"), answered_at__isnull=True)
    return Tender.objects.filter(
        state=Tender.State.PUBLISHED,
        questions_reminder_sent_at__isnull=True,
        questions_deadline__gt=now,
        questions_deadline__lte=now + REMINDER_BEFORE,
    ).filter(Exists(unanswered))


def clarification_remind_officer(*, tender, now):
    """Tell the tender's officer how many questions are still unanswered before the questions
    deadline, once per tender and deadline: the reminder is marked sent, and the outbox key
    names the deadline, so a second sweep sends nothing. Returns True when it sent one."""
    with transaction.atomic():
        row = reminders_due(now).select_for_update(of=("self",)).filter(pk=tender.pk).first()
        if row is None:
            return False
        waiting = row.clarifications.filter(answered_at__isnull=True).count()
        notice = Notice(
            event="tenders.questions_reminder",
            recipients=(row.created_by,),
            context={
                **notice_context(row),
                "unanswered": waiting,
                "questions_deadline": row.questions_deadline.isoformat(),
            },
            url=reverse("tenders:questions", args=[row.pk]),
        )
        outbox.enqueue(
            [notice],
            key=f"questions-reminder:{row.pk}:{row.questions_deadline.isoformat()}",
        )
        row.questions_reminder_sent_at = now
        row.save(update_fields=["questions_reminder_sent_at"])
        audit.record(row, "questions_reminder", actor=None, data={"unanswered": waiting})
    return True
