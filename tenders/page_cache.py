"""The public tender list in the cache (``portal.page_cache``): any decision recorded about a
tender (published, amended, closed, cancelled, awarded...) renews it once it commits."""

from portal import page_cache
from tenders.models import Tender
from workflows import events

PUBLIC_TENDERS = "public-tenders"


def renew_public_tenders(**payload):
    page_cache.renew(PUBLIC_TENDERS)


def register():
    events.subscribe(events.recorded(Tender, events.ANY), renew_public_tenders)
