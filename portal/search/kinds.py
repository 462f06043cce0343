"""The kinds of result, in the order the page shows them."""

from portal.search import bids, clarifications, providers, reports, tenders

KINDS = [tenders, clarifications, bids, reports, providers]
