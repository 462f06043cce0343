"""Which recorded decision writes which release; registered in ``TendersConfig.ready``."""

from tenders.models import AwardDecision, Tender
from tenders.opendata import awards, bids, tender
from tenders.services.opening import OPENED
from workflows import events

HANDLERS = (
    (Tender, "publish", tender.on_published),
    (Tender, "amend", tender.on_amended),
    (Tender, OPENED, bids.on_bids_opened),
    (Tender, "cancel", tender.on_ended),
    (Tender, "end_unsuccessful", tender.on_ended),
    (AwardDecision, "approve", awards.on_approved),
    (AwardDecision, "set_aside", awards.on_set_aside),
    (Tender, "mark_awarded", awards.on_awarded),
)


def register():
    for model, action, handler in HANDLERS:
        events.subscribe(events.recorded(model, action), handler)
