from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "tenders"
    verbose_name = _("Tenders")

    def ready(self):
        from tenders import page_cache, tender_sweeps
        from tenders.opendata import subscriptions as open_data
        from tenders.reports import jobs as report_jobs
        from tenders.services import bid_reminders, opening
        from workflows import sweeps

        tender_sweeps.register()
        report_jobs.register()
        open_data.register()
        page_cache.register()
        sweeps.register(
            "tenders.open_bids",
            due=opening.tenders_due_for_opening,
            apply=lambda tender, now: opening.tender_open_bids(tender=tender),
        )
        sweeps.register(
            "tenders.bid_reminders",
            due=bid_reminders.bids_due_for_reminder,
            apply=lambda bid, now: bid_reminders.bid_remind(bid=bid, now=now),
        )
        from tenders.services import award, evaluation
        from tenders.services.evaluation.invitation import EVALUATOR_INVITED
        from workflows.preferences import send_immediately

        # The link to choose a password is the invited evaluator's only way in.
        send_immediately(EVALUATOR_INVITED)

        sweeps.register(
            "tenders.evaluation_reminders",
            due=evaluation.evaluations_due_for_reminder,
            apply=lambda row, now: evaluation.evaluation_remind(evaluation=row, now=now),
        )
        sweeps.register(
            "tenders.award_finalise",
            due=award.decisions_due_for_finalisation,
            apply=lambda decision, now: award.award_finalise(decision=decision, now=now),
        )
