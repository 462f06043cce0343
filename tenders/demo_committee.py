"""The demo's opening committee: the procurement officer and two evaluators, with passphrases
printed beside their logins so the demo's bids can be opened by hand."""

import dataclasses

from portal.demo import STAFF_ACCOUNTS, DemoData
from portal.models import User
from tenders.models import OpeningKey, Tender, TenderKey
from tenders.services.bid_opening import opening_share_give
from tenders.services.committee import (
    member_private_key,
    opening_passphrase_set,
    tender_set_committee,
)
from tenders.services.opening import tender_open_bids
from workflows.errors import DomainError

PASSPHRASE = "demo-opening-2026"
MEMBERS = ("procurement", "evaluator1", "evaluator2")
QUORUM = 2


def committee_members():
    """The committee's accounts, each with the demo passphrase (set or put back)."""
    return [_with_passphrase(_account(username)) for username in MEMBERS]


def name_committee(officer, tender):
    """Make the demo committee ``tender``'s opening committee, two members needed."""
    return tender_set_committee(
        actor=officer, tender=tender, members=committee_members(), quorum=QUORUM
    )


def open_bids(tender):
    """Close ``tender`` at its deadline and open its bids as two committee members would."""
    tender = tender_open_bids(tender=tender)
    if TenderKey.objects.filter(tender=tender, opened_at__isnull=True).exists():
        for member in committee_members()[:QUORUM]:
            opening_share_give(actor=member, tender=tender, passphrase=PASSPHRASE)
    return Tender.objects.get(pk=tender.pk)


def show_passphrases(demo):
    """Add the committee's passphrase to its members' printed logins."""
    demo.logins[:] = [
        dataclasses.replace(login, passphrase=PASSPHRASE) if login.username in MEMBERS else login
        for login in demo.logins
    ]


def _account(username):
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    username, password, full_name, role = next(
        account for account in STAFF_ACCOUNTS if account[0] == username
    )
    return DemoData().account(
        username, password=password, role_label=role.label, full_name=full_name, roles=[role]
    )


def _with_passphrase(user):
    key = OpeningKey.objects.filter(user=user).first()
    if key is not None:
        try:
            member_private_key(key, PASSPHRASE)
        except DomainError:
            opening_passphrase_set(actor=user, passphrase=PASSPHRASE, replace=True)
        return user
    opening_passphrase_set(actor=user, passphrase=PASSPHRASE)
    return user
