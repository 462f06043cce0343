"""Sealing a submitted bid's content and putting it back at opening.

What is sealed is one UTF-8 JSON document (``FORMAT``): the answers to the criteria, the staff
proposed with their details, the budget lines and every document with its title, file name,
type and bytes (base64). It is encrypted with a fresh AES-256-GCM data key; the data key is
encrypted to the tender's public key. Sealing then removes the plaintext: the answers, staff
and budget rows are deleted, each document keeps only its size and SHA-256, and its file is
deleted from storage when the transaction commits. The receipt (the bid's and each
document's SHA-256, ``tenders.services.bid_receipt``) stays readable.
"""

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.documents.storage import discard
from tenders.models import BidBudgetLine, BidDocument, BidSection, BidStaff, SealedBid
from tenders.sealing import keys
from tenders.services.bid_receipt import bid_digest, canonical_bytes

FORMAT = "portal-sealed-bid-v1"


def data_key_context(bid_id):
    return f"portal data key of bid {bid_id}".encode()


def content_context(bid_id):
    return f"portal content of bid {bid_id}".encode()


def bid_content(bid):
    """The JSON-safe dict of everything ``bid`` offers, document bytes included."""
    return {
        "format": FORMAT,
        "sections": [
            {"criterion": section.criterion_id, "text": section.text}
            for section in bid.sections.order_by("criterion_id")
        ],
        "staff": [
            {
                "staff_member": member.staff_member_id,
                "role_in_project": member.role_in_project,
                "full_name": member.full_name,
                "position": member.position,
                "qualifications": member.qualifications,
            }
            for member in bid.staff.order_by("staff_member_id")
        ],
        "budget_lines": [
            {"category": line.category, "description": line.description, "amount": str(line.amount)}
            for line in bid.budget_lines.order_by("id")
        ],
        "documents": [_document_content(document) for document in bid.documents.order_by("id")],
    }


def _document_content(document):
    with document.file.open("rb") as handle:
        data = handle.read()
    return {
        "id": document.pk,
        "title": document.title,
        "original_name": document.original_name,
        "mime": document.mime,
        "bytes": base64.b64encode(data).decode("ascii"),
    }


def bid_seal(bid, tender_key):
    """Encrypt ``bid``'s content to ``tender_key`` and remove the plaintext (in the caller's
    transaction; files leave storage on commit). Returns ``(SealedBid, package)``, ``package``
    being the ZIP of what was sealed, for the submitter's own copy (never stored)."""
    content = bid_content(bid)
    plaintext = canonical_bytes(content)
    data_key = keys.new_data_key()
    SealedBid.objects.filter(bid=bid).delete()
    sealed = SealedBid.objects.create(
        bid=bid,
        sealed_key=keys.encrypt_to(tender_key.public_key, data_key, data_key_context(bid.pk)),
        ciphertext=keys.encrypt(data_key, plaintext, content_context(bid.pk)),
        size=len(plaintext),
        sealed_at=timezone.now(),
    )
    package = sealed_package(bid, content)
    _remove_plaintext(bid)
    return sealed, package


def _remove_plaintext(bid):
    BidSection.objects.filter(bid=bid).delete()
    BidStaff.objects.filter(bid=bid).delete()
    BidBudgetLine.objects.filter(bid=bid).delete()
    for document in bid.documents.all():
        name = document.file.name
        transaction.on_commit(lambda name=name: discard(name))
        document.file = ""
        document.title = ""
        document.original_name = ""
        document.save(update_fields=["file", "title", "original_name"])


def bid_seal_discard(bid):
    """Discard a withdrawn bid's sealed content: its ciphertext and the documents' receipts."""
    SealedBid.objects.filter(bid=bid).delete()
    BidDocument.objects.filter(bid=bid, file="").delete()


def sealed_package(bid, content):
    """The ZIP the bidder keeps: ``bid.json`` (everything but the files) and each document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        documents = []
        for number, document in enumerate(content["documents"], start=1):
            name = f"documents/{number:02d}-{document['original_name']}"
            archive.writestr(name, base64.b64decode(document["bytes"]))
            documents.append({**{k: v for k, v in document.items() if k != "bytes"}, "file": name})
        summary = {**content, "bid": bid.pk, "tender": bid.tender.reference}
        summary["documents"] = documents
        archive.writestr("bid.json", json.dumps(summary, ensure_ascii=False, indent=2))
    return buffer.getvalue()


@dataclass
class Unsealed:
    """What opening found for one bid."""

    matched: bool
    problem: str  # a ``SealedBid.Problem`` code, empty when the bid matched
    sha256: str
    documents: list


def bid_unseal(bid, tender, private, files):
    """Decrypt ``bid``'s sealed content with the tender's ``private`` key, put it back into the
    bid's records (documents stored through ``files``, a ``PendingFiles``) and check it against
    the receipt. A ciphertext that does not decrypt, a document whose bytes do not give its
    SHA-256, or content that does not give the bid's SHA-256 is a mismatch, never an error."""
    sealed = bid.sealed
    try:
        data_key = keys.decrypt_with(private, sealed.sealed_key, data_key_context(bid.pk))
        content = json.loads(
            keys.decrypt(data_key, bytes(sealed.ciphertext), content_context(bid.pk))
        )
    except (keys.DecryptionFailed, ValueError):
        return _record(sealed, Unsealed(False, SealedBid.Problem.UNDECRYPTABLE, "", []))
    documents = _restore(bid, content, files)
    sha256, _text = bid_digest(bid, tender)
    mismatched = [row for row in documents if not row["matched"]]
    problem = ""
    if mismatched:
        problem = SealedBid.Problem.DOCUMENT
    elif sha256 != bid.content_sha256:
        problem = SealedBid.Problem.CONTENT
    return _record(sealed, Unsealed(not problem, problem, sha256, documents))


def _record(sealed, found):
    sealed.opened_at = timezone.now()
    sealed.matched = found.matched
    sealed.problem = found.problem
    sealed.save(update_fields=["opened_at", "matched", "problem"])
    return found


def _restore(bid, content, files):
    BidSection.objects.bulk_create(
        BidSection(bid=bid, criterion_id=row["criterion"], text=row["text"])
        for row in content["sections"]
    )
    BidStaff.objects.bulk_create(
        BidStaff(
            bid=bid,
            staff_member_id=row["staff_member"],
            **{
                name: row[name]
                for name in ("role_in_project", "full_name", "position", "qualifications")
            },
        )
        for row in content["staff"]
    )
    BidBudgetLine.objects.bulk_create(
        BidBudgetLine(bid=bid, **row) for row in content["budget_lines"]
    )
    receipts = {document.pk: document for document in bid.documents.all()}
    found = []
    for row in content["documents"]:
        data = base64.b64decode(row["bytes"])
        digest = hashlib.sha256(data).hexdigest()
        document = receipts.get(row["id"])
        if document is None:
            found.append({"id": row["id"], "sha256": digest, "matched": False})
            continue
        stored = files.store(
            ContentFile(data, name=row["original_name"]), prefix=BidDocument.upload_prefix
        )
        document.file = stored.name
        document.title = row["title"]
        document.original_name = row["original_name"]
        document.save(update_fields=["file", "title", "original_name"])
        found.append({"id": document.pk, "sha256": digest, "matched": digest == document.sha256})
    return found
