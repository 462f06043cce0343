"""Signing: both parties confirm the signed file; the second confirmation signs the agreement.

The ministry's side is confirmed by a grant officer, the grantee's by one of its admins. Each
confirmation is recorded on the agreement (who and when) and audited. Signing generates the
reporting schedule (one report per period plus the final report), links the tranche plan to
those reports, and releases the tranches tied to signing, all in the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants import permissions
from grants.checks import signing_problems
from grants.models import PilotReport, ReportKind, TrancheCondition
from grants.schedule import final_period, reporting_periods
from grants.services.common import (
    agreement_context,
    agreement_url,
    check_version,
    lock_agreement,
    parties_notice,
)
from grants.services.tranche import release_due_tranches
from workflows import audit, outbox, runner
from workflows.errors import DomainError, forbidden, not_allowed

OFFICER = "ministry"
GRANTEE = "grantee"


def agreement_confirm_signature(*, actor, agreement, seen_version=None):
    """Confirm, for the actor's side, that the newest uploaded file is the agreement as signed.

    Draft only. A grant officer confirms for the ministry, an admin of the grantee for the
    organisation; anyone else is refused. Refused while ``checks.signing_problems`` lists
    anything (the message names it all). The first confirmation is recorded and audited and
    tells the other side; the second also signs the agreement, which generates its reports,
    links its tranches to them, releases the tranches due on signing and tells both sides.
    A party confirming again, or anyone confirming a signed agreement its side confirmed, is
    a no-op. Returns the saved agreement.
    """
    with transaction.atomic():
        row = lock_agreement(agreement)
        side = _side_of(actor, row)
        if side is None:
            raise forbidden()
        if _confirmed_by_side(row, side):
            return row
        if not row.is_draft:
            raise not_allowed(row.get_state_display())
        check_version(row, seen_version)
        problems = signing_problems(row)
        if problems:
            raise DomainError(
                "not_ready",
                _("The agreement cannot be signed yet: %(problems)s")
                % {"problems": " ".join(problem.message for problem in problems)},
            )
        now = timezone.now()
        prefix = "officer" if side == OFFICER else "grantee"
        setattr(row, f"{prefix}_confirmed_by", actor)
        setattr(row, f"{prefix}_confirmed_at", now)
        row.save(update_fields=[f"{prefix}_confirmed_by", f"{prefix}_confirmed_at"])
        document = row.documents.first()
        audit.record(
            row,
            "confirm_signature",
            actor=actor,
            data={"side": side, "file": document.original_name, "sha256": document.sha256},
        )
        if row.confirmations < 2:
            notice = parties_notice(
                "grants.signature_confirmed",
                row,
                {**agreement_context(row), "side": side},
                agreement_url(row),
            )
            outbox.enqueue([notice], key=f"grants-confirmed:{row.pk}:{row.version}:{side}")
            return row
        return _sign(row, actor, now)


def _sign(row, actor, now):
    signed = runner.apply(
        row,
        "sign",
        actor=actor,
        notify=lambda signed, entry: [
            parties_notice(
                "grants.agreement_signed",
                signed,
                agreement_context(signed),
                agreement_url(signed),
            )
        ],
        signed_at=now,
    )
    reports = create_reports(signed)
    _link_tranches(signed, reports)
    release_due_tranches(signed, actor=actor, now=now)
    return signed


def create_reports(agreement):
    """Create the agreement's reporting schedule: a report per period, then the final report.
    Returns them by number."""
    periods = reporting_periods(
        agreement.start_date,
        agreement.end_date,
        agreement.reporting_frequency,
        agreement.report_due_days,
    )
    final = final_period(
        agreement.start_date, agreement.end_date, agreement.report_due_days, len(periods) + 1
    )
    rows = [
        PilotReport(
            agreement=agreement,
            kind=ReportKind.PERIOD,
            number=period.number,
            period_start=period.start,
            period_end=period.end,
            due_date=period.due,
        )
        for period in periods
    ]
    rows.append(
        PilotReport(
            agreement=agreement,
            kind=ReportKind.FINAL,
            number=final.number,
            period_start=final.start,
            period_end=final.end,
            due_date=final.due,
        )
    )
    PilotReport.objects.bulk_create(rows)
    return {report.number: report for report in agreement.reports.all()}


def _link_tranches(agreement, reports):
    final = max(reports)
    for tranche in agreement.tranches.all():
        if tranche.condition == TrancheCondition.PERIOD_REPORT:
            tranche.report = reports[tranche.period_number]
        elif tranche.condition == TrancheCondition.FINAL_REPORT:
            tranche.report = reports[final]
        else:
            continue
        tranche.save(update_fields=["report"])


def _side_of(actor, row):
    if permissions.is_officer_for(actor, row):
        return OFFICER
    if permissions.is_grantee_admin(actor, row):
        return GRANTEE
    return None


def _confirmed_by_side(row, side):
    return (row.officer_confirmed_at if side == OFFICER else row.grantee_confirmed_at) is not None
