"""The opening of bids (``tenderUpdate``): how many bids were received and from whom.

Nothing of what a bid offers is published: no proposal, staff, budget, amount or file. The
count is a statistic of the bids extension, declared in every package.
"""

from tenders.opendata.common import moment, publish
from tenders.opendata.parties import ministry_reference, opened_bids, parties
from tenders.opendata.tender import tender_section

BIDS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
    "v1.1.5/extension.json"
)


def on_bids_opened(*, subject, entry, **_payload):
    """The tender at its opening: the number of bids received and the bidders' names."""
    sections = {
        "parties": parties(subject),
        "buyer": ministry_reference(),
        "tender": tender_section(subject),
        "bids": {
            "statistics": [
                {
                    "id": "bids",
                    "measure": "bids",
                    "value": len(opened_bids(subject)),
                    "date": moment(entry.created_at),
                }
            ]
        },
    }
    publish(subject, entry, "tenderUpdate", sections)
