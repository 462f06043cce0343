"""The evaluation panels of the scale programme: seats and no-conflict declarations as
``PanelMemberFactory(cleared=True)`` writes them, draft scores as ``sheet_save`` writes them
(drafts write no audit entry), bulk inserted; sheets are submitted through the service."""

from decimal import Decimal

from tenders.models import Declaration, PanelMember, Score, ScoreSheet


def seat_panel(evaluation, panel, bids):
    """``panel[0]`` as chair and the rest as evaluators of ``evaluation``, each declaring no
    conflict with the organisations of ``bids`` (the tender's submitted bids, oldest first)."""
    members = PanelMember.objects.bulk_create(
        PanelMember(
            evaluation=evaluation,
            user=user,
            role=PanelMember.Role.CHAIR if n == 0 else PanelMember.Role.EVALUATOR,
            added_by=evaluation.created_by,
        )
        for n, user in enumerate(panel)
    )
    bidders = [{"provider_id": bid.provider_id, "name": bid.provider.name_tk} for bid in bids]
    Declaration.objects.bulk_create(
        Declaration(member=member, has_conflict=False, details="", bidders=bidders)
        for member in members
    )


def score(evaluation, table, *, submit):
    """``table[evaluator][bid]`` = points per criterion, each with a justification, as
    ``score_all`` gives them; the sheets are submitted through ``sheet_submit`` if ``submit``."""
    from tenders.services.evaluation import sheet_submit

    criteria = list(evaluation.tender.criteria.all())
    sheets = {
        sheet.member.user_id: sheet
        for sheet in ScoreSheet.objects.filter(evaluation=evaluation).select_related("member")
    }
    Score.objects.bulk_create(
        Score(
            sheet=sheets[user.pk],
            bid=bid,
            criterion=criterion,
            points=Decimal(str(points)).quantize(Decimal("0.1")),
            justification=f"Justified by {user.pk} on {bid.pk}",
        )
        for user, by_bid in table.items()
        for bid, row in by_bid.items()
        for criterion, points in zip(criteria, row, strict=True)
    )
    if submit:
        for user in table:
            sheet_submit(actor=user, sheet=sheets[user.pk])
