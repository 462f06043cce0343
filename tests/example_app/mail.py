"""Mail backends for tests: one that is slow, so a test can kill a worker while it sends a
message, and one that always fails, like a mail server that is down."""

import os
import time
from pathlib import Path
from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.filebased import EmailBackend


class SlowFileEmailBackend(EmailBackend):
    """Each send first writes ``sending-<pid>-<n>`` into ``SLOW_MAIL_MARKERS`` (naming the process
    that is sending), then waits ``SLOW_MAIL_SECONDS`` before writing the message like the file
    backend. The first ``SLOW_MAIL_AFTER`` sends of a process (none by default) do not wait."""

    sends = 0

    def send_messages(self, email_messages):
        markers = Path(os.environ["SLOW_MAIL_MARKERS"])
        markers.mkdir(parents=True, exist_ok=True)
        marker = markers / f"sending-{os.getpid()}-{time.monotonic_ns()}"
        marker.write_text(str(os.getpid()))
        SlowFileEmailBackend.sends += 1
        if SlowFileEmailBackend.sends > int(os.environ.get("SLOW_MAIL_AFTER", "0")):
            time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "5")))
        return super().send_messages(email_messages)


class RefusingEmailBackend(BaseEmailBackend):
    """A mail server that hangs up on every message, like an SMTP server that is down."""

    def send_messages(self, email_messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")
