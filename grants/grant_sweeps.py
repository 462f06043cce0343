"""The grants app's deadline sweeps, registered when the app is ready.

Sweeps run in the order of their names, which is the order needed within one pass: agreements
are activated before their reports open, and reports open before their deadlines are watched.
"""

from grants.services.lifecycle import agreement_activate, agreements_to_activate
from grants.services.report_deadlines import (
    report_deadline_step,
    report_open,
    reports_to_open,
    reports_with_deadline_steps,
)
from workflows import sweeps


def register():
    sweeps.register(
        "grants.activate_agreements",
        due=agreements_to_activate,
        apply=lambda agreement, now: agreement_activate(actor=None, agreement=agreement, now=now),
    )
    sweeps.register(
        "grants.open_reports",
        due=reports_to_open,
        apply=lambda report, now: report_open(report=report, now=now),
    )
    sweeps.register(
        "grants.report_deadlines",
        due=reports_with_deadline_steps,
        apply=lambda report, now: report_deadline_step(report=report, now=now),
    )
