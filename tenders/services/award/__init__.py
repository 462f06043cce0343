"""Awarding a tender: proposal, approval, standstill, objections and finality.

The services live in sub-modules by step; the ones views and sweeps call are gathered here.
"""

from tenders.services.award.decision import award_approve, award_propose, award_send_back
from tenders.services.award.finality import (
    AWARD_FINALISED,
    award_finalise,
    decisions_due_for_finalisation,
)
from tenders.services.award.objection import objection_dismiss, objection_lodge, objection_uphold

__all__ = [
    "AWARD_FINALISED",
    "award_approve",
    "award_finalise",
    "award_propose",
    "award_send_back",
    "decisions_due_for_finalisation",
    "objection_dismiss",
    "objection_lodge",
    "objection_uphold",
]
