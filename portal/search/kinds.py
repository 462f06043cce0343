"""The kinds of result, in the order the page shows them."""

from portal.search import clarifications, providers, reports, tenders

KINDS = [tenders, clarifications, reports, providers]
