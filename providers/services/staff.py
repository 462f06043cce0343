"""The organisation's service personnel and their training records."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents import storage
from providers import permissions
from providers.models import StaffMember, TrainingCertificate, TrainingRecord
from providers.services.common import check_maintainable, check_seen, lock_provider, require
from workflows import audit
from workflows.errors import forbidden

STAFF_FIELDS = ("full_name", "position", "qualifications", "active")


def staff_add(
    *, actor, provider, full_name, position, qualifications="", active=True, seen_state=None
):
    """Add a staff member to ``provider``; admins and editors, while documents may change.

    A person with the same name and position already on the roster is returned instead of
    added twice (a double submit adds nothing). Writes an audit entry. Returns the member.
    """
    full_name, position = full_name.strip(), position.strip()
    with transaction.atomic():
        row = _editable_provider(actor, provider, seen_state)
        existing = row.staff.filter(full_name=full_name, position=position).first()
        if existing is not None:
            return existing
        member = StaffMember.objects.create(
            provider=row,
            full_name=full_name,
            position=position,
            qualifications=qualifications,
            active=active,
        )
        audit.record(row, "staff_add", actor=actor, data={"staff": member.pk})
    return member


def staff_update(*, actor, staff, changes, seen_state=None):
    """Change a staff member's ``changes`` (any of STAFF_FIELDS); admins and editors, while
    documents may change. Setting ``active`` False takes the person out of eligibility counts.
    Changing nothing writes nothing. Writes an audit entry naming the fields. Returns the member.
    """
    with transaction.atomic():
        row = _editable_provider(actor, staff.provider, seen_state)
        current = StaffMember.objects.select_for_update().get(pk=staff.pk, provider=row)
        changed = [
            name
            for name in STAFF_FIELDS
            if name in changes and changes[name] != getattr(current, name)
        ]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, changes[name])
        current.save(update_fields=[*changed, "updated_at"])
        audit.record(
            row, "staff_update", actor=actor, data={"staff": current.pk, "fields": changed}
        )
    return current


def training_add(
    *,
    actor,
    staff,
    course,
    training_provider,
    started_on,
    completed_on=None,
    in_service=False,
    certificate=None,
    seen_state=None,
):
    """Record a course ``staff`` attended, with an optional certificate file.

    Admins and editors, while documents may change. Refused when the completion date is before
    the start or in the future. The same course with the same start date for the same person
    is returned instead of recorded twice. Writes an audit entry. Returns the record.
    """
    today = timezone.localdate()
    require(
        completed_on is None or completed_on >= started_on,
        "completed_before_start",
        _("The course cannot be completed before it started."),
        "completed_on",
    )
    require(
        completed_on is None or completed_on <= today,
        "completed_in_future",
        _("The completion date cannot be in the future."),
        "completed_on",
    )
    with storage.kept_on_success() as files, transaction.atomic():
        row = _editable_provider(actor, staff.provider, seen_state)
        member = StaffMember.objects.get(pk=staff.pk, provider=row)
        existing = member.training_records.filter(course=course, started_on=started_on).first()
        if existing is not None:
            return existing
        stored = (
            files.store(certificate, prefix=TrainingCertificate.upload_prefix)
            if certificate
            else None
        )
        record = TrainingRecord.objects.create(
            staff=member,
            course=course,
            training_provider=training_provider,
            started_on=started_on,
            completed_on=completed_on,
            in_service=in_service,
        )
        if stored is not None:
            TrainingCertificate.from_stored(stored, uploaded_by=actor, training=record).save()
        audit.record(
            row,
            "training_add",
            actor=actor,
            data={"staff": member.pk, "training": record.pk, "in_service": in_service},
        )
    return record


def _editable_provider(actor, provider, seen_state):
    row = lock_provider(provider)
    check_seen(row, seen_state)
    if not permissions.can_edit(actor, row):
        raise forbidden()
    check_maintainable(row)
    return row
