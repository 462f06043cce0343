"""Which recorded grant decision writes which release; registered in ``GrantsConfig.ready``."""

from grants.models import GrantAgreement, PilotReport, Tranche
from grants.opendata import contract, implementation
from workflows import events

HANDLERS = (
    (GrantAgreement, "sign", contract.on_signed),
    (GrantAgreement, "complete", contract.on_ended),
    (GrantAgreement, "terminate", contract.on_ended),
    (Tranche, "record_payment", implementation.on_paid),
    (PilotReport, "accept", implementation.on_report_accepted),
)


def register():
    for model, action, handler in HANDLERS:
        events.subscribe(events.recorded(model, action), handler)
