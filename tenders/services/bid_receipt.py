"""The SHA-256 of a bid as a whole, computed from a canonical JSON document.

What is hashed (the receipt page shows the same description and the document itself):

* ``format``: ``"portal-bid-v1"``, the version of this layout;
* ``tender``: the tender's reference, e.g. ``"SC-2026-0007"``;
* ``provider``: the bidding organisation's id in the portal;
* ``sections``: one ``{"criterion": <criterion id>, "text": <answer>}`` per answered
  criterion, in criterion id order;
* ``staff``: one ``{"staff_member": <roster id>, "full_name", "position", "qualifications",
  "role_in_project"}`` per proposed person, in roster id order;
* ``budget_lines``: one ``{"category": <code>, "description", "amount": "1234.50"}`` per line,
  in the order entered, amounts as text with two decimals;
* ``documents``: one ``{"title", "original_name", "size": <bytes>, "sha256": <hex digest of
  the file's bytes>}`` per document, in upload order.

The document is serialised as UTF-8 JSON with keys sorted, no insignificant whitespace and
characters outside ASCII written as themselves; the bid's SHA-256 is the hex digest of those
bytes. The time of receipt is kept beside the digest, not inside it, so the same content always
gives the same digest.
"""

import hashlib
import json

FORMAT = "portal-bid-v1"


def canonical_document(bid, tender):
    """The dict that is hashed, read from the database (4 queries)."""
    return {
        "format": FORMAT,
        "tender": tender.reference,
        "provider": bid.provider_id,
        "sections": [
            {"criterion": criterion, "text": text}
            for criterion, text in bid.sections.order_by("criterion_id").values_list(
                "criterion_id", "text"
            )
        ],
        "staff": [
            {
                "staff_member": member.staff_member_id,
                "full_name": member.full_name,
                "position": member.position,
                "qualifications": member.qualifications,
                "role_in_project": member.role_in_project,
            }
            for member in bid.staff.order_by("staff_member_id")
        ],
        "budget_lines": [
            {
                "category": line.category,
                "description": line.description,
                "amount": f"{line.amount:.2f}",
            }
            for line in bid.budget_lines.order_by("id")
        ],
        "documents": [
            {
                "title": document.title,
                "original_name": document.original_name,
                "size": document.size,
                "sha256": document.sha256,
            }
            for document in bid.documents.order_by("id")
        ],
    }


def canonical_bytes(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def bid_digest(bid, tender):
    """``(sha256 hex digest, canonical JSON text)`` of the bid's current content."""
    data = canonical_bytes(canonical_document(bid, tender))
    return hashlib.sha256(data).hexdigest(), data.decode("utf-8")
