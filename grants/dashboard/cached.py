"""The dashboard's figures in the cache (``portal.page_cache``). Any decision recorded about a
grant agreement, a report or a tranche renews them once it commits.

An entry is keyed by the day (reports fall overdue with the calendar) and by the agreements it
counts: the ones the officer may see, narrowed by the filters, so every officer gets exactly
their own grants' figures. The figures are numbers and rows, not text: each reader's language
labels them."""

from grants.dashboard import figures
from grants.models import GrantAgreement, PilotReport, Tranche
from portal import page_cache
from workflows import events

DASHBOARD = "grant-dashboard"


def board_figures(chosen, today):
    """Every figure of the dashboard over the agreements ``chosen`` on ``today``, but the table of
    grants, which is read a page at a time."""
    counted = chosen.order_by("pk").values_list("pk", flat=True)
    return page_cache.remember(
        DASHBOARD, ("board", today.isoformat(), *counted), lambda: _board_figures(chosen, today)
    )


def _board_figures(chosen, today):
    return {
        "totals": figures.totals(chosen, today),
        "by_target_group": list(figures.beneficiaries_by_target_group(chosen)),
        "by_etrap": list(figures.beneficiaries_by_etrap(chosen)),
        "over_time": list(figures.beneficiaries_over_time(chosen)),
        "deadlines": figures.report_deadlines(chosen, today),
        "tranches": figures.tranche_figures(chosen),
    }


def renew_dashboard(**payload):
    page_cache.renew(DASHBOARD)


def register():
    for model in (GrantAgreement, PilotReport, Tranche):
        events.subscribe(events.recorded(model, events.ANY), renew_dashboard)
