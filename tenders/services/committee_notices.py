"""What an opening committee and its tender's officer are told while sealed bids wait.

Each notice is written to the outbox once per tender (its key names the tender), so the
deadline sweep running again, every share given and every member who loses a passphrase
add nothing more.
"""

from django.urls import reverse

from tenders.models import CommitteeShare, Tender
from tenders.services.tender_notice import notice_context
from workflows import outbox
from workflows.outbox import Notice

SHARES_NEEDED = "tenders.opening_shares_needed"
COMMITTEE_OPENED = "tenders.committee_opened"
QUORUM_LOST = "tenders.opening_quorum_lost"


def opening_url(tender):
    return reverse("tenders:opening", args=[tender.pk])


def committee_context(tender, tender_key):
    """The notice context with how many shares the opening needs (M) of how many (N)."""
    return {
        **notice_context(tender),
        "quorum": tender_key.quorum,
        "committee_size": tender_key.shares.count(),
    }


def shares_needed_notify(tender, tender_key):
    """Tell every member of ``tender``'s committee that its deadline passed and the bids wait
    for their shares. Called in the transaction that closes the tender; once per tender."""
    notice = Notice(
        SHARES_NEEDED,
        _members(tender_key),
        committee_context(tender, tender_key),
        opening_url(tender),
    )
    outbox.enqueue([notice], key=f"shares-needed:{tender.pk}")


def committee_opened_notify(tender, tender_key, bid_count):
    """Tell the committee that its shares opened the bids. The tender's officer is told by
    the opening itself (``tenders.bids_opened``), so is left out here. Once per tender."""
    members = tuple(member for member in _members(tender_key) if member != tender.created_by)
    context = {**committee_context(tender, tender_key), "bid_count": bid_count}
    notice = Notice(COMMITTEE_OPENED, members, context, opening_url(tender))
    outbox.enqueue([notice], key=f"committee-opened:{tender.pk}")


def quorum_lost_notify(member):
    """After ``member``'s opening key was replaced, tell the officer of every tender whose
    sealed bids are not open yet and whose committee can no longer give the shares needed
    that it must be cancelled. Once per tender, however many members lose their key."""
    shares = CommitteeShare.objects.filter(
        member=member,
        tender_key__opened_at__isnull=True,
        tender_key__tender__state__in=[Tender.State.PUBLISHED, Tender.State.CLOSED],
    ).select_related("tender_key__tender__created_by")
    for share in shares:
        tender_key = share.tender_key
        tender = tender_key.tender
        held = sum(1 for row in tender_key.shares.select_related("member") if _still_held(row))
        if held >= tender_key.quorum:
            continue
        notice = Notice(
            QUORUM_LOST,
            (tender.created_by,),
            {**committee_context(tender, tender_key), "held": held},
            reverse("tenders:cancel", args=[tender.pk]),
        )
        outbox.enqueue([notice], key=f"quorum-lost:{tender.pk}")


def _members(tender_key):
    return tuple(share.member for share in tender_key.shares.select_related("member"))


def _still_held(share):
    """Whether the member can still unlock their share: their key is the one it was given to."""
    key = getattr(share.member, "opening_key", None)
    return (
        share.member.is_active
        and key is not None
        and bytes(key.public_key) == bytes(share.member_public_key)
    )
