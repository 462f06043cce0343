"""The indicators: single bids, short bidding periods, awards close to the ceiling, repeat
winners per service type and amendments made after bids arrived."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tenders.models import Amendment, AwardDecision, AwardLine, Bid, Tender
from tenders.models.tender import STANDARD_BIDDING_DAYS
from tenders.opendata.parties import OPENED_STATES

# An award at 98 % of the ceiling or more is "within 2 %" of it.
CEILING_SHARE = Decimal("0.98")
AWARDED_STATES = (AwardDecision.State.APPROVED, AwardDecision.State.FINAL)


@dataclass
class Flag:
    """One flagged tender, with what was seen in it."""

    tender: Tender
    detail: str


@dataclass
class Indicator:
    code: str
    title: str
    rule: str
    considered: int
    flags: list = field(default_factory=list)

    @property
    def flagged(self):
        return len(self.flags)

    @property
    def share(self):
        """The percentage flagged, or None when nothing was considered."""
        return round(100 * self.flagged / self.considered, 1) if self.considered else None


def indicators():
    """Every indicator, in the order the page shows them."""
    return [single_bid(), short_bidding(), near_ceiling(), repeat_winners(), late_amendments()]


def _opened():
    return Tender.objects.filter(state__in=OPENED_STATES)


def single_bid():
    """Tenders whose bids are opened that received exactly one bid."""
    rows = (
        _opened()
        .annotate(bid_count=Count("bids", filter=Q(bids__state=Bid.State.SUBMITTED)))
        .filter(bid_count=1)
        .order_by("reference")
    )
    return Indicator(
        "single-bid",
        _("Tenders with a single bid"),
        _("Tenders whose bids are opened that received one bid only."),
        _opened().count(),
        [Flag(tender, str(_("1 bid"))) for tender in rows],
    )


def short_bidding():
    """Published tenders that gave fewer than the standard days to prepare bids."""
    public = Tender.objects.exclude(state=Tender.State.DRAFT).filter(
        published_at__isnull=False, submission_deadline__isnull=False
    )
    rule = datetime.timedelta(days=STANDARD_BIDDING_DAYS)
    rows = public.filter(submission_deadline__lt=F("published_at") + rule).order_by("reference")
    return Indicator(
        "short-bidding",
        _("Bidding periods shorter than the rule"),
        ngettext(
            "Tenders that gave providers less than %(days)d day from publication to the "
            "submission deadline.",
            "Tenders that gave providers less than %(days)d days from publication to the "
            "submission deadline.",
            STANDARD_BIDDING_DAYS,
        )
        % {"days": STANDARD_BIDDING_DAYS},
        public.count(),
        [Flag(tender, _days(tender.submission_deadline - tender.published_at)) for tender in rows],
    )


def near_ceiling():
    """Approved or final awards of 98 per cent of the tender's budget ceiling or more."""
    awards = AwardLine.objects.filter(
        proposed=True,
        decision__state__in=AWARDED_STATES,
        decision__tender__budget_ceiling__isnull=False,
    )
    rows = (
        awards.filter(amount__gte=F("decision__tender__budget_ceiling") * CEILING_SHARE)
        .select_related("decision__tender")
        .order_by("decision__tender__reference", "id")
    )
    return Indicator(
        "near-ceiling",
        _("Awards within 2 per cent of the ceiling"),
        _("Approved or final awards of 98 per cent of the tender's budget ceiling or more."),
        awards.count(),
        [
            Flag(
                line.decision.tender,
                _("%(share)s %% of the ceiling")
                % {"share": round(100 * line.amount / line.decision.tender.budget_ceiling, 1)},
            )
            for line in rows
        ],
    )


def repeat_winners():
    """Organisations that won two final awards or more in the same service type: one flag per
    tender they won, saying which organisation and service type."""
    wins = (
        AwardLine.objects.filter(proposed=True, decision__state=AwardDecision.State.FINAL)
        .select_related("bid__provider", "decision__tender__service_type")
        .order_by("decision__tender__reference", "id")
    )
    by_pair = {}
    for line in wins:
        tender = line.decision.tender
        by_pair.setdefault((line.bid.provider_id, tender.service_type_id), []).append(line)
    flags = [
        Flag(
            line.decision.tender,
            _("%(provider)s: %(count)d awards in %(service)s")
            % {
                "provider": line.bid.provider,
                "count": len(lines),
                "service": line.decision.tender.service_type,
            },
        )
        for lines in by_pair.values()
        if len(lines) > 1
        for line in lines
    ]
    return Indicator(
        "repeat-winners",
        _("Repeat winners per service type"),
        _("Final awards won by an organisation that won another in the same service type."),
        len(wins),
        flags,
    )


def late_amendments():
    """Amendments made after a bid had arrived, in tenders whose bids are opened."""
    earlier_bid = Bid.objects.filter(
        tender=OuterRef("tender"), submitted_at__isnull=False, submitted_at__lt=OuterRef("made_at")
    )
    amendments = Amendment.objects.filter(tender__state__in=OPENED_STATES)
    rows = (
        amendments.filter(Exists(earlier_bid))
        .select_related("tender")
        .order_by("tender__reference", "number")
    )
    return Indicator(
        "late-amendments",
        _("Amendments after bids arrived"),
        _("Amendments of tenders whose bids are opened, made after a bid had been received."),
        amendments.count(),
        [Flag(row.tender, _("amendment %(number)d") % {"number": row.number}) for row in rows],
    )


def _days(period):
    days = period / datetime.timedelta(days=1)
    return _("%(days)s days") % {"days": round(days, 1)}
