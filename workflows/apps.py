from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Workflows")

    def ready(self):
        from workflows import sweeps, verification
        from workflows.preferences import send_immediately

        sweeps.register(
            "workflows.audit_daily_check",
            due=verification.checkpoint_due,
            apply=verification.daily_check,
        )
        # A broken audit log cannot wait for tomorrow's digest.
        send_immediately(verification.VERIFICATION_FAILED)
