"""Evaluating a closed tender's bids: panel, declarations, screening, scoring, completion.

The services live in sub-modules by step; the ones views call are gathered here.
"""

from tenders.services.evaluation.invitation import panel_member_invite
from tenders.services.evaluation.lifecycle import (
    evaluation_complete,
    evaluation_end_unsuccessful,
    evaluation_reopen,
    evaluation_start_scoring,
)
from tenders.services.evaluation.panel import (
    declaration_make,
    evaluation_create,
    panel_member_add,
    panel_member_replace,
)
from tenders.services.evaluation.reminders import evaluation_remind, evaluations_due_for_reminder
from tenders.services.evaluation.scoring import (
    moderation_note_save,
    sheet_return,
    sheet_save,
    sheet_submit,
)
from tenders.services.evaluation.screening import screening_decide

__all__ = [
    "declaration_make",
    "evaluation_complete",
    "evaluation_create",
    "evaluation_end_unsuccessful",
    "evaluation_remind",
    "evaluation_reopen",
    "evaluation_start_scoring",
    "evaluations_due_for_reminder",
    "moderation_note_save",
    "panel_member_add",
    "panel_member_invite",
    "panel_member_replace",
    "screening_decide",
    "sheet_return",
    "sheet_save",
    "sheet_submit",
]
