"""Submitting reports and the grant officer's review of them.

open → submitted → accepted, or → returned (with comments per section) → resubmitted →
accepted or returned again. Accepting a report releases the tranches tied to it in the same
transaction; accepting the final report also completes the agreement. A late report is still
accepted for submission: lateness is recorded in the audit entry, and was already flagged by
the deadline sweep.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants import permissions
from grants.models import (
    LIVE_STATES,
    PilotReport,
    ReportKind,
    ReportReviewComment,
    ReportSection,
    ReportState,
)
from grants.services.common import (
    check_version,
    grantee_notice,
    officers_notice,
    report_context,
    report_url,
    today,
)
from grants.services.fingerprints import check_report_seen
from grants.services.lifecycle import agreement_complete
from grants.services.tranche import release_due_tranches
from grants.validation import report_problems
from workflows import runner
from workflows.errors import DomainError

MAX_COMMENT_LENGTH = 4000


class ReportIncomplete(DomainError):
    """A submission refused because of ``problems`` (``validation.ReportProblem`` rows)."""

    def __init__(self, problems):
        super().__init__(
            "report_incomplete",
            _("The report is not complete yet; see what is missing in each section."),
        )
        self.problems = problems


def report_submit(*, actor, report, seen=None, seen_state=None, seen_version=None):
    """Submit an open report for review; admins of the grantee only.

    Refused with ``ReportIncomplete`` while ``validation.report_problems`` finds anything, and
    as stale when the content changed since the user loaded it: ``seen`` is the fingerprint
    of the report as its page showed it (``fingerprints.report_fingerprint``), and a change to
    its figures, narrative, expenditure or attachments is refused with the code ``stale``,
    naming what changed; nothing changes. ``None`` (the default) is for callers that show no
    page, such as demo loading; a page passes the text it received, so a missing or forged
    fingerprint is refused the same way. Tells the grant officers after commit. A repeat is a
    no-op.
    """
    return _send(actor, report, "submit", "grants.report_submitted", seen, seen_state, seen_version)


def report_resubmit(*, actor, report, seen=None, seen_state=None, seen_version=None):
    """Send a returned report back for review after revision; as ``report_submit``."""
    return _send(
        actor, report, "resubmit", "grants.report_resubmitted", seen, seen_state, seen_version
    )


def report_return(*, actor, report, comments, seen_state=None):
    """Return a submitted or resubmitted report for revision with the officer's ``comments``,
    a mapping of ``ReportSection`` to text (at least one section commented).

    Grant officers only. Keeps the comments per section for this round of review and tells the
    grantee's admins and editors. A repeat is a no-op.
    """
    comments = {section: (text or "").strip() for section, text in comments.items()}
    comments = {section: text for section, text in comments.items() if text}

    def check(row):
        if not comments:
            raise DomainError(
                "comments_required",
                _("Write what must be revised in at least one section."),
                field="comments",
            )
        if not set(comments) <= set(ReportSection.values):
            raise DomainError("section_unknown", _("Unknown report section."))
        if any(len(text) > MAX_COMMENT_LENGTH for text in comments.values()):
            raise DomainError(
                "comment_too_long",
                _("A comment has at most %(max)s characters.") % {"max": MAX_COMMENT_LENGTH},
            )

    def notify(row, entry):
        context = {**report_context(row), "comments": _labelled(comments)}
        return [
            grantee_notice(
                "grants.report_returned", row.agreement, context, report_url(row), writers=True
            )
        ]

    with transaction.atomic():
        before = _lock(report)
        row = runner.apply(
            report,
            "return_for_revision",
            actor=actor,
            seen_state=seen_state,
            permission=permissions.can_review_report,
            check=check,
            notify=notify,
            data={"comments": comments},
            returned_at=timezone.now(),
            reviewer=actor,
        )
        if row.state != before.state:
            ReportReviewComment.objects.bulk_create(
                ReportReviewComment(
                    report=row,
                    review_round=row.review_round,
                    section=section,
                    comment=text,
                    author=actor,
                )
                for section, text in comments.items()
            )
    return row


def report_accept(*, actor, report, seen_state=None, note=""):
    """Accept a submitted or resubmitted report; grant officers only.

    In the same transaction, the tranches tied to the report become eligible for payment and,
    for the final report, the agreement is completed. The final report can be accepted only
    once every period report is accepted. Tells the grantee's admins and editors. A repeat is a
    no-op.
    """

    def check(row):
        if row.kind != ReportKind.FINAL:
            return
        pending = row.agreement.reports.filter(kind=ReportKind.PERIOD).exclude(
            state__in=[ReportState.ACCEPTED, ReportState.CANCELLED]
        )
        if pending.exists():
            raise DomainError(
                "period_reports_pending",
                _("Accept the period reports first; not accepted yet: %(reports)s.")
                % {
                    "reports": ", ".join(
                        str(number) for number in pending.values_list("number", flat=True)
                    )
                },
            )

    def notify(row, entry):
        return [
            grantee_notice(
                "grants.report_accepted",
                row.agreement,
                report_context(row),
                report_url(row),
                writers=True,
            )
        ]

    now = timezone.now()
    with transaction.atomic():
        before = _lock(report)
        row = runner.apply(
            report,
            "accept",
            actor=actor,
            seen_state=seen_state,
            note=(note or "").strip(),
            permission=permissions.can_review_report,
            check=check,
            notify=notify,
            accepted_at=now,
            reviewer=actor,
        )
        if row.state == before.state:
            return row
        release_due_tranches(row.agreement, actor=actor, now=now)
        if row.kind == ReportKind.FINAL and row.agreement.state in LIVE_STATES:
            agreement_complete(actor=actor, agreement=row.agreement)
    return row


def _send(actor, report, transition, event, seen, seen_state, seen_version):
    def check(row):
        # The fingerprint first: when the content changed, its refusal says what changed.
        check_report_seen(row, seen)
        check_version(row, seen_version)
        problems = report_problems(row)
        if problems:
            raise ReportIncomplete(problems)

    def notify(row, entry):
        return [officers_notice(event, row.agreement, report_context(row), report_url(row))]

    late = today() > report.due_date
    return runner.apply(
        report,
        transition,
        actor=actor,
        seen_state=seen_state,
        permission=permissions.can_submit_report,
        check=check,
        notify=notify,
        data={"late": late, "version": report.version},
        submitted_at=timezone.now(),
        submitted_by=actor,
    )


def _lock(report):
    return PilotReport.objects.select_for_update().get(pk=report.pk)


def _labelled(comments):
    # Section codes, not labels: the notification renders them in the recipient's language.
    return [{"section": section, "comment": text} for section, text in comments.items()]
