"""Changing a draft agreement before it is signed.

Grant officers change the reporting terms, budget, targets and tranche plan; either party
uploads the signed file. Every change raises the draft's ``version`` (so a page loaded before
it is refused as stale) and withdraws the signature confirmations given so far: a party
confirms the agreement as it stands, not as it stood.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from grants import permissions
from grants.models import (
    AgreementDocument,
    GrantBudgetLine,
    GrantTarget,
    ReportingFrequency,
    TargetMeasure,
    Tranche,
    TrancheCondition,
)
from grants.models.agreement import MAX_REPORT_DUE_DAYS
from grants.services.common import (
    agreement_context,
    agreement_url,
    check_version,
    lock_agreement,
    parties_notice,
    repeats_last_edit,
    require,
)
from grants.services.tranche_plan import split_amount
from portal.documents.storage import discard, store
from workflows import audit, outbox
from workflows.errors import forbidden, not_allowed

# The audited actions that raise the draft's version.
EDITS = ("update_terms", "update_budget", "update_targets", "update_tranches", "upload_document")


def agreement_update_terms(
    *, actor, agreement, start_date, end_date, reporting_frequency, report_due_days, seen_version
):
    """Set the grant period, reporting frequency and days allowed to report after each period.

    Draft only; grant officers only. Refuses an end before the start, an unknown frequency and
    a due-day offset outside 0..90. Returns the saved agreement; a repeat with the same values
    changes nothing more than the version.
    """
    require(
        end_date >= start_date,
        "dates",
        _("The grant cannot end before it starts."),
        field="end_date",
    )
    require(
        reporting_frequency in ReportingFrequency.values,
        "frequency",
        _("Choose monthly or quarterly reporting."),
        field="reporting_frequency",
    )
    require(
        0 <= report_due_days <= MAX_REPORT_DUE_DAYS,
        "due_days",
        _("Reports are due between 0 and %(max)s days after their period.")
        % {"max": MAX_REPORT_DUE_DAYS},
        field="report_due_days",
    )

    def write(row):
        row.start_date = start_date
        row.end_date = end_date
        row.reporting_frequency = reporting_frequency
        row.report_due_days = report_due_days
        return ["start_date", "end_date", "reporting_frequency", "report_due_days"]

    data = {
        "start_date": start_date.isoformat(),
        "end_date": end_date.isoformat(),
        "reporting_frequency": reporting_frequency,
        "report_due_days": report_due_days,
    }
    return _edit(actor, agreement, seen_version, "update_terms", data, write)


def agreement_set_budget(*, actor, agreement, lines, seen_version):
    """Replace the budget with ``lines`` (dicts of category, description, amount).

    Draft only; grant officers only. Amounts may not be negative; that the lines add up to the
    grant amount is checked before signing, so an officer can save a budget in between.
    """
    for line in lines:
        require(
            line["category"] in GrantBudgetLine.Category.values,
            "category",
            _("Choose a budget category."),
        )
        require(
            (line.get("description") or "").strip(),
            "description",
            _("Describe every budget line."),
        )
        require(
            Decimal(line["amount"]) >= 0,
            "amount_negative",
            _("A budget line cannot be negative."),
        )

    def write(row):
        row.budget_lines.all().delete()
        GrantBudgetLine.objects.bulk_create(
            GrantBudgetLine(
                agreement=row,
                position=position,
                category=line["category"],
                description=line["description"].strip(),
                amount=Decimal(line["amount"]),
            )
            for position, line in enumerate(lines, start=1)
        )
        return []

    data = {"lines": [_json_line(line) for line in lines]}
    return _edit(actor, agreement, seen_version, "update_budget", data, write)


def agreement_set_targets(*, actor, agreement, targets, seen_version):
    """Replace the targets with ``targets`` (dicts of measure, target_group, etrap, number).

    Draft only; grant officers only. A target counts something for one of the agreement's
    target groups, one of its etraps, or both; its number cannot be negative (it must be above
    zero before signing).
    """

    def write(row):
        groups = set(row.target_groups.values_list("pk", flat=True))
        etraps = set(row.etraps.values_list("pk", flat=True))
        for target in targets:
            group, etrap = target.get("target_group"), target.get("etrap")
            require(
                target["measure"] in TargetMeasure.values,
                "measure",
                _("Choose what the target counts."),
            )
            require(
                group is not None or etrap is not None,
                "target_scope",
                _("A target needs a target group, an etrap or both."),
            )
            require(
                group is None or group.pk in groups,
                "target_group",
                _("A target's group must be one of the agreement's target groups."),
            )
            require(
                etrap is None or etrap.pk in etraps,
                "target_etrap",
                _("A target's etrap must be one the agreement covers."),
            )
            require(int(target["number"]) >= 0, "number", _("A target cannot be negative."))
        row.targets.all().delete()
        GrantTarget.objects.bulk_create(
            GrantTarget(
                agreement=row,
                position=position,
                measure=target["measure"],
                target_group=target.get("target_group"),
                etrap=target.get("etrap"),
                number=int(target["number"]),
            )
            for position, target in enumerate(targets, start=1)
        )
        return []

    data = {
        "targets": [
            {
                "measure": target["measure"],
                "target_group": getattr(target.get("target_group"), "pk", None),
                "etrap": getattr(target.get("etrap"), "pk", None),
                "number": int(target["number"]),
            }
            for target in targets
        ]
    }
    return _edit(actor, agreement, seen_version, "update_targets", data, write)


def agreement_set_tranches(*, actor, agreement, tranches, seen_version):
    """Replace the tranche plan with ``tranches`` (dicts of percentage, condition and, for a
    period report, period_number), in payment order.

    Draft only; grant officers only. Each share is above 0 and at most 100 %; amounts follow
    from the shares (the last takes the rounding remainder). That the shares add up to 100 %
    and name existing reports is checked before signing.
    """
    for tranche in tranches:
        require(
            Decimal(0) < Decimal(tranche["percentage"]) <= Decimal(100),
            "percentage",
            _("Each tranche is more than 0 % and at most 100 % of the grant."),
        )
        require(
            tranche["condition"] in TrancheCondition.values,
            "condition",
            _("Choose what releases each tranche."),
        )
        require(
            tranche["condition"] != TrancheCondition.PERIOD_REPORT
            or (tranche.get("period_number") or 0) >= 1,
            "period_number",
            _("Give the number of the report that releases the tranche."),
        )

    def write(row):
        amounts = split_amount(row.amount, [tranche["percentage"] for tranche in tranches])
        row.tranches.all().delete()
        Tranche.objects.bulk_create(
            Tranche(
                agreement=row,
                position=position,
                percentage=Decimal(tranche["percentage"]),
                amount=amount,
                condition=tranche["condition"],
                period_number=(
                    tranche.get("period_number")
                    if tranche["condition"] == TrancheCondition.PERIOD_REPORT
                    else None
                ),
            )
            for position, (tranche, amount) in enumerate(
                zip(tranches, amounts, strict=True), start=1
            )
        )
        return []

    data = {
        "tranches": [
            {
                "percentage": str(tranche["percentage"]),
                "condition": tranche["condition"],
                "period_number": tranche.get("period_number"),
            }
            for tranche in tranches
        ]
    }
    return _edit(actor, agreement, seen_version, "update_tranches", data, write)


def agreement_upload_document(*, actor, agreement, uploaded_file, seen_version):
    """Store a new version of the signed agreement file (PDF or another accepted document).

    Draft only; a grant officer or an admin of the grantee. Earlier versions are kept; the
    newest is the one confirmed. Tells both parties after commit. An invalid file raises
    ``ValidationError`` and nothing is stored; if the transaction fails the file is removed.
    """
    stored = store(uploaded_file, prefix=AgreementDocument.upload_prefix)
    document = None

    def write(row):
        nonlocal document
        document = AgreementDocument.from_stored(stored, uploaded_by=actor, agreement=row)
        document.save()
        return []

    def notify(row):
        return parties_notice(
            "grants.agreement_file_uploaded",
            row,
            {**agreement_context(row), "file_name": stored.original_name},
            agreement_url(row),
        )

    try:
        row = _edit(
            actor,
            agreement,
            seen_version,
            "upload_document",
            {"file": stored.original_name, "sha256": stored.sha256},
            write,
            permission=permissions.can_upload_agreement_file,
            notify=notify,
        )
    except Exception:
        discard(stored.name)
        raise
    if document is None:
        # The same file sent twice from one page: the first upload stands.
        discard(stored.name)
    return row


def _edit(actor, agreement, seen_version, action, data, write, permission=None, notify=None):
    """Lock the draft, check who and when, apply ``write(row)`` (which returns the fields it
    changed), withdraw confirmations, raise the version and audit the change with ``data``.

    The same change sent again from the same page (a double click: the version moved on by
    exactly that change, made by the same person) returns the draft without changing it.
    """
    permission = permission or permissions.is_officer_for
    with transaction.atomic():
        row = lock_agreement(agreement)
        if not permission(actor, row):
            raise forbidden()
        if not row.is_draft:
            raise not_allowed(row.get_state_display())
        if repeats_last_edit(row, action, actor, seen_version, data, EDITS):
            return row
        check_version(row, seen_version)
        fields = write(row)
        withdrawn = _withdraw_confirmations(row)
        row.version += 1
        row.save(update_fields=[*fields, *withdrawn, "version"])
        if withdrawn:
            data["confirmations_withdrawn"] = True
        audit.record(row, action, actor=actor, data=data)
        if notify is not None:
            outbox.enqueue([notify(row)], key=f"grants-{action}:{row.pk}:{row.version}")
    return row


def _withdraw_confirmations(row):
    if row.confirmations == 0:
        return []
    row.officer_confirmed_by = row.grantee_confirmed_by = None
    row.officer_confirmed_at = row.grantee_confirmed_at = None
    return [
        "officer_confirmed_by",
        "officer_confirmed_at",
        "grantee_confirmed_by",
        "grantee_confirmed_at",
    ]


def _json_line(line):
    return {
        "category": line["category"],
        "description": line["description"].strip(),
        "amount": str(line["amount"]),
    }
