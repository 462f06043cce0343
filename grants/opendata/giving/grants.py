"""The 360Giving grants: every signed agreement that stems from a final award, as it stands.

The grant's identifier is the publisher's 360Giving prefix and the agreement's reference. The
NGO is identified as in the OCDS releases (``TM-SRN-`` and its state registration number); the
ministry, which has no register to be identified in, by the prefix and ``ministry``, as
360Giving's guidance asks for organisations without an identifier. Each paid tranche is a
disbursement: its amount and its day, never its bank reference.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone

from grants.models import AgreementState, GrantAgreement, Tranche, TrancheState
from tenders.models import AwardDecision, AwardLine
from tenders.opendata.common import absolute, moment, translated
from tenders.opendata.parties import COUNTRY, MINISTRY_NAME, provider_reference

VERSION = "1.4"
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
COUNTRY_CODE = "TM"
VELAYAT_CODE_TYPE = "ISO 3166-2"
# Every state an agreement can reach once both parties signed it.
SIGNED_STATES = (
    AgreementState.SIGNED,
    AgreementState.ACTIVE,
    AgreementState.SUSPENDED,
    AgreementState.COMPLETED,
    AgreementState.TERMINATED,
)


def grant_id(agreement):
    return f"{settings.GIVING_PREFIX}-{agreement.reference}"


def funder_id():
    return f"{settings.GIVING_PREFIX}-ministry"


def published_agreements():
    """Every signed agreement of a final award, oldest signature first, with what its grant
    needs fetched in a fixed number of queries."""
    final_lines = AwardLine.objects.filter(
        bid=OuterRef("bid"), proposed=True, decision__state=AwardDecision.State.FINAL
    )
    return (
        GrantAgreement.objects.filter(state__in=SIGNED_STATES, signed_at__isnull=False)
        .filter(Exists(final_lines))
        .annotate(award_date=Subquery(final_lines.values("decision__decided_at")[:1]))
        .select_related("bid__tender", "grantee__velayat", "velayat", "service_type")
        .prefetch_related(
            "etraps",
            Prefetch(
                "tranches",
                queryset=Tranche.objects.filter(state=TrancheState.PAID).order_by("position", "id"),
                to_attr="paid_tranches",
            ),
        )
        .order_by("signed_at", "id")
    )


def grant_package(agreements):
    """The 360Giving package of ``agreements`` (from ``published_agreements``)."""
    ministry = translated("name", MINISTRY_NAME)["name"]
    return {
        "version": VERSION,
        "title": f"Grants of the {ministry}",
        "identifier": f"{settings.GIVING_PREFIX}-grants",
        "modified": moment(timezone.now()),
        "publisher": {"name": ministry, "website": absolute(reverse("opendata:publisher"))},
        "license": LICENCE,
        "grants": [grant(agreement) for agreement in agreements],
    }


def grant(agreement):
    """One agreement as a 360Giving grant."""
    tender = agreement.bid.tender
    title = tender.title_en or tender.title_tk
    return {
        "id": grant_id(agreement),
        "title": title,
        "description": tender.description_en or tender.description_tk or title,
        "currency": settings.CURRENCY,
        "amountAwarded": float(agreement.amount),
        "amountDisbursed": float(sum(tranche.amount for tranche in agreement.paid_tranches)),
        "awardDate": moment(agreement.award_date or agreement.signed_at),
        "plannedDates": [
            {
                "startDate": agreement.start_date.isoformat(),
                "endDate": agreement.end_date.isoformat(),
            }
        ],
        "recipientOrganization": [
            {
                **provider_reference(agreement.grantee),
                "addressRegion": agreement.grantee.velayat.name_en,
                "addressCountry": translated("name", COUNTRY)["name"],
            }
        ],
        "fundingOrganization": [
            {"id": funder_id(), "name": translated("name", MINISTRY_NAME)["name"]}
        ],
        "beneficiaryLocation": _locations(agreement),
        "grantProgramme": [
            {
                "code": tender.reference,
                "title": title,
                "url": absolute(reverse("tenders:detail", args=[tender.pk])),
            }
        ],
        "fromOpenCall": "Yes",
        "classifications": [
            {
                "vocabulary": f"{settings.GIVING_PREFIX}-service-type",
                "code": agreement.service_type.code,
                "title": agreement.service_type.name_en,
            }
        ],
        "disbursementTransaction": [
            _disbursement(agreement, tranche) for tranche in agreement.paid_tranches
        ],
        "dataSource": absolute(reverse("giving:package")),
    }


def _locations(agreement):
    """The velayat (with its ISO 3166-2 code) and each etrap covered, by name."""
    velayat = agreement.velayat
    rows = [
        {
            "id": velayat.code,
            "name": velayat.name_en,
            "countryCode": COUNTRY_CODE,
            "geoCode": velayat.code,
            "geoCodeType": VELAYAT_CODE_TYPE,
        }
    ]
    etraps = sorted(agreement.etraps.all(), key=lambda etrap: etrap.name_en)
    rows += [
        {"id": f"{velayat.code}-{etrap.pk}", "name": etrap.name_en, "countryCode": COUNTRY_CODE}
        for etrap in etraps
    ]
    return rows


def _disbursement(agreement, tranche):
    return {
        "id": f"{grant_id(agreement)}-{tranche.position}",
        "transactionDate": tranche.paid_on.isoformat(),
        "currency": settings.CURRENCY,
        "value": float(tranche.amount),
        "provider": funder_id(),
        "recipient": provider_reference(agreement.grantee)["id"],
    }
