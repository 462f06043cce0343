"""Opening committees: members' passphrases, naming a tender's committee, and the tender's keys.

A member's passphrase protects their private key (see ``tenders.models.opening``); the portal
keeps neither the passphrase nor the key in the clear. Publishing a tender calls
``tender_keys_create``, which makes the key bids are sealed with and gives each committee member
their share of the key that unlocks it.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portal.models import Role, User
from portal.validators import MAX_COMMITTEE
from tenders import permissions
from tenders.models import CommitteeShare, OpeningKey, Tender, TenderKey
from tenders.sealing import keys
from tenders.services.committee_notices import quorum_lost_notify
from workflows import audit
from workflows.errors import DomainError, forbidden

MIN_PASSPHRASE_LENGTH = 12


def member_key_context(user_id):
    return f"portal opening key of user {user_id}".encode()


def share_context(tender_id, user_id):
    return f"portal share of tender {tender_id} for user {user_id}".encode()


def tender_key_context(tender_id):
    return f"portal private key of tender {tender_id}".encode()


def opening_passphrase_set(*, actor, passphrase, current=None, replace=False):
    """Set ``actor``'s opening passphrase and return their ``OpeningKey``.

    The first time, makes the key pair. Later, ``current`` (the passphrase in use) must be given
    and the same key pair is kept under the new passphrase, so shares already given to the
    member stay theirs; with ``replace`` (a lost passphrase) a new key pair is made and shares
    held for tenders published before are lost, and the officer of any such tender whose
    committee can then no longer give the shares needed is told to cancel it. Only
    procurement officers and evaluators may.
    Refuses a passphrase shorter than 12 characters and a wrong ``current``. Audited (without
    any secret); a repeat with the same passphrase only re-encrypts the key.
    """
    if not permissions.can_sit_on_committee(actor):
        raise forbidden()
    if len(passphrase or "") < MIN_PASSPHRASE_LENGTH:
        raise DomainError(
            "passphrase_short",
            _("The passphrase must have at least %(count)d characters.")
            % {"count": MIN_PASSPHRASE_LENGTH},
            field="passphrase",
        )
    with transaction.atomic():
        row = OpeningKey.objects.select_for_update().filter(user=actor).first()
        if row is not None and not replace:
            private = member_private_key(row, current or "")
            action = "opening_passphrase_changed"
        else:
            private, public = keys.new_key_pair()
            row = row or OpeningKey(user=actor)
            row.public_key = public
            action = "opening_key_replaced" if row.pk else "opening_passphrase_set"
        _seal_member_key(row, private, passphrase)
        row.save()
        audit.record(actor, action, actor=actor)
        if action == "opening_key_replaced":
            quorum_lost_notify(actor)
    return row


def member_private_key(row, passphrase):
    """The member's private key, or ``DomainError("wrong_passphrase")``."""
    key = keys.passphrase_key(passphrase, bytes(row.salt), row.scrypt_cost)
    try:
        raw = keys.decrypt(key, bytes(row.sealed_private_key), member_key_context(row.user_id))
    except keys.DecryptionFailed as error:
        raise DomainError(
            "wrong_passphrase", _("The passphrase is not right."), field="passphrase"
        ) from error
    return keys.private_key(raw)


def _seal_member_key(row, private, passphrase):
    row.salt = keys.new_salt()
    row.scrypt_cost = settings.OPENING_SCRYPT_COST
    key = keys.passphrase_key(passphrase, row.salt, row.scrypt_cost)
    row.sealed_private_key = keys.encrypt(
        key, keys.private_bytes(private), member_key_context(row.user_id)
    )


def committee_candidates():
    """Active procurement officers and evaluators, who may sit on an opening committee."""
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.PROCUREMENT_OFFICER, Role.EVALUATOR]
        )
        .distinct()
        .select_related("opening_key")
        .order_by("full_name", "username")
    )


def tender_set_committee(*, actor, tender, members, quorum):
    """Name the opening committee of a draft and how many of its members open the bids.

    Only the officer who runs the tender may, and only while it is a draft. Refuses members who
    are not procurement officers or evaluators, more than 7 members, and a quorum outside
    1..the number of members. Members need not have set their passphrase yet; publishing
    checks that they have. Audited with the members' ids; a repeat changes nothing more.
    """
    if not permissions.can_manage_tender(actor, tender):
        raise forbidden()
    members = list(members)
    with transaction.atomic():
        row = Tender.objects.select_for_update().get(pk=tender.pk)
        if row.state != Tender.State.DRAFT:
            raise DomainError(
                "not_draft", _("The opening committee is named before the tender is published.")
            )
        if any(not permissions.can_sit_on_committee(member) for member in members):
            raise DomainError(
                "not_eligible",
                _("Only procurement officers and evaluators can sit on an opening committee."),
                field="members",
            )
        if len(members) > MAX_COMMITTEE:
            raise DomainError(
                "committee_too_large",
                _("An opening committee has at most %(count)d members.") % {"count": MAX_COMMITTEE},
                field="members",
            )
        if not 1 <= quorum <= max(len(members), 1):
            raise DomainError(
                "quorum_range",
                _("The members needed must be at least 1 and at most the committee's size."),
                field="quorum",
            )
        row.committee.set(members)
        row.opening_quorum = quorum
        row.save(update_fields=["opening_quorum"])
        audit.record(
            row,
            "committee_named",
            actor=actor,
            data={"members": sorted(member.pk for member in members), "quorum": quorum},
        )
    return row


def tender_keys_create(tender):
    """Make the published ``tender``'s key pair and give each committee member a share of the
    key that unlocks its private key; return the ``TenderKey``. Call inside the publishing
    transaction, after ``committee_problems`` found nothing. A tender that has its keys keeps
    them (a repeat does nothing). The key-encryption key and the private key exist only in
    memory, for the length of this call."""
    existing = TenderKey.objects.filter(tender=tender).first()
    if existing is not None:
        return existing
    members = list(tender.committee.select_related("opening_key").order_by("pk"))
    private, public = keys.new_key_pair()
    kek = keys.new_kek()
    tender_key = TenderKey.objects.create(
        tender=tender,
        public_key=public,
        sealed_private_key=keys.encrypt(
            keys.kek_cipher_key(kek), keys.private_bytes(private), tender_key_context(tender.pk)
        ),
        quorum=tender.opening_quorum,
    )
    shares = keys.split(kek, tender.opening_quorum, len(members))
    CommitteeShare.objects.bulk_create(
        CommitteeShare(
            tender_key=tender_key,
            member=member,
            member_public_key=bytes(member.opening_key.public_key),
            sealed_share=keys.encrypt_to(
                member.opening_key.public_key,
                bytes([index]) + share,
                share_context(tender.pk, member.pk),
            ),
        )
        for member, (index, share) in zip(members, shares, strict=True)
    )
    return tender_key
