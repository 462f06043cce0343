"""Tenders of the scale programme and their bids, opened, screened and scored through the
services."""

import datetime
from decimal import Decimal
from itertools import cycle

from django.db import transaction

from portal.models import ServiceType, TargetGroup, Velayat
from portal.scale import TENDER_MIX

FACTORY_STATE = {
    "draft": "draft",
    "published": "published",
    "cancelled": "cancelled",
    "unsuccessful": "unsuccessful",
    "opened": "closed",
    "scoring": "closed",
    "completed": "closed",
}


def build_tenders(plan, people, providers, progress):
    """Every kind of tender in ``TENDER_MIX``, over every velayat and service type in turn;
    return the two best bids of every completed evaluation (the grantees to be)."""
    velayats = cycle(Velayat.objects.prefetch_related("etraps"))
    service_types = cycle(ServiceType.objects.all())
    target_groups = list(TargetGroup.objects.all())
    officers = cycle(people.officers)
    bidders = cycle(providers)
    completed = []
    done = 0
    for kind, _share in TENDER_MIX:
        for _ in range(plan.tenders[kind]):
            with transaction.atomic():
                tender = _tender(
                    kind, next(velayats), next(service_types), target_groups, next(officers)
                )
                if kind in {"published", "opened", "scoring", "completed"}:
                    bids = _bids(tender, kind, bidders, plan.bids_per_tender)
                if kind in {"opened", "scoring", "completed"}:
                    _evaluate(tender, kind, bids, people)
                    if kind == "completed":
                        completed.append(bids[:2])
            done += 1
            progress("tenders", done, plan.tender_count)
    return completed


def _tender(kind, velayat, service_type, target_groups, officer):
    from tests.factories.tenders import TenderFactory

    tender = TenderFactory(
        **{FACTORY_STATE[kind]: True},
        velayat=velayat,
        service_type=service_type,
        created_by=officer,
        awards_count=2 if kind == "completed" else 1,
        budget_ceiling=Decimal("450000.00"),
        target_groups=target_groups[: 1 + velayat.pk % len(target_groups)],
    )
    etraps = list(velayat.etraps.all())
    tender.etraps.set(etraps[tender.pk % len(etraps) :][:2] or etraps[:1])
    return tender


def _bids(tender, kind, bidders, count):
    """Submitted bids of ``count`` organisations; on a published tender one in four is still a
    draft."""
    from tests.factories.tenders import BidFactory

    bids = []
    for n in range(count):
        provider = next(bidders)
        if kind == "published" and n % 4 == 3:
            BidFactory(tender=tender, provider=provider, draft=True)
            continue
        bids.append(
            BidFactory(
                tender=tender,
                provider=provider,
                submitted=True,
                complete__staff=provider.scale_staff[n % 2],
            )
        )
    return bids


def _evaluate(tender, kind, bids, people):
    """Open the bids; for ``scoring`` and ``completed`` also screen them, seat the panel and
    score (the chair completes a ``completed`` one and the officer proposes the award)."""
    from tenders.services.award.decision import award_propose
    from tenders.services.evaluation import (
        evaluation_complete,
        evaluation_create,
        evaluation_start_scoring,
        screening_decide,
    )
    from tenders.services.opening import tender_open_bids
    from tests.factories.tenders import PanelMemberFactory, score_all

    tender = tender_open_bids(tender=tender)
    if kind == "opened":
        return
    officer = tender.created_by
    evaluation = evaluation_create(
        actor=officer,
        tender=tender,
        deadline=tender.closed_at + datetime.timedelta(days=14),
    )
    for screening in evaluation.screenings.all():
        screening_decide(
            actor=officer,
            screening=screening,
            decisions={
                line.pk: (True, "" if line.portal_passed else "Checked on paper.")
                for line in screening.lines.all()
            },
        )
    panel = people.panel(tender.pk)
    PanelMemberFactory(evaluation=evaluation, user=panel[0], chair=True, cleared=True)
    for user in panel[1:]:
        PanelMemberFactory(evaluation=evaluation, user=user, cleared=True)
    evaluation = evaluation_start_scoring(actor=officer, evaluation=evaluation)
    criteria = tender.criteria.count()
    # Evaluators differ by a point at most, so no score needs a moderation note.
    table = {
        user: {bid: [max(3, 9 - n) - e % 2] * criteria for n, bid in enumerate(bids)}
        for e, user in enumerate(panel[1:])
    }
    score_all(evaluation, table, submit=kind == "completed")
    if kind == "completed":
        evaluation = evaluation_complete(actor=panel[0], evaluation=evaluation)
        award_propose(actor=officer, evaluation=evaluation)
