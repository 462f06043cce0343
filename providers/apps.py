from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("Providers")

    def ready(self):
        from providers.services.documents import document_expiry_warn, expiring_documents
        from workflows import sweeps

        sweeps.register(
            "providers.document_expiry",
            due=expiring_documents,
            apply=lambda document, now: document_expiry_warn(document=document, now=now),
        )
