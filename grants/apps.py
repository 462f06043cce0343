from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AWARD_FINALISED = "tenders.award_finalised"


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Grants")

    def ready(self):
        from grants import grant_sweeps
        from grants.dashboard import cached as dashboard_cache
        from grants.dashboard import jobs as dashboard_jobs
        from grants.opendata import subscriptions as open_data
        from grants.services.award import on_award_finalised
        from workflows import events

        grant_sweeps.register()
        dashboard_jobs.register()
        dashboard_cache.register()
        open_data.register()
        events.subscribe(AWARD_FINALISED, on_award_finalised)
