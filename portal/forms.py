"""Forms of the site shell: password reset through the notification outbox."""

import hashlib

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.urls import reverse

from workflows.models import OutboxMessage
from workflows.outbox import Notice, enqueue

PASSWORD_RESET_EVENT = "accounts.password_reset"


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset form whose mail leaves through the outbox, like every other mail.

    The web request only writes the outbox row; a worker renders and sends it in the user's
    language. An address that matches no active user sends nothing and looks the same.
    """

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user, token = context["user"], context["token"]
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": token})
        notice = Notice(
            event=PASSWORD_RESET_EVENT,
            recipients=(user,),
            context={
                "username": user.get_username(),
                "reset_url": f"{settings.SITE_URL}{path}",
                "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            },
            channels=(OutboxMessage.Channel.EMAIL,),
        )
        # The key ends up in the mail's Message-ID, which mail servers log: it carries a digest
        # of the token, never the token itself.
        digest = hashlib.sha256(token.encode()).hexdigest()[:32]
        enqueue([notice], key=f"password-reset:{user.pk}:{digest}")
