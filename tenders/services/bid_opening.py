"""The committee opens a tender's sealed bids: each member gives their share with their
passphrase, and the bids open when enough shares are in.

A given share is kept, until the bids open, encrypted under the opening's own key; that key
lives only in the cache, for ``SHARES_KEPT_FOR`` seconds after the last share given. Neither
the database nor a backup of it ever holds a share, the tender's key-encryption key or its
private key in the clear. When the cached key has expired, the shares given before it must be
given again.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.documents.storage import kept_on_success
from tenders.models import Bid, CommitteeShare, GivenShare, Tender, TenderKey
from tenders.sealing import keys
from tenders.sealing.bids import bid_unseal
from tenders.services.bid_deadline import database_now
from tenders.services.committee import member_private_key, share_context, tender_key_context
from tenders.services.committee_notices import committee_opened_notify
from tenders.services.opening import bids_open, tender_open_bids
from workflows import audit
from workflows.errors import DomainError, forbidden, not_allowed

SHARES_KEPT_FOR = 60 * 60
SHARE_GIVEN = "opening_share_given"
SHARE_REFUSED = "opening_share_refused"


@dataclass
class OpeningStatus:
    needed: int
    given: list
    opened: bool

    @property
    def still_needed(self):
        return 0 if self.opened else max(self.needed - len(self.given), 0)


def committee_share_of(user, tender):
    """``user``'s share of ``tender``'s key, or None when they are not on its committee."""
    return (
        CommitteeShare.objects.select_related("tender_key")
        .filter(tender_key__tender=tender, member=user)
        .first()
    )


def opening_status(tender):
    """How many shares the opening needs, who has given one (and when), whether it opened."""
    tender_key = TenderKey.objects.get(tender=tender)
    opening_key = cache.get(_cache_key(tender_key))
    given = [
        share
        for share in tender_key.given.select_related("member")
        if opening_key is not None and _share_from(opening_key, share) is not None
    ]
    return OpeningStatus(tender_key.quorum, given, tender_key.opened_at is not None)


def opening_share_give(*, actor, tender, passphrase):
    """Take ``actor``'s share of ``tender``'s key, unlocked with their ``passphrase``; when it
    completes the shares needed, open every sealed bid. Returns the ``OpeningStatus``.

    Only a member of the tender's committee may (others: forbidden), and only once the
    submission deadline has passed by the database's clock (before: ``before_deadline``, and
    nothing is taken). A wrong passphrase is refused (``wrong_passphrase``) and the refusal is
    recorded in the audit log (``opening_share_refused``) even though nothing else is stored.
    A share given is recorded (``opening_share_given``); giving it again only renews it. A
    cancelled tender takes no share.
    Opening rebuilds the tender's key in memory, decrypts every submitted bid into its records,
    checks each against its receipt (a mismatch is flagged on the bid and in the record, never
    raised), writes the opening record ``bids_opened`` with who gave shares and when, and tells
    the committee the bids are open (the officer hears it from the opening record). A
    tender already opened is left as it is.
    """
    share = committee_share_of(actor, tender)
    if share is None:
        raise forbidden()
    tender_key = share.tender_key
    if tender_key.opened_at is not None:
        return opening_status(tender)
    if database_now() < tender.submission_deadline:
        raise DomainError(
            "before_deadline",
            _("Shares are taken only after the submission deadline."),
            field="passphrase",
        )
    raw = _unlock(actor, tender, share, passphrase)
    with kept_on_success() as files, transaction.atomic():
        tender_open_bids(tender=tender)
        row = Tender.objects.select_for_update().get(pk=tender.pk)
        tender_key = TenderKey.objects.select_for_update().get(pk=tender_key.pk)
        if tender_key.opened_at is not None:
            return opening_status(row)
        if row.state != Tender.State.CLOSED:
            raise not_allowed(row.get_state_display())
        opening_key = _opening_key(tender_key)
        GivenShare.objects.update_or_create(
            tender_key=tender_key,
            member=actor,
            defaults={
                "given_at": timezone.now(),
                "sealed_share": keys.encrypt(opening_key, raw, _given_context(tender_key, actor)),
            },
        )
        audit.record(row, SHARE_GIVEN, actor=actor)
        given = [
            (share, value)
            for share in tender_key.given.select_related("member")
            if (value := _share_from(opening_key, share)) is not None
        ]
        if len(given) >= tender_key.quorum:
            _open(row, tender_key, given, files)
    return opening_status(tender)


def _unlock(actor, tender, share, passphrase):
    key_row = getattr(actor, "opening_key", None)
    try:
        if key_row is None or bytes(key_row.public_key) != bytes(share.member_public_key):
            raise DomainError(
                "key_replaced",
                _(
                    "Your opening key was replaced after this tender was published: your share "
                    "is lost. The other members can still open the bids."
                ),
                field="passphrase",
            )
        private = member_private_key(key_row, passphrase)
    except DomainError:
        with transaction.atomic():
            audit.record(tender, SHARE_REFUSED, actor=actor)
        raise
    return keys.decrypt_with(private, share.sealed_share, share_context(tender.pk, actor.pk))


def _cache_key(tender_key):
    return f"tenders:opening-key:{tender_key.pk}"


def _given_context(tender_key, member):
    return f"portal given share of tender key {tender_key.pk} by user {member.pk}".encode()


def _opening_key(tender_key):
    """The opening's key from the cache, renewed; a new one (forgetting the shares given
    under an expired one) when there is none."""
    opening_key = cache.get(_cache_key(tender_key))
    if opening_key is None:
        opening_key = keys.new_data_key()
        tender_key.given.all().delete()
    cache.set(_cache_key(tender_key), opening_key, SHARES_KEPT_FOR)
    return opening_key


def _share_from(opening_key, given):
    try:
        raw = keys.decrypt(
            opening_key, bytes(given.sealed_share), _given_context(given.tender_key, given.member)
        )
    except keys.DecryptionFailed:
        return None
    return raw[0], raw[1:]


def _open(tender, tender_key, given, files):
    kek = keys.combine([value for _share, value in given])
    try:
        raw = keys.decrypt(
            keys.kek_cipher_key(kek),
            bytes(tender_key.sealed_private_key),
            tender_key_context(tender.pk),
        )
    except keys.DecryptionFailed as error:
        raise DomainError(
            "shares_mismatch",
            _("The shares given do not unlock the tender's key; nothing was opened."),
        ) from error
    private = keys.private_key(raw)
    submitted = list(
        Bid.objects.filter(tender=tender, state=Bid.State.SUBMITTED)
        .select_related("provider", "sealed")
        .order_by("submitted_at", "id")
    )
    found = {
        bid.pk: bid_unseal(bid, tender, private, files)
        for bid in submitted
        if hasattr(bid, "sealed")
    }
    tender_key.given.all().delete()
    cache.delete(_cache_key(tender_key))
    committee = [
        {
            "member_id": share.member_id,
            "member": str(share.member),
            "given_at": share.given_at.isoformat(),
        }
        for share, _value in given
    ]
    bids = list(
        Bid.objects.filter(pk__in=[bid.pk for bid in submitted])
        .select_related("provider")
        .prefetch_related("documents")
        .order_by("submitted_at", "id")
    )
    bids_open(tender, bids, extra={"committee": committee}, found=found)
    committee_opened_notify(tender, tender_key, len(bids))
