"""Whether a bid may be submitted: every reason it may not, listed at once."""

from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.formatting import money
from providers import eligibility
from providers.eligibility import Failure
from workflows.errors import DomainError, interpolate_lazy

# An amount written when the message is shown, as the reader's language writes it.
lazy_money = lazy(money, str)


class IncompleteBid(DomainError):
    """A bid that cannot be submitted; ``failures`` lists every reason (code and message)."""

    def __init__(self, failures, *, hint=""):
        self.failures = list(failures)
        self.hint = hint
        text = " ".join(str(failure.message) for failure in self.failures)
        super().__init__("incomplete", _("The bid cannot be submitted yet.") if not text else text)


def budget_total(bid):
    return bid.budget_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def submission_failures(bid, tender, at):
    """Everything that keeps ``bid`` from being submitted on ``tender`` at ``at``.

    The bid must answer every criterion, propose at least one active member of the
    organisation's own roster, with at least ``tender.min_trained_staff`` of them holding
    in-service training, and have at least one budget line, totalling no more than the budget
    ceiling. The organisation must pass ``providers.eligibility.check`` for the tender's
    required documents and trained staff. An empty list means the bid may be submitted.
    """
    failures = _proposal_failures(bid, tender)
    failures += _staff_failures(bid, tender, at)
    failures += _budget_failures(bid, tender)
    return failures + eligibility_failures(bid, tender, at)


def eligibility_failures(bid, tender, at):
    """What keeps the bidding organisation from bidding on ``tender`` at ``at``: all that can
    be checked of a sealed bid, whose content nobody reads before opening."""
    return eligibility.check(
        bid.provider,
        required_document_types=tender.required_document_types or [],
        min_trained_staff=tender.min_trained_staff,
        at=at,
    )


def _proposal_failures(bid, tender):
    answered = set(bid.sections.exclude(text="").values_list("criterion_id", flat=True))
    return [
        Failure(
            f"unanswered:{criterion.pk}",
            _("The criterion “%(criterion)s” has no answer.") % {"criterion": criterion.title},
        )
        for criterion in tender.criteria.all()
        if criterion.pk not in answered
    ]


def _staff_failures(bid, tender, at):
    proposed = list(bid.staff.select_related("staff_member"))
    failures = []
    if not proposed:
        failures.append(Failure("no_staff", _("Propose at least one staff member.")))
    for member in proposed:
        person = member.staff_member
        if person.provider_id != bid.provider_id or not person.active:
            failures.append(
                Failure(
                    f"inactive_staff:{person.pk}",
                    _("%(name)s is no longer an active member of your staff.")
                    % {"name": person.full_name},
                )
            )
    trained = (
        eligibility.trained_staff(bid.provider, _day(at))
        .filter(pk__in=[member.staff_member_id for member in proposed])
        .count()
    )
    if trained < tender.min_trained_staff:
        failures.append(
            Failure(
                "proposed_trained_staff",
                _(
                    "At least %(required)d of the proposed staff must have completed in-service "
                    "training; %(trained)d have."
                )
                % {"required": tender.min_trained_staff, "trained": trained},
            )
        )
    return failures


def _budget_failures(bid, tender):
    if not bid.budget_lines.exists():
        return [Failure("no_budget", _("Add at least one budget line."))]
    total = budget_total(bid)
    if tender.budget_ceiling is not None and total > tender.budget_ceiling:
        return [
            Failure(
                "over_ceiling",
                interpolate_lazy(
                    _("The budget totals %(total)s TMT, above the ceiling of %(ceiling)s TMT."),
                    {"total": lazy_money(total), "ceiling": lazy_money(tender.budget_ceiling)},
                ),
            )
        ]
    return []


def _day(at):
    return timezone.localdate(at) if timezone.is_aware(at) else at.date()
