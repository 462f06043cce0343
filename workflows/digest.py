"""The daily digest: one email a day gathering the held emails of a user who chose it.

A digest covers the user's held messages (``preferences.held``) written before the latest
digest time, ``settings.WORKFLOWS_DIGEST_HOUR`` o'clock in the portal's time zone. The periodic
task runs at that hour; however often it runs on a day, every run that day has the same cutoff,
so a user gets at most one digest a day and a repeat finds nothing left to send. Messages that
arrive after the cutoff wait for the next day's digest.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from workflows import delivery, preferences
from workflows.models import OutboxMessage

log = logging.getLogger(__name__)

TEMPLATES = "notifications/workflows.daily_digest"


def cutoff_for(now):
    """The latest digest time at or before ``now``: today's, or yesterday's before the hour."""
    local = timezone.localtime(now)
    today = local.replace(hour=settings.WORKFLOWS_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return today if today <= local else today - timedelta(days=1)


def send_daily_digests(*, max_attempts, now=None):
    """Send every user with held messages before the cutoff their digest; return how many were
    sent. A user whose digest fails is logged, the failure counted on their messages, and the
    others still get theirs; messages that failed ``max_attempts`` times are left for an
    administrator. Safe to repeat.
    """
    cutoff = cutoff_for(now or timezone.now())
    waiting = _pending(cutoff, max_attempts)
    sent = 0
    for user_id in waiting.values_list("recipient_id", flat=True).distinct().order_by():
        try:
            sent += digest_send(user_id=user_id, cutoff=cutoff, max_attempts=max_attempts)
        except Exception as error:
            log.exception("The daily digest of user %s failed", user_id)
            waiting.filter(recipient_id=user_id).update(
                attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
            )
    return sent


def digest_send(*, user_id, cutoff, max_attempts):
    """Send user ``user_id`` one email with their held messages written before ``cutoff`` and
    mark them delivered, in one transaction; return 1 when a digest was sent, else 0.

    The messages are locked first, so a concurrent run or a late delivery task sees them
    delivered and sends nothing. A message that cannot be rendered is left out with its error
    counted on it; the others still go. A failure to send rolls everything back and is raised.
    """
    with transaction.atomic():
        messages = list(
            _pending(cutoff, max_attempts)
            .select_for_update(of=("self",))
            .select_related("recipient")
            .filter(recipient_id=user_id)
            .order_by("created_at", "id")
        )
        entries = [entry for entry in map(_rendered, messages) if entry is not None]
        if not entries:
            return 0
        recipient = messages[0].recipient
        day = timezone.localtime(cutoff).date()
        subject, body = render(recipient, entries, day)
        EmailMessage(
            subject=subject,
            body=body,
            to=[recipient.email],
            headers={"Message-ID": f"<digest.{recipient.pk}.{day.isoformat()}@portal>"},
        ).send(fail_silently=False)
        OutboxMessage.objects.filter(pk__in=[entry["message"].pk for entry in entries]).update(
            delivered_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
        )
    return 1


def render(recipient, entries, day):
    """The digest's subject line and body, in the recipient's language."""
    context = {
        "recipient": recipient,
        "entries": entries,
        "count": len(entries),
        "day": day,
        "site_url": settings.SITE_URL,
        "notifications_url": delivery.absolute_url(reverse("workflows:notifications")),
    }
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{TEMPLATES}/subject.txt", context)
        body = render_to_string(f"{TEMPLATES}/body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def _pending(cutoff, max_attempts):
    return OutboxMessage.objects.filter(
        preferences.held(),
        delivered_at__isnull=True,
        created_at__lt=cutoff,
        attempts__lt=max_attempts,
    )


def _rendered(message):
    # One message whose template is broken must not keep the user's other messages from them.
    try:
        subject, body = delivery.render(message)
    except Exception as error:
        log.exception("Outbox message %s could not be rendered for a digest", message.pk)
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        message.save(update_fields=["attempts", "last_error"])
        return None
    return {"message": message, "subject": subject, "body": body.strip()}
