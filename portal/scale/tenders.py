"""Tenders of the scale programme and their bids, opened, screened and scored through the
services; the bids, the panel's seats and declarations and the draft scores (which write no
audit entry) are bulk inserted with the values the factories and ``sheet_save`` write."""

from decimal import Decimal
from itertools import cycle

from django.db import transaction

from portal.models import ServiceType, TargetGroup, Velayat
from portal.scale import TENDER_MIX
from portal.scale.bids import WorkPlan, build_bids
from portal.scale.panel import score, seat_panel
from portal.scale.screening import Findings, open_and_screen

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
    work_plan = WorkPlan()
    findings = Findings()
    completed = []
    done = 0
    for kind, _share in TENDER_MIX:
        for _ in range(plan.tenders[kind]):
            with transaction.atomic():
                tender = _tender(
                    kind,
                    next(velayats),
                    next(service_types),
                    target_groups,
                    next(officers),
                    people.committee,
                )
                if kind in {"published", "opened", "scoring", "completed"}:
                    bids = build_bids(tender, kind, bidders, plan.bids_per_tender, work_plan)
                if kind in {"opened", "scoring", "completed"}:
                    _evaluate(tender, kind, bids, people, findings)
                    if kind == "completed":
                        completed.append(bids[:2])
            done += 1
            progress("tenders", done, plan.tender_count)
    return completed


def _tender(kind, velayat, service_type, target_groups, officer, committee):
    from tests.factories.tenders import TenderFactory

    tender = TenderFactory(
        **{FACTORY_STATE[kind]: True},
        velayat=velayat,
        service_type=service_type,
        created_by=officer,
        awards_count=2 if kind == "completed" else 1,
        budget_ceiling=Decimal("450000.00"),
        target_groups=target_groups[: 1 + velayat.pk % len(target_groups)],
        committee=committee if kind == "draft" else [],
    )
    etraps = list(velayat.etraps.all())
    tender.etraps.set(etraps[tender.pk % len(etraps) :][:2] or etraps[:1])
    return tender


def _evaluate(tender, kind, bids, people, findings):
    """Open the bids; for ``scoring`` and ``completed`` also screen them, seat the panel and
    score (the chair completes a ``completed`` one and the officer proposes the award)."""
    from tenders.services.award.decision import award_propose
    from tenders.services.evaluation import evaluation_complete, evaluation_start_scoring
    from tenders.services.opening import tender_open_bids

    tender = tender_open_bids(tender=tender)
    if kind == "opened":
        return
    officer = tender.created_by
    evaluation = open_and_screen(tender, bids, findings)
    panel = people.panel(tender.pk)
    seat_panel(evaluation, panel, bids)
    evaluation = evaluation_start_scoring(actor=officer, evaluation=evaluation)
    criteria = tender.criteria.count()
    # Evaluators differ by a point at most, so no score needs a moderation note.
    table = {
        user: {bid: [max(3, 9 - n) - e % 2] * criteria for n, bid in enumerate(bids)}
        for e, user in enumerate(panel[1:])
    }
    score(evaluation, table, submit=kind == "completed")
    if kind == "completed":
        evaluation = evaluation_complete(actor=panel[0], evaluation=evaluation)
        award_propose(actor=officer, evaluation=evaluation)
