"""Creating the draft agreement when a tender's award becomes final.

The tenders app emits ``tenders.award_finalised`` inside the transaction that finalises the
award; ``GrantsConfig.ready`` subscribes ``on_award_finalised`` to it, so the draft agreement
commits or rolls back with the award. The tenders app never imports this one.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from grants.models import (
    GrantAgreement,
    GrantBudgetLine,
    GrantReferenceCounter,
    GrantTarget,
    ReportingFrequency,
    TargetMeasure,
    Tranche,
    TrancheCondition,
)
from grants.schedule import middle_period
from grants.services.common import agreement_context, agreement_url, parties_notice, today
from grants.services.tranche_plan import split_amount
from portal.models import Etrap
from workflows import audit, outbox
from workflows.errors import DomainError

# The tranche plan every agreement starts with: money to start on signing, the second
# instalment once the mid-term report is accepted, the rest after the final report.
DEFAULT_TRANCHES = (
    (Decimal("40"), TrancheCondition.SIGNING),
    (Decimal("40"), TrancheCondition.PERIOD_REPORT),
    (Decimal("20"), TrancheCondition.FINAL_REPORT),
)


def on_award_finalised(*, award_bid, amount, actor=None, **_later_fields):
    """Subscriber of ``tenders.award_finalised``: make the winning bid's draft agreement.

    Payload fields added to the event later are not needed here and are ignored.
    """
    agreement_create_from_award(bid=award_bid, amount=amount, actor=actor)


def agreement_create_from_award(*, bid, amount, actor):
    """Create the draft grant agreement for an awarded ``bid`` of ``amount`` TMT and return it.

    Runs in the caller's transaction (the award's). Copies the grantee, service type, target
    groups, velayat and covered etraps (all the velayat's etraps when the tender names none)
    from the tender, the budget lines from the bid, and the grant period from the tender (when
    the tender has none: from the first day of next month for one year). Adds a target per
    target group (its number to be set before signing) and the default 40/40/20 tranche plan.
    Tells the grantee's admins and the grant officers after commit, and writes an audit entry.

    One agreement per bid: a repeat returns the existing agreement unchanged. A non-positive
    amount raises DomainError, which rolls the award back.
    """
    if amount is None or Decimal(amount) <= 0:
        raise DomainError("amount_invalid", _("A grant amount must be more than zero."))
    with transaction.atomic():
        existing = GrantAgreement.objects.filter(bid=bid).first()
        if existing is not None:
            return existing
        tender = bid.tender
        start, end = _grant_period(tender)
        agreement = GrantAgreement.objects.create(
            reference=_next_reference(today().year),
            bid=bid,
            grantee=bid.provider,
            amount=Decimal(amount),
            start_date=start,
            end_date=end,
            service_type=tender.service_type,
            velayat=tender.velayat,
            reporting_frequency=ReportingFrequency.QUARTERLY,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        groups = list(tender.target_groups.all())
        agreement.target_groups.set(groups)
        etraps = list(tender.etraps.all()) or list(
            Etrap.objects.filter(velayat=tender.velayat, active=True)
        )
        agreement.etraps.set(etraps)
        _copy_budget(agreement, bid)
        GrantTarget.objects.bulk_create(
            GrantTarget(
                agreement=agreement,
                position=position,
                measure=TargetMeasure.BENEFICIARIES,
                target_group=group,
                number=0,
            )
            for position, group in enumerate(groups, start=1)
        )
        _default_tranches(agreement)
        audit.record(
            agreement,
            "create",
            actor=actor,
            target_state=agreement.state,
            data={"bid": bid.pk, "tender": tender.reference, "amount": str(agreement.amount)},
        )
        notice = parties_notice(
            "grants.agreement_created",
            agreement,
            agreement_context(agreement),
            agreement_url(agreement),
        )
        outbox.enqueue([notice], key=f"grants-agreement-created:{agreement.pk}")
    return agreement


def _grant_period(tender):
    if tender.grant_start and tender.grant_end and tender.grant_end >= tender.grant_start:
        return tender.grant_start, tender.grant_end
    first = (today().replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first, first.replace(year=first.year + 1) - datetime.timedelta(days=1)


def _next_reference(year):
    counter, _created = GrantReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"GA-{year}-{counter.last:04d}"


def _copy_budget(agreement, bid):
    GrantBudgetLine.objects.bulk_create(
        GrantBudgetLine(
            agreement=agreement,
            position=position,
            category=line.category,
            description=line.description,
            amount=line.amount,
        )
        for position, line in enumerate(bid.budget_lines.order_by("id"), start=1)
    )


def _default_tranches(agreement):
    middle = middle_period(agreement.start_date, agreement.end_date, agreement.reporting_frequency)
    amounts = split_amount(agreement.amount, [share for share, _condition in DEFAULT_TRANCHES])
    Tranche.objects.bulk_create(
        Tranche(
            agreement=agreement,
            position=position,
            percentage=share,
            amount=tranche_amount,
            condition=condition,
            period_number=middle if condition == TrancheCondition.PERIOD_REPORT else None,
        )
        for position, ((share, condition), tranche_amount) in enumerate(
            zip(DEFAULT_TRANCHES, amounts, strict=True), start=1
        )
    )
