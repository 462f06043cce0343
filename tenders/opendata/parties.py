"""The organisations of a contracting process, as OCDS parties and references.

The ministry is the buyer and the procuring entity (and the payer of every tranche). An NGO is
identified by its state registration number under the scheme ``PROVIDER_SCHEME``: org-id.guide
lists no register of Turkmenistan yet, so the portal names the register itself (the README's
"Open data" section says so). Only the organisation is published, with its velayat: never its
people, and no contact details.
"""

from django.utils.translation import gettext_lazy as _

from tenders.models import AwardDecision, AwardLine, Bid, Tender
from tenders.opendata.common import texts, translated

MINISTRY_ID = "ministry"
MINISTRY_NAME = _("Ministry of Labour and Social Protection of Population of Turkmenistan")
PROVIDER_SCHEME = "TM-SRN"
COUNTRY = _("Turkmenistan")
# States in which a tender's bids have been opened and their bidders are public.
OPENED_STATES = (Tender.State.CLOSED, Tender.State.AWARDED, Tender.State.UNSUCCESSFUL)


def ministry_reference():
    return {"id": MINISTRY_ID, "name": translated("name", MINISTRY_NAME)["name"]}


def ministry(roles):
    return {"id": MINISTRY_ID, **translated("name", MINISTRY_NAME), "roles": list(roles)}


def provider_id(provider):
    return f"{PROVIDER_SCHEME}-{provider.registration_number}"


def provider_reference(provider):
    return {"id": provider_id(provider), "name": provider.name_en or provider.name_tk}


def provider_party(provider, roles):
    """The organisation with its identifier, its names in three languages and its velayat."""
    names = texts(
        "name", provider.name_en or provider.name_tk, tk=provider.name_tk, ru=provider.name_ru
    )
    return {
        "id": provider_id(provider),
        **names,
        "identifier": {
            "scheme": PROVIDER_SCHEME,
            "id": provider.registration_number,
            **texts("legalName", provider.name_en, tk=provider.name_tk, ru=provider.name_ru),
        },
        "address": {
            "region": provider.velayat.name_en,
            **translated("countryName", COUNTRY),
        },
        "roles": list(roles),
    }


def opened_bids(tender):
    """The tender's opened bids with their organisations: none before opening."""
    if tender.state not in OPENED_STATES:
        return []
    return list(
        Bid.objects.filter(tender=tender, state=Bid.State.SUBMITTED)
        .select_related("provider__velayat")
        .order_by("submitted_at", "id")
    )


def awarded_lines(tender):
    """The proposed lines of the tender's approved or final award decision."""
    return list(
        AwardLine.objects.filter(
            decision__tender=tender,
            decision__state__in=(AwardDecision.State.APPROVED, AwardDecision.State.FINAL),
            proposed=True,
        ).select_related("bid__provider__velayat", "decision")
    )


def parties(tender, *, payees=()):
    """Every party of the process as it stands, each with all its roles so far: the ministry,
    each opened bid's organisation (a tenderer), the organisations of an approved or final
    award (suppliers) and the ``payees`` (organisation ids) of paid tranches."""
    payees = set(payees)
    ministry_roles = ["buyer", "procuringEntity"] + (["payer"] if payees else [])
    suppliers = {line.bid.provider_id for line in awarded_lines(tender)}
    rows = [ministry(ministry_roles)]
    for bid in opened_bids(tender):
        roles = ["tenderer"]
        roles += ["supplier"] if bid.provider_id in suppliers else []
        roles += ["payee"] if bid.provider_id in payees else []
        rows.append(provider_party(bid.provider, roles))
    return rows
