"""The hash chain of the audit log: every entry carries the SHA-256 of its content and of the
entry before it, so a row changed, removed or slipped in by someone with database rights shows.

The content of an entry is canonical JSON (sorted keys, UTC time) of the fields that say what
happened, so ``entry_hash`` can be recomputed exactly from the stored row.
"""

import hashlib
import json
from datetime import UTC

from django.db import connection

# Any constant shared by every writer: the PostgreSQL advisory lock that orders audit writes.
CHAIN_LOCK = 0x617564697463  # "auditc"


def content(
    *,
    sequence,
    previous_hash,
    created_at,
    actor_id,
    model,
    object_id,
    object_repr,
    action,
    source_state,
    target_state,
    note,
    data,
):
    """The canonical text an entry's hash is taken of."""
    return json.dumps(
        {
            "sequence": sequence,
            "previous": previous_hash,
            "time": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "model": model,
            "object": object_id,
            "label": object_repr,
            "action": action,
            "source": source_state,
            "target": target_state,
            "note": note,
            "data": data,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def digest(**fields):
    return hashlib.sha256(content(**fields).encode()).hexdigest()


def entry_digest(entry, model):
    """The hash ``entry`` (an AuditEntry row) should carry; ``model`` is its ``app.model``."""
    return digest(
        sequence=entry.sequence,
        previous_hash=entry.previous_hash,
        created_at=entry.created_at,
        actor_id=entry.actor_id,
        model=model,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        action=entry.action,
        source_state=entry.source_state,
        target_state=entry.target_state,
        note=entry.note,
        data=entry.data,
    )


def lock():
    """Serialise audit writers until the surrounding transaction ends, so the head read next
    and the row written after it cannot interleave with another writer's. SQLite serialises
    writing transactions by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
