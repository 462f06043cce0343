"""Sealed bids: nobody reads a bid before its committee opens it, and opening proves the bids
are the ones received.

These tests commit (``transaction=True``): ``pg_dump`` reads what is committed, and on
PostgreSQL the deadline trigger judges each submission at its own commit.
"""

import io
import os
import subprocess
import uuid
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tenders.models import Bid, BidBudgetLine, BidDocument, BidSection, SealedBid, Tender
from tenders.selectors.bid import bids_visible_to, is_opened
from tenders.services.bid import bid_budget_line_add, bid_document_add
from tenders.services.bid_deadline import database_now
from tenders.services.bid_opening import opening_share_give, opening_status
from tenders.services.bid_submission import bid_submit, bid_withdraw
from tenders.services.evaluation.panel import evaluation_create
from tenders.services.opening import opening_entry
from tenders.services.tender import tender_cancel, tender_publish
from tests.conftest import require, sign_in
from tests.factories.documents import pdf_bytes, upload
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    COMMITTEE_PASSPHRASE,
    BidFactory,
    TenderFactory,
    eligible_provider,
    fill_bid,
    open_through_committee,
)
from workflows import sweeps
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


class Marked:
    """A bid whose every part carries words, an amount and bytes found nowhere else."""

    def __init__(self):
        tag = uuid.uuid4().hex[:12]
        self.text = f"Proposal-marker-{tag}"
        self.description = f"Budget-marker-{tag}"
        self.amount = Decimal(f"1{int(tag[:5], 16) % 90000 + 10000}.37")
        self.document = pdf_bytes(objects=[f"(Document-marker-{tag})".encode()])

    def everything(self):
        return [
            self.text.encode(),
            self.description.encode(),
            f"{self.amount:.2f}".encode(),
            self.document[-160:],
        ]


def published():
    tender = TenderFactory(min_trained_staff=0)
    return tender_publish(actor=tender.created_by, tender=tender)


def submitted_bid(tender, marked):
    """A bid prepared through the services with ``marked`` content and submitted."""
    bid = BidFactory(
        tender=tender,
        provider=eligible_provider(tender),
        complete=True,
        complete__text=marked.text,
    )
    actor = admin_of(bid.provider)
    bid_budget_line_add(
        actor=actor,
        bid=bid,
        category=BidBudgetLine.Category.TRANSPORT,
        description=marked.description,
        amount=marked.amount,
    )
    bid_document_add(
        actor=actor,
        bid=bid,
        title="Plan",
        upload=upload("pdf", name="plan.pdf", content=marked.document),
    )
    return bid_submit(actor=actor, bid=Bid.objects.get(pk=bid.pk))


def database_dump():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    options = connection.settings_dict
    result = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            options["HOST"] or "127.0.0.1",
            "-p",
            str(options["PORT"] or 5432),
            "-U",
            options["USER"],
            options["NAME"],
        ],
        capture_output=True,
        check=True,
        env={**os.environ, "PGPASSWORD": options["PASSWORD"] or ""},
    )
    return result.stdout


def storage_walk():
    contents = []
    for folder, _dirs, files in os.walk(settings.MEDIA_ROOT):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                contents.append(handle.read())
    return b"\n".join(contents)


def test_before_opening_no_dump_or_stored_file_holds_a_bid(postgres):
    tender = published()
    marked = Marked()
    bid = submitted_bid(tender, marked)

    dump, files = database_dump(), storage_walk()

    for secret in marked.everything():
        assert secret not in dump, secret
        assert secret not in files, secret
    sealed = SealedBid.objects.get(bid=bid)
    assert sealed.size > len(marked.document)
    documents = BidDocument.objects.filter(bid=bid)
    assert len(marked.document) in {document.size for document in documents}
    assert all(len(document.sha256) == 64 and not document.file for document in documents)
    assert len(bid.content_sha256) == 64


def test_the_bids_open_with_the_shares_needed_and_not_one_fewer(postgres):
    tender = published()
    marked = Marked()
    bid = submitted_bid(tender, marked)
    first, second, _third = tender.committee.order_by("pk")

    opened = open_through_committee(tender, members=[first])

    assert opened.state == Tender.State.CLOSED
    status = opening_status(opened)
    assert (status.opened, status.still_needed) == (False, 1)
    assert not BidSection.objects.filter(bid=bid).exists()
    assert opening_entry(opened) is None
    with pytest.raises(DomainError) as refused:
        evaluation_create(actor=tender.created_by, tender=opened, deadline=None)
    assert refused.value.code == "not_opened"

    opening_share_give(actor=second, tender=opened, passphrase=COMMITTEE_PASSPHRASE)

    assert opening_status(opened).opened
    texts = BidSection.objects.filter(bid=bid).values_list("text", flat=True)
    assert any(marked.text in text for text in texts)
    assert BidBudgetLine.objects.get(bid=bid, description=marked.description).amount == (
        marked.amount
    )
    document = BidDocument.objects.get(bid=bid, title="Plan")
    with document.file.open("rb") as handle:
        assert handle.read() == marked.document
    record = opening_entry(opened).data
    assert [row["member_id"] for row in record["committee"]] == [first.pk, second.pk]
    [row] = record["bids"]
    assert (row["bid_id"], row["sha256"], row["matched"]) == (bid.pk, bid.content_sha256, True)
    assert all(document["matched"] for document in row["opened_documents"])


def test_the_deadline_sweep_closes_bidding_but_opens_nothing(postgres):
    tender = published()
    bid = submitted_bid(tender, Marked())
    draft = BidFactory(tender=tender, provider=eligible_provider(tender))
    Tender.objects.filter(pk=tender.pk).update(submission_deadline=database_now())

    assert sweeps.run(sweeps.registered()["tenders.open_bids"], timezone.now()) == 1

    tender.refresh_from_db()
    assert tender.state == Tender.State.CLOSED and not is_opened(tender)
    assert Bid.objects.get(pk=draft.pk).state == Bid.State.DISCARDED
    assert opening_entry(tender) is None
    assert not BidSection.objects.filter(bid=bid).exists()
    assert not bids_visible_to(tender.created_by).filter(pk=bid.pk).exists()


def test_a_share_before_the_deadline_is_refused_and_nothing_is_kept(postgres):
    tender = published()
    member = tender.committee.first()

    with pytest.raises(DomainError) as refused:
        opening_share_give(actor=member, tender=tender, passphrase=COMMITTEE_PASSPHRASE)

    assert refused.value.code == "before_deadline"
    assert opening_status(tender).given == []


def test_a_wrong_passphrase_is_refused_and_counted_in_the_audit_log(postgres):
    tender = published()
    submitted_bid(tender, Marked())
    member = tender.committee.first()
    tender = open_through_committee(tender, members=[])

    for _attempt in range(2):
        with pytest.raises(DomainError) as refused:
            opening_share_give(actor=member, tender=tender, passphrase="not my passphrase")
        assert refused.value.code == "wrong_passphrase"

    refusals = history(tender).filter(action="opening_share_refused", actor=member)
    assert refusals.count() == 2
    assert opening_status(tender).given == []


def test_someone_off_the_committee_gives_no_share(postgres):
    tender = open_through_committee(published(), members=[])

    with pytest.raises(DomainError) as refused:
        opening_share_give(
            actor=UserFactory(evaluator=True), tender=tender, passphrase=COMMITTEE_PASSPHRASE
        )

    assert refused.value.code == "forbidden"


def test_shares_given_are_forgotten_when_the_opening_key_expires(postgres):
    tender = published()
    submitted_bid(tender, Marked())
    first, second, _third = tender.committee.order_by("pk")
    tender = open_through_committee(tender, members=[first])

    cache.clear()
    assert opening_status(tender).given == []
    opening_share_give(actor=second, tender=tender, passphrase=COMMITTEE_PASSPHRASE)

    assert not opening_status(tender).opened
    opening_share_give(actor=first, tender=tender, passphrase=COMMITTEE_PASSPHRASE)
    assert opening_status(tender).opened


@pytest.mark.parametrize("change", ["ciphertext", "bid hash", "document hash"])
def test_a_byte_changed_before_opening_flags_the_bid(postgres, change):
    tender = published()
    changed = submitted_bid(tender, Marked())
    intact = submitted_bid(tender, Marked())
    with connection.cursor() as cursor:
        if change == "ciphertext":
            cursor.execute(
                "UPDATE tenders_sealedbid SET ciphertext = overlay(ciphertext placing "
                "decode(lpad(to_hex(get_byte(ciphertext, 40) # 1), 2, '0'), 'hex') "
                "from 41 for 1) WHERE bid_id = %s",
                [changed.pk],
            )
        elif change == "bid hash":
            cursor.execute(
                "UPDATE tenders_bid SET content_sha256 = overlay(content_sha256 placing "
                "CASE WHEN left(content_sha256, 1) = 'a' THEN 'b' ELSE 'a' END from 1 for 1) "
                "WHERE id = %s",
                [changed.pk],
            )
        else:
            cursor.execute(
                "UPDATE tenders_biddocument SET sha256 = overlay(sha256 placing "
                "CASE WHEN left(sha256, 1) = 'a' THEN 'b' ELSE 'a' END from 1 for 1) "
                "WHERE bid_id = %s",
                [changed.pk],
            )

    tender = open_through_committee(tender)

    rows = {row["bid_id"]: row for row in opening_entry(tender).data["bids"]}
    assert rows[changed.pk]["matched"] is False and rows[changed.pk]["problem"]
    assert rows[intact.pk]["matched"] is True
    assert SealedBid.objects.get(bid=changed).matched is False
    assert SealedBid.objects.get(bid=intact).matched is True


def test_withdrawing_discards_the_sealed_version_and_resubmitting_seals_a_new_one(postgres):
    tender = published()
    bid = submitted_bid(tender, Marked())
    first = SealedBid.objects.get(bid=bid)
    actor = admin_of(bid.provider)

    bid_withdraw(actor=actor, bid=bid)

    assert not SealedBid.objects.filter(bid=bid).exists()
    assert not BidDocument.objects.filter(bid=bid).exists()
    marked = Marked()
    fill_bid(Bid.objects.get(pk=bid.pk), text=marked.text, description=marked.description)
    again = bid_submit(actor=actor, bid=Bid.objects.get(pk=bid.pk))
    assert again.state == Bid.State.SUBMITTED
    assert SealedBid.objects.get(bid=bid).pk != first.pk
    assert marked.text.encode() not in database_dump()


def test_a_tender_whose_committee_cannot_open_it_is_cancelled_and_bidders_told(postgres):
    tender = published()
    bid = submitted_bid(tender, Marked())
    tender = open_through_committee(tender, members=[])

    cancelled = tender_cancel(
        actor=tender.created_by, tender=tender, reason="Two members lost their passphrases."
    )

    assert cancelled.state == Tender.State.CANCELLED
    told = OutboxMessage.objects.filter(event="tenders.tender_cancelled")
    assert admin_of(bid.provider).pk in set(told.values_list("recipient_id", flat=True))
    with pytest.raises(DomainError) as refused:
        opening_share_give(
            actor=tender.committee.first(), tender=cancelled, passphrase=COMMITTEE_PASSPHRASE
        )
    assert refused.value.code == "not_allowed"
    assert not BidSection.objects.filter(bid=bid).exists()


def test_an_opened_tender_is_not_cancelled(postgres):
    tender = published()
    submitted_bid(tender, Marked())
    tender = open_through_committee(tender)

    with pytest.raises(DomainError) as refused:
        tender_cancel(actor=tender.created_by, tender=tender, reason="Changed our mind.")

    assert refused.value.code == "not_allowed"


def test_the_bidder_downloads_its_sealed_package_at_submission(client, postgres):
    tender = published()
    marked = Marked()
    bid = BidFactory(
        tender=tender, provider=eligible_provider(tender), complete=True, complete__text=marked.text
    )
    bid_document_add(
        actor=admin_of(bid.provider),
        bid=bid,
        title="Plan",
        upload=upload("pdf", name="plan.pdf", content=marked.document),
    )
    sign_in(client, admin_of(bid.provider))
    page = client.get(reverse("tenders:bid_submit", args=[bid.pk]))
    form = page.context["form"]

    receipt = client.post(
        reverse("tenders:bid_submit", args=[bid.pk]),
        {"seen": form.initial["seen"], "seen_state": form.initial["seen_state"]},
        follow=True,
    )

    assert "The bid is sealed" in receipt.content.decode()
    package = client.get(reverse("tenders:bid_package", args=[bid.pk]))
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        names = archive.namelist()
        assert marked.text in archive.read("bid.json").decode()
        assert marked.document in [archive.read(name) for name in names if name != "bid.json"]
    other = UserFactory(procurement_officer=True)
    sign_in(client, other)
    assert client.get(reverse("tenders:bid_package", args=[bid.pk])).status_code == 404


def test_the_opening_page_says_how_many_shares_are_still_needed(client, postgres):
    tender = published()
    submitted_bid(tender, Marked())
    first, second, _third = tender.committee.order_by("pk")
    sign_in(client, first)
    url = reverse("tenders:opening", args=[tender.pk])
    assert "Shares are taken only after it." in client.get(url).content.decode()
    tender = open_through_committee(tender, members=[])

    wrong = client.post(url, {"passphrase": "wrong passphrase here"})
    assert "The passphrase is not right." in wrong.content.decode()
    given = client.post(url, {"passphrase": COMMITTEE_PASSPHRASE}, follow=True)
    assert "1 more share is needed to open the bids." in given.content.decode()
    sign_in(client, second)
    opened = client.post(url, {"passphrase": COMMITTEE_PASSPHRASE}, follow=True)

    assert "The bids are open." in opened.content.decode()
    assert opening_status(tender).opened
