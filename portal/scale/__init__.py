"""A national programme built at scale for measuring the portal: ``manage.py populate_scale``.

At factor 1: about 500 verified providers (with an admin, an editor, their documents and trained
staff), 2,000 tenders in every state spread over every velayat and etrap, about 20,000 bids
(those of closed tenders opened and scored), 2,000 grant agreements and 50,000 pilot reports
with their breakdowns. Rows are written by the test factories and the domain services (opening,
evaluation, scoring, award proposals write their audit entries and notices as they always do);
only the report breakdowns, where the services would be too slow, are bulk inserted, with the
same values the factories write.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password

# Every account of the scale programme signs in with this password (it is for measuring only).
PASSWORD = "scale-programme-2026"
# Every staff account of the scale programme signs in with its second factor from this secret.
TOTP_SECRET = "PORTALSCALESTAFFTOTPSECRET234567"


@cache
def _hashed():
    return make_password(PASSWORD)


def password_hash():
    """``PASSWORD`` as the user factory's ``password``, hashed once: hashing is slow by design."""
    import factory

    return factory.Transformer.Force(_hashed())


@dataclass(frozen=True)
class Plan:
    """How many of each thing a factor asks for."""

    providers: int
    tenders: dict
    bids_per_tender: int
    grants: int
    reports_per_grant: int

    @classmethod
    def at(cls, factor):
        providers = max(4, round(500 * factor))
        tenders = {kind: max(1, round(share * 2000 * factor)) for kind, share in TENDER_MIX}
        bidding = sum(tenders[kind] for kind in BIDDING)
        return cls(
            providers=providers,
            tenders=tenders,
            bids_per_tender=max(2, min(providers, round(20000 * factor / bidding))),
            grants=max(1, round(2000 * factor)),
            reports_per_grant=25,
        )

    @property
    def tender_count(self):
        return sum(self.tenders.values())


# What share of the tenders ends in each stage of the programme.
TENDER_MIX = (
    ("draft", 0.05),
    ("published", 0.15),
    ("cancelled", 0.05),
    ("unsuccessful", 0.05),
    ("opened", 0.05),
    ("scoring", 0.10),
    ("completed", 0.55),
)
BIDDING = {"published", "opened", "scoring", "completed"}
