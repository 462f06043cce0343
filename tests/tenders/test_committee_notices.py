"""The opening committee hears when its shares are needed and when the bids are open; the
tender's officer hears when too few members can still give theirs. Each mail and in-app
notice comes once, in the reader's language."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tenders.models import Tender
from tenders.services.bid_deadline import database_now
from tenders.services.bid_opening import opening_share_give
from tenders.services.bid_submission import bid_submit
from tenders.services.committee import opening_passphrase_set
from tenders.services.tender import tender_cancel, tender_publish
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    COMMITTEE_PASSPHRASE,
    BidFactory,
    TenderFactory,
    eligible_provider,
    open_through_committee,
)
from tests.tenders.test_tender_notifications import deliver_all
from workflows import sweeps
from workflows.models import Notification

# Transactional: on PostgreSQL the deadline trigger judges each submission at its own commit.
pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSPHRASE = "a new passphrase after losing mine"


def sealed_tender_with_a_bid(languages=("en", "en", "en")):
    """A published tender sealed for a committee of three (two needed) speaking ``languages``,
    with one submitted bid."""
    tender = TenderFactory(min_trained_staff=0)
    for member, language in zip(tender.committee.order_by("pk"), languages, strict=True):
        member.language = language
        member.save(update_fields=["language"])
    tender = tender_publish(actor=tender.created_by, tender=tender)
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    bid_submit(actor=admin_of(bid.provider), bid=bid)
    return Tender.objects.get(pk=tender.pk)


def close_by_sweep(tender):
    Tender.objects.filter(pk=tender.pk).update(submission_deadline=database_now())
    sweeps.run(sweeps.registered()["tenders.open_bids"], timezone.now())
    return Tender.objects.get(pk=tender.pk)


def mails_to(mailoutbox, user):
    return [mail for mail in mailoutbox if mail.to == [user.email]]


def test_when_the_deadline_closes_a_sealed_tender_each_member_is_asked_once_in_their_language(
    mailoutbox,
):
    tender = sealed_tender_with_a_bid(languages=("en", "ru", "tk"))
    english, russian, turkmen = tender.committee.order_by("pk")

    close_by_sweep(tender)
    tender = close_by_sweep(tender)
    opening_share_give(actor=english, tender=tender, passphrase=COMMITTEE_PASSPHRASE)
    deliver_all()

    opening = f"{settings.SITE_URL}{reverse('tenders:opening', args=[tender.pk])}"
    [mail] = mails_to(mailoutbox, english)
    assert mail.subject == f"Your opening share is needed for {tender.reference}"
    assert "2 of the 3 members must give their share" in mail.body
    assert opening in mail.body
    [mail] = mails_to(mailoutbox, russian)
    assert mail.subject == f"Нужна ваша доля ключа для вскрытия {tender.reference}"
    assert "2 из 3 членов комиссии" in mail.body and opening in mail.body
    [mail] = mails_to(mailoutbox, turkmen)
    assert mail.subject == f"{tender.reference} açmak üçin siziň paýyňyz gerek"
    for member in (english, russian, turkmen):
        [notice] = Notification.objects.filter(recipient=member)
        assert notice.url == reverse("tenders:opening", args=[tender.pk])
    assert not mails_to(mailoutbox, tender.created_by)


def test_a_sealed_tender_without_bids_asks_the_committee_for_nothing(mailoutbox):
    tender = TenderFactory(min_trained_staff=0)
    tender = tender_publish(actor=tender.created_by, tender=tender)

    close_by_sweep(tender)
    deliver_all()

    assert not any(mails_to(mailoutbox, member) for member in tender.committee.all())


def test_when_the_bids_open_the_members_and_the_officer_are_told_once(mailoutbox):
    tender = sealed_tender_with_a_bid(languages=("en", "en", "ru"))
    close_by_sweep(tender)
    deliver_all()
    mailoutbox.clear()

    open_through_committee(tender)
    open_through_committee(tender)
    deliver_all()

    for member in tender.committee.order_by("pk")[:2]:
        [mail] = mails_to(mailoutbox, member)
        assert mail.subject == f"The committee opened the bids of {tender.reference}"
        assert "1 bid was opened. Your share is no longer needed." in mail.body
    [mail] = mails_to(mailoutbox, tender.committee.order_by("pk")[2])
    assert mail.subject == f"Комиссия вскрыла заявки по {tender.reference}"
    [mail] = mails_to(mailoutbox, tender.created_by)
    assert mail.subject == f"Bids opened for {tender.reference}"
    assert Notification.objects.filter(recipient=tender.created_by).count() == 1


def test_a_lost_passphrase_that_leaves_too_few_members_tells_the_officer_to_cancel(mailoutbox):
    tender = sealed_tender_with_a_bid()
    first, second, third = tender.committee.order_by("pk")
    tender = close_by_sweep(tender)
    deliver_all()
    mailoutbox.clear()

    opening_passphrase_set(actor=first, passphrase=NEW_PASSPHRASE, replace=True)
    deliver_all()
    assert not mails_to(mailoutbox, tender.created_by)

    opening_passphrase_set(actor=second, passphrase=NEW_PASSPHRASE, replace=True)
    opening_passphrase_set(actor=third, passphrase=NEW_PASSPHRASE, replace=True)
    deliver_all()

    cancel = reverse("tenders:cancel", args=[tender.pk])
    [mail] = mails_to(mailoutbox, tender.created_by)
    assert mail.subject == f"The bids of {tender.reference} can no longer be opened"
    assert "Only 1 of the 3 members can still give their share, and 2 are needed" in mail.body
    assert f"{settings.SITE_URL}{cancel}" in mail.body
    [notice] = Notification.objects.filter(recipient=tender.created_by)
    assert notice.url == cancel
    cancelled = tender_cancel(
        actor=tender.created_by, tender=tender, reason="The committee lost its passphrases."
    )
    assert cancelled.state == Tender.State.CANCELLED


def test_a_lost_passphrase_after_the_bids_opened_tells_nobody(mailoutbox):
    tender = sealed_tender_with_a_bid()
    tender = open_through_committee(tender)
    deliver_all()
    mailoutbox.clear()

    for member in tender.committee.all():
        opening_passphrase_set(actor=member, passphrase=NEW_PASSPHRASE, replace=True)
    deliver_all()

    assert not mailoutbox
