"""The award stage: an approved award in its standstill period (``award``, status pending),
the award made final (``awardUpdate``, active, and the tender complete) and an award set aside
after an objection (``awardCancellation``).

An award names its organisation and its amount (the winning bid's total), never the scores
behind it.
"""

from tenders.models import AwardDecision, AwardLine
from tenders.opendata.common import day_end, day_start, field_texts, moment, money, publish
from tenders.opendata.parties import ministry_reference, parties, provider_reference
from tenders.opendata.tender import tender_section


def award_id(line):
    """The award's id: one per winning bid of each decision."""
    return f"{line.decision_id}-{line.bid_id}"


def on_approved(*, subject, entry, **_payload):
    """The approved decision's awards, pending until the standstill period ends."""
    _publish(subject, entry, "award", "pending")


def on_set_aside(*, subject, entry, **_payload):
    """The decision's awards, cancelled by an upheld objection."""
    _publish(subject, entry, "awardCancellation", "cancelled")


def on_awarded(*, subject, entry, **_payload):
    """The tender is awarded when its decision becomes final."""
    decision = AwardDecision.objects.filter(tender=subject, state=AwardDecision.State.FINAL).first()
    if decision is not None:
        _publish(decision, entry, "awardUpdate", "active", with_tender=True)


def _publish(decision, entry, tag, status, with_tender=False):
    tender = decision.tender
    lines = AwardLine.objects.filter(decision=decision, proposed=True).select_related(
        "bid__provider"
    )
    sections = {
        "parties": parties(tender),
        "buyer": ministry_reference(),
        "awards": [_award(tender, decision, line, status) for line in lines],
    }
    if with_tender:
        sections["tender"] = tender_section(tender)
    publish(tender, entry, tag, sections)


def _award(tender, decision, line, status):
    award = {
        "id": award_id(line),
        **field_texts(tender, "title"),
        "status": status,
        "value": money(line.amount),
        "suppliers": [provider_reference(line.bid.provider)],
    }
    if decision.decided_at:
        award["date"] = moment(decision.decided_at)
    if tender.grant_start and tender.grant_end:
        award["contractPeriod"] = {
            "startDate": day_start(tender.grant_start),
            "endDate": day_end(tender.grant_end),
        }
    return award


def final_award_line(bid):
    """The line of ``bid``'s final award, or None when the bid was not awarded."""
    return AwardLine.objects.filter(
        bid=bid, proposed=True, decision__state=AwardDecision.State.FINAL
    ).first()
