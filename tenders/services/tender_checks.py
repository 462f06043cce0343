"""What keeps a tender from being published, and the error that lists all of it at once."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.validators import MAX_COMMITTEE
from providers.models import DocumentType
from tenders.localtime import format_moment, local
from tenders.permissions import can_sit_on_committee
from workflows.errors import DomainError

TOTAL_WEIGHT = 100
MAX_TECHNICAL_SCORE = 100
REQUIRED_TEXTS = {
    "title_tk": _("The title in Turkmen is missing."),
    "title_ru": _("The title in Russian is missing."),
    "description_tk": _("The description in Turkmen is missing."),
    "description_ru": _("The description in Russian is missing."),
}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


class TenderProblems(DomainError):
    """A refusal listing every problem found, each tied to the form field it concerns."""

    def __init__(self, code, problems):
        self.problems = list(problems)
        super().__init__(code, _("Please correct the problems listed."))

    def __str__(self):
        return "; ".join(str(problem.message) for problem in self.problems)


def text_problems(values):
    """Turkmen and Russian titles and descriptions are required; English is optional."""
    return [
        Problem(name, message)
        for name, message in REQUIRED_TEXTS.items()
        if name in values and not (values[name] or "").strip()
    ]


def budget_problems(budget):
    if budget is None or budget <= 0:
        return [Problem("budget_ceiling", _("The budget ceiling must be more than 0 TMT."))]
    return []


def deadline_problems(questions, submission, *, now, min_days):
    """Both deadlines in the future, questions close first, and enough time to prepare bids."""
    problems = []
    if questions is None:
        problems.append(Problem("questions_deadline", _("The questions deadline is missing.")))
    elif questions <= now:
        problems.append(
            Problem("questions_deadline", _("The questions deadline must be in the future."))
        )
    if submission is None:
        problems.append(Problem("submission_deadline", _("The submission deadline is missing.")))
        return problems
    if questions is not None and questions >= submission:
        problems.append(
            Problem(
                "questions_deadline",
                _("The questions deadline must be before the submission deadline."),
            )
        )
    earliest = now + datetime.timedelta(days=min_days)
    if submission < earliest:
        problems.append(
            Problem(
                "submission_deadline",
                _(
                    "Providers must have at least %(days)d days to prepare bids: the submission "
                    "deadline must be %(earliest)s or later."
                )
                % {"days": min_days, "earliest": format_moment(earliest)},
            )
        )
    return problems


def grant_period_problems(start, end, submission):
    problems = []
    if start is None or end is None:
        problems.append(Problem("grant_start", _("The grant period is missing.")))
        return problems
    if submission is not None and start <= local(submission).date():
        problems.append(
            Problem("grant_start", _("The grant period must start after the submission deadline."))
        )
    if end <= start:
        problems.append(Problem("grant_end", _("The grant period must end after it starts.")))
    return problems


def criteria_problems(criteria, price_weight):
    """At least one complete criterion; criteria weights and the price weight total 100."""
    problems = []
    if not criteria:
        problems.append(Problem("criteria", _("Add at least one evaluation criterion.")))
    for number, criterion in enumerate(criteria, start=1):
        if not (criterion.title_tk.strip() and criterion.title_ru.strip()):
            problems.append(
                Problem(
                    "criteria",
                    _("Criterion %(number)d needs a title in Turkmen and in Russian.")
                    % {"number": number},
                )
            )
        if not criterion.weight or not criterion.max_points:
            problems.append(
                Problem(
                    "criteria",
                    _("Criterion %(number)d needs a weight and maximum points above 0.")
                    % {"number": number},
                )
            )
    total = sum(criterion.weight or 0 for criterion in criteria) + (price_weight or 0)
    if total != TOTAL_WEIGHT:
        problems.append(
            Problem(
                "criteria",
                _(
                    "The criteria weights and the price weight add up to %(total)d; they must "
                    "add up to 100."
                )
                % {"total": total},
            )
        )
    return problems


def publication_problems(tender, *, now=None):
    """Everything that keeps ``tender`` from being published at ``now``; empty when ready."""
    now = now or timezone.now()
    problems = text_problems({name: getattr(tender, name) for name in REQUIRED_TEXTS})
    if not tender.target_groups.exists():
        problems.append(Problem("target_groups", _("Choose at least one target group.")))
    if tender.etraps.exclude(velayat_id=tender.velayat_id).exists():
        problems.append(Problem("etraps", _("Every etrap must belong to the chosen velayat.")))
    problems += budget_problems(tender.budget_ceiling)
    if tender.awards_count < 1:
        problems.append(Problem("awards_count", _("At least one award must be planned.")))
    unknown = set(tender.required_document_types) - set(DocumentType.values)
    if unknown:
        problems.append(
            Problem("required_document_types", _("Some required document types are unknown."))
        )
    problems += deadline_problems(
        tender.questions_deadline,
        tender.submission_deadline,
        now=now,
        min_days=tender.min_bidding_days,
    )
    problems += grant_period_problems(
        tender.grant_start, tender.grant_end, tender.submission_deadline
    )
    problems += criteria_problems(list(tender.criteria.all()), tender.price_weight)
    score = tender.min_technical_score
    if score is not None and not 0 < score <= MAX_TECHNICAL_SCORE:
        problems.append(
            Problem(
                "min_technical_score",
                _("The minimum technical score must be above 0 and at most 100."),
            )
        )
    return problems + committee_problems(tender)


def committee_problems(tender):
    """The opening committee is complete: 1 <= members needed <= members <= 7, each member a
    procurement officer or evaluator who has set an opening passphrase."""
    members = list(tender.committee.select_related("opening_key"))
    if not members:
        return [Problem("members", _("Name the opening committee."))]
    problems = []
    if len(members) > MAX_COMMITTEE:
        problems.append(
            Problem(
                "members",
                _("An opening committee has at most %(count)d members.") % {"count": MAX_COMMITTEE},
            )
        )
    if not 1 <= tender.opening_quorum <= len(members):
        problems.append(
            Problem(
                "quorum",
                _("The members needed must be at least 1 and at most the committee's size."),
            )
        )
    for member in members:
        if not can_sit_on_committee(member):
            problems.append(
                Problem(
                    "members",
                    _("%(name)s is no longer a procurement officer or evaluator.")
                    % {"name": member},
                )
            )
        elif not hasattr(member, "opening_key"):
            problems.append(
                Problem(
                    "members",
                    _("%(name)s has not set an opening passphrase yet.") % {"name": member},
                )
            )
    return problems
