"""What the grant-stage releases share: the contract as it stands and the parties."""

from grants.models import Tranche, TrancheState
from tenders.opendata.awards import award_id, final_award_line
from tenders.opendata.common import day_end, day_start, field_texts, moment, money, publish
from tenders.opendata.parties import ministry_reference, parties

CONTRACT_STATUS = {
    "signed": "active",
    "active": "active",
    "suspended": "active",
    "completed": "terminated",
    "terminated": "terminated",
}


def publish_contract(agreement, entry, tag, **contract_sections):
    """Write the release ``tag`` of ``agreement``'s contract (with ``contract_sections`` such as
    ``implementation``); nothing when the agreement stems from no final award."""
    line = final_award_line(agreement.bid)
    if line is None:
        return None
    tender = agreement.bid.tender
    contract = {
        "id": agreement.reference,
        "awardID": award_id(line),
        **field_texts(tender, "title"),
        "status": CONTRACT_STATUS[agreement.state],
        "period": {
            "startDate": day_start(agreement.start_date),
            "endDate": day_end(agreement.end_date),
        },
        "value": money(agreement.amount),
        **contract_sections,
    }
    if agreement.signed_at:
        contract["dateSigned"] = moment(agreement.signed_at)
    payees = Tranche.objects.filter(
        agreement__bid__tender=tender, state=TrancheState.PAID
    ).values_list("agreement__grantee_id", flat=True)
    sections = {
        "parties": parties(tender, payees=payees),
        "buyer": ministry_reference(),
        "contracts": [contract],
    }
    return publish(tender, entry, tag, sections)
