"""Walking the audit chain, daily checkpoints outside the database, and telling the system
administrators when the log no longer matches itself."""

import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils import timezone

from workflows import chain, outbox
from workflows.models import AuditCheckpoint, AuditEntry, AuditVerification

CHECKPOINT_FOLDER = "audit-checkpoints"
VERIFICATION_FAILED = "workflows.audit_verification_failed"
Problem = AuditVerification.Problem


@dataclass
class Walk:
    count: int = 0
    head_hash: str = ""
    problem: str = ""
    entry_sequence: int | None = None
    entry_id: int | None = None

    def fail(self, problem, sequence, entry_id=None):
        self.problem, self.entry_sequence, self.entry_id = problem, sequence, entry_id


def walk(checkpoint=None):
    """Recompute the chain entry by entry; stop at the first entry that does not match.

    ``checkpoint`` (a dict with ``count`` and ``head_hash``, as in the checkpoint files) is
    compared with the chain too: a log that now ends before it lost its tail."""
    result = Walk()
    entries = AuditEntry.objects.order_by("sequence", "id").iterator(chunk_size=2000)
    for entry in entries:
        expected = result.count + 1
        if entry.sequence > expected:
            result.fail(Problem.MISSING, entry.sequence, entry.pk)
            return result
        # A repeated place, or a row that does not chain onto the one before it.
        if entry.sequence < expected or entry.previous_hash != result.head_hash:
            result.fail(Problem.INSERTED, entry.sequence, entry.pk)
            return result
        model = ContentType.objects.get_for_id(entry.content_type_id)
        if chain.entry_digest(entry, f"{model.app_label}.{model.model}") != entry.entry_hash:
            result.fail(Problem.CHANGED, entry.sequence, entry.pk)
            return result
        result.count, result.head_hash = entry.sequence, entry.entry_hash
        if checkpoint and entry.sequence == checkpoint["count"]:
            if entry.entry_hash != checkpoint["head_hash"]:
                result.fail(Problem.REWRITTEN, entry.sequence, entry.pk)
                return result
    if checkpoint and result.count < checkpoint["count"]:
        result.fail(Problem.TRUNCATED, result.count + 1)
    return result


def latest_checkpoint_file():
    """The newest checkpoint file in default storage as a dict, or None when there is none."""
    try:
        _, names = default_storage.listdir(CHECKPOINT_FOLDER)
    except FileNotFoundError:
        return None
    names = sorted(name for name in names if name.endswith(".json"))
    if not names:
        return None
    with default_storage.open(f"{CHECKPOINT_FOLDER}/{names[-1]}") as file:
        return json.load(file)


def verify(now=None):
    """Walk the chain against the latest checkpoint file, store the result as an
    ``AuditVerification`` and return it. A failed walk writes one email and in-app notice to
    every system administrator, keyed by the verification, so each failed run tells them once.
    Safe to repeat: every call is a new check."""
    result = walk(latest_checkpoint_file())
    with transaction.atomic():
        verification = AuditVerification.objects.create(
            checked_at=now or timezone.now(),
            ok=not result.problem,
            count=result.count,
            head_hash=result.head_hash,
            problem=result.problem,
            entry_sequence=result.entry_sequence,
            entry_id=result.entry_id,
        )
        if not verification.ok:
            _notify_failure(verification)
    return verification


def _notify_failure(verification):
    from portal.models import Role

    admins = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=Role.SYSTEM_ADMIN), is_active=True
    )
    notice = outbox.Notice(
        event=VERIFICATION_FAILED,
        recipients=tuple(admins.distinct().order_by("pk")),
        context={
            "checked_at": verification.checked_at.isoformat(),
            "problem": verification.problem,
            "entry_sequence": verification.entry_sequence,
            "entry_id": verification.entry_id,
            "count": verification.count,
        },
        url=reverse("admin:workflows_auditverification_changelist"),
    )
    outbox.enqueue([notice], key=f"audit-verification:{verification.pk}")


def checkpoint_write(now=None):
    """Record the head of the chain for today (the portal's date) in an ``AuditCheckpoint``
    row and in ``audit-checkpoints/<date>.json`` in default storage; return the row, or the
    existing row when today's checkpoint is already written (a repeat changes nothing)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    existing = AuditCheckpoint.objects.filter(day=day).first()
    if existing is not None:
        return existing
    head = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    count, head_hash = head or (0, "")
    name = f"{CHECKPOINT_FOLDER}/{day.isoformat()}.json"
    payload = {
        "day": day.isoformat(),
        "time": now.isoformat(),
        "count": count,
        "head_hash": head_hash,
    }
    if default_storage.exists(name):
        default_storage.delete(name)
    stored = default_storage.save(name, ContentFile(json.dumps(payload, sort_keys=True).encode()))
    return AuditCheckpoint.objects.create(
        day=day, created_at=now, count=count, head_hash=head_hash, file=stored
    )


def checkpoint_due(now):
    """The sweep's row while today has no checkpoint yet: the latest checkpoint, or the head
    entry before the first one. Not the head entry always: a log emptied entirely must still
    be checked."""
    if AuditCheckpoint.objects.filter(day=timezone.localdate(now)).exists():
        return AuditCheckpoint.objects.none()
    if AuditCheckpoint.objects.exists():
        latest = AuditCheckpoint.objects.order_by("-day").values("pk")[:1]
        return AuditCheckpoint.objects.filter(pk=Subquery(latest))
    head = AuditEntry.objects.order_by("-sequence").values("pk")[:1]
    return AuditEntry.objects.filter(pk=Subquery(head))


def daily_check(row, now):
    """The daily sweep, on the row ``checkpoint_due`` gave (locked, so two sweeps at once check
    once): verify the chain, then write today's checkpoint file only if it held, so a file never
    vouches for a broken log and a failure is reported again the next day. Today's checkpoint
    row is written either way, so a repeat the same day does nothing."""
    verification = verify(now)
    if verification.ok:
        checkpoint_write(now)
    else:
        AuditCheckpoint.objects.create(
            day=timezone.localdate(now),
            created_at=now,
            count=verification.count,
            head_hash=verification.head_hash,
        )
    return verification
