"""Delivering one outbox message by email or as an in-app notification, exactly once."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from workflows import preferences
from workflows.models import Notification, OutboxMessage

log = logging.getLogger(__name__)


def deliver(message_id):
    """Deliver the message if it is not delivered yet; return True when this call delivered it.

    An email held for its recipient's daily digest (``preferences.is_held``) is left undelivered
    and False returned: ``workflows.digest`` sends it.

    The row is locked while it is delivered, so two workers given the same message deliver it
    once: the second finds it delivered and returns False. A repeat is safe. A failure rolls
    the delivery back, counts the attempt with its error on the row and is raised again for the
    task to decide whether to retry.
    """
    try:
        return _deliver(message_id)
    except Exception as error:
        _count_failure(message_id, error)
        raise


def _deliver(message_id):
    with transaction.atomic():
        message = (
            # Lock only the message: the recipient's user row stays free for logins and edits.
            OutboxMessage.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=message_id, delivered_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        if preferences.is_held(message):
            # The recipient's daily digest sends it and marks it delivered.
            return False
        message.attempts += 1
        subject, body = render(message)
        if message.channel == OutboxMessage.Channel.EMAIL:
            send_email(message, subject, body)
        else:
            Notification.objects.get_or_create(
                message=message,
                defaults={
                    "recipient": message.recipient,
                    "title": subject[:300],
                    "body": body,
                    "url": message.url,
                },
            )
        message.delivered_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "delivered_at", "last_error"])
    return True


def _count_failure(message_id, error):
    try:
        OutboxMessage.objects.filter(pk=message_id, delivered_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
    except Exception:  # noqa: BLE001 - the delivery error is the one worth raising
        log.exception("Could not record the failed delivery of outbox message %s", message_id)


def render(message):
    """The subject line and body of a message, in the recipient's language."""
    context = {
        **message.context,
        "recipient": message.recipient,
        "site_url": settings.SITE_URL,
        "url": absolute_url(message.url),
    }
    with translation.override(message.recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"notifications/{message.event}/subject.txt", context)
        body = render_to_string(f"notifications/{message.event}/body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def send_email(message, subject, body):
    email = EmailMessage(
        subject=subject,
        body=body,
        to=[message.recipient.email],
        headers={"Message-ID": f"<{message.key.replace(':', '.')}@portal>"},
    )
    email.send(fail_silently=False)


def absolute_url(path):
    if not path or path.startswith("http"):
        return path
    return f"{settings.SITE_URL}{path}"
