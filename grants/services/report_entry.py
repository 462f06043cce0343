"""Filling in a report: its numbers, narrative and attachments, while it is open or returned.

Saving replaces the report's content with what the form sent. It refuses impossible values
(negative numbers, numbers past ``portal.validators``' bounds, a breakdown cell outside the
agreement's target groups or etraps, a target or budget line of another agreement);
completeness is checked on submission (``grants.validation``). No field holds names or
identifiers of service users.
"""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from grants import permissions
from grants.models import (
    AgeBand,
    PilotReport,
    ReportAttachment,
    ReportBeneficiaryCount,
    ReportExpenditure,
    ReportSection,
    ReportServiceCount,
    ReportTargetValue,
    ServiceKind,
    Sex,
)
from grants.services.common import check_version, repeats_last_edit, require
from portal.documents.storage import discard, store
from portal.validators import MAX_AMOUNT, MAX_COUNT
from workflows import audit
from workflows.errors import forbidden, not_allowed

MAX_TITLE_LENGTH = 300


@dataclass(frozen=True)
class BeneficiaryCell:
    """Service users of one target group, etrap, sex and age band."""

    target_group: object
    etrap: object
    sex: str
    age_band: str
    new: int = 0
    continuing: int = 0


@dataclass(frozen=True)
class ReportContent:
    """Everything the report form sends. ``services`` maps a ``ServiceKind`` to a count,
    ``target_values`` a target id to its value, ``expenditures`` a budget line id to
    ``(amount, explanation)``; a missing number is None (not filled in yet)."""

    beneficiaries_new: int | None = None
    beneficiaries_continuing: int | None = None
    beneficiaries: tuple = ()
    cases_opened: int | None = None
    cases_active: int | None = None
    cases_closed: int | None = None
    services: dict = field(default_factory=dict)
    services_other_description: str = ""
    target_values: dict = field(default_factory=dict)
    expenditures: dict = field(default_factory=dict)
    achievements: str = ""
    challenges: str = ""
    changes_observed: str = ""


SCALAR_FIELDS = (
    "beneficiaries_new",
    "beneficiaries_continuing",
    "cases_opened",
    "cases_active",
    "cases_closed",
)
TEXT_FIELDS = ("services_other_description", "achievements", "challenges", "changes_observed")


def report_save(*, actor, report, content, seen_version):
    """Replace the content of an open or returned report with ``content`` and return the report.

    Admins and editors of the grantee only. A form loaded before another save (its
    ``seen_version`` is behind) raises ConflictError and changes nothing. Refuses negative
    numbers, counts above ``MAX_COUNT``, amounts above ``MAX_AMOUNT``, and cells, targets or
    budget lines that are not the agreement's. Raises the report's version and writes an audit
    entry. The same form sent twice (a double click) is saved once: the second time returns
    the report unchanged.
    """
    fingerprint = _fingerprint(content)
    with transaction.atomic():
        row = _lock_editable(actor, report)
        if repeats_last_edit(row, "save", actor, seen_version, {"content": fingerprint}, ("save",)):
            return row
        check_version(row, seen_version)
        _validate(row, content)
        for name in SCALAR_FIELDS:
            setattr(row, name, getattr(content, name))
        for name in TEXT_FIELDS:
            setattr(row, name, (getattr(content, name) or "").strip())
        row.version += 1
        row.save(update_fields=[*SCALAR_FIELDS, *TEXT_FIELDS, "version"])
        _replace_rows(row, content)
        audit.record(
            row, "save", actor=actor, data={"version": row.version, "content": fingerprint}
        )
    return row


def report_attach(*, actor, report, uploaded_file, title):
    """Attach a document (photos, lists of activities, financial statements) to an open or
    returned report; admins and editors of the grantee. An invalid file raises
    ``ValidationError`` and nothing is stored. Returns the attachment."""
    title = (title or "").strip()
    require(title, "title_required", _("Give the attachment a title."), field="title")
    require(
        len(title) <= MAX_TITLE_LENGTH,
        "title_too_long",
        _("A title has at most %(max)s characters.") % {"max": MAX_TITLE_LENGTH},
        field="title",
    )
    _lock_editable(actor, report, lock=False)
    stored = store(uploaded_file, prefix=ReportAttachment.upload_prefix)
    try:
        with transaction.atomic():
            row = _lock_editable(actor, report)
            attachment = ReportAttachment.from_stored(
                stored, uploaded_by=actor, report=row, title=title
            )
            attachment.save()
            audit.record(row, "attach", actor=actor, data={"title": title, "sha256": stored.sha256})
    except Exception:
        discard(stored.name)
        raise
    return attachment


def report_detach(*, actor, report, attachment):
    """Remove an attachment of an open or returned report; admins and editors of the grantee.
    The file is deleted once the transaction commits. Removing it twice is harmless."""
    with transaction.atomic():
        row = _lock_editable(actor, report)
        found = ReportAttachment.objects.filter(pk=attachment.pk, report=row).first()
        if found is None:
            return row
        name = found.file.name
        found.delete()
        audit.record(row, "detach", actor=actor, data={"title": found.title})
        transaction.on_commit(lambda: discard(name))
    return row


def _lock_editable(actor, report, lock=True):
    rows = PilotReport.objects.select_related("agreement", "agreement__grantee")
    row = (rows.select_for_update(of=("self",)) if lock else rows).get(pk=report.pk)
    if not permissions.can_edit_report(actor, row):
        raise forbidden()
    if not row.is_editable:
        raise not_allowed(row.get_state_display())
    return row


def _validate(row, content):
    numbers = [getattr(content, name) for name in SCALAR_FIELDS]
    numbers += list(content.services.values()) + list(content.target_values.values())
    numbers += [number for cell in content.beneficiaries for number in (cell.new, cell.continuing)]
    require(
        all(number is None or number >= 0 for number in numbers),
        "negative",
        _("Numbers cannot be negative."),
    )
    require(
        all(number is None or number <= MAX_COUNT for number in numbers),
        "too_large",
        _("A number in a report is at most %(max)s.") % {"max": MAX_COUNT},
    )
    amounts = [amount for amount, _explanation in content.expenditures.values()]
    require(
        all(amount is None or Decimal(amount) >= 0 for amount in amounts),
        "negative",
        _("Expenditure cannot be negative."),
        field=ReportSection.EXPENDITURE,
    )
    require(
        all(amount is None or Decimal(amount) <= MAX_AMOUNT for amount in amounts),
        "too_large",
        _("An amount is at most %(max)s TMT.") % {"max": MAX_AMOUNT},
        field=ReportSection.EXPENDITURE,
    )
    agreement = row.agreement
    groups = set(agreement.target_groups.values_list("pk", flat=True))
    etraps = set(agreement.etraps.values_list("pk", flat=True))
    cells = set()
    for cell in content.beneficiaries:
        key = (cell.target_group.pk, cell.etrap.pk, cell.sex, cell.age_band)
        require(
            cell.target_group.pk in groups and cell.etrap.pk in etraps,
            "cell_outside",
            _("Service users can only be counted in the agreement's target groups and etraps."),
            field=ReportSection.BENEFICIARIES,
        )
        require(
            cell.sex in Sex.values and cell.age_band in AgeBand.values,
            "cell_invalid",
            _("Choose a sex and an age group for every row."),
            field=ReportSection.BENEFICIARIES,
        )
        require(
            key not in cells,
            "cell_twice",
            _("Each combination of target group, etrap, sex and age may appear only once."),
            field=ReportSection.BENEFICIARIES,
        )
        cells.add(key)
    require(
        set(content.services) <= set(ServiceKind.values),
        "service_kind",
        _("Unknown service kind."),
    )
    require(
        set(content.target_values) <= set(agreement.targets.values_list("pk", flat=True)),
        "foreign_target",
        _("Values can only be given for the agreement's targets."),
    )
    require(
        set(content.expenditures) <= set(agreement.budget_lines.values_list("pk", flat=True)),
        "foreign_line",
        _("Expenditure can only be given for the agreement's budget lines."),
    )


def _replace_rows(row, content):
    row.beneficiary_counts.all().delete()
    ReportBeneficiaryCount.objects.bulk_create(
        ReportBeneficiaryCount(
            report=row,
            target_group=cell.target_group,
            etrap=cell.etrap,
            sex=cell.sex,
            age_band=cell.age_band,
            new=cell.new or 0,
            continuing=cell.continuing or 0,
        )
        for cell in content.beneficiaries
        if cell.new or cell.continuing
    )
    row.service_counts.all().delete()
    ReportServiceCount.objects.bulk_create(
        ReportServiceCount(report=row, kind=kind, count=count)
        for kind, count in content.services.items()
        if count is not None
    )
    row.target_values.all().delete()
    ReportTargetValue.objects.bulk_create(
        ReportTargetValue(report=row, target_id=target_id, value=value)
        for target_id, value in content.target_values.items()
    )
    row.expenditures.all().delete()
    ReportExpenditure.objects.bulk_create(
        ReportExpenditure(
            report=row,
            budget_line_id=line_id,
            amount=None if amount is None else Decimal(amount),
            explanation=(explanation or "").strip(),
        )
        for line_id, (amount, explanation) in content.expenditures.items()
    )


def _fingerprint(content):
    """A digest of what the form sent, so the same form sent twice is recognised."""
    payload = {
        "numbers": [getattr(content, name) for name in SCALAR_FIELDS],
        "texts": [(getattr(content, name) or "").strip() for name in TEXT_FIELDS],
        "cells": sorted(
            [
                cell.target_group.pk,
                cell.etrap.pk,
                cell.sex,
                cell.age_band,
                cell.new,
                cell.continuing,
            ]
            for cell in content.beneficiaries
        ),
        "services": sorted(content.services.items()),
        "targets": sorted(content.target_values.items()),
        "expenditures": sorted(
            [line, None if amount is None else str(amount), (explanation or "").strip()]
            for line, (amount, explanation) in content.expenditures.items()
        ),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
