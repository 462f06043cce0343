"""The kinds of result, in the order the page shows them."""

from portal.search import providers, tenders

KINDS = [tenders, providers]
