"""The tender side's deadline sweeps, registered when the app is ready."""

from tenders.services.clarification import clarification_remind_officer, reminders_due
from workflows import sweeps


def register():
    sweeps.register(
        "tenders.questions_reminder",
        due=reminders_due,
        apply=lambda tender, now: clarification_remind_officer(tender=tender, now=now),
    )
