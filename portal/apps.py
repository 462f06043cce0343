from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # Connects the Celery signals that carry the request id from the web into tasks.
        from portal import log_context  # noqa: F401
        from portal.forms import PASSWORD_RESET_EVENT
        from portal.services import CONFIRM_EMAIL_EVENT, EXISTING_ACCOUNT_EVENT
        from workflows.preferences import send_immediately

        # Links to open an account or reset a password are needed now, not in tomorrow's digest.
        send_immediately(CONFIRM_EMAIL_EVENT, EXISTING_ACCOUNT_EVENT, PASSWORD_RESET_EVENT)
