from datetime import timedelta

import pytest
from django.utils import timezone

from providers.models import MemberRole
from tenders.models import Bid, Tender
from tenders.services.bid_reminders import bid_remind, bids_due_for_reminder
from tenders.services.bid_submission import bid_discard, bid_reconfirm, bid_submit, bid_withdraw
from tenders.services.opening import tender_open_bids
from tests.factories.providers import admin_of, member_of
from tests.factories.tenders import BidFactory, TenderFactory, bid_ready_tender, eligible_provider
from workflows import sweeps
from workflows.delivery import render
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

SWEEP = "tenders.bid_reminders"


@pytest.fixture
def deadline():
    return timezone.now() + timedelta(days=10)


@pytest.fixture
def bid(deadline):
    return BidFactory(tender=TenderFactory(published=True, submission_deadline=deadline))


def _sweep(now):
    return sweeps.run(sweeps.registered()[SWEEP], now)


def _reminders(bid):
    return OutboxMessage.objects.filter(event="tenders.bid_reminder", channel="email")


def test_no_reminder_more_than_three_days_ahead(bid, deadline):
    assert _sweep(deadline - timedelta(days=3, seconds=1)) == 0
    assert not _reminders(bid).exists()


def test_three_days_before_the_deadline_the_admins_and_editors_are_reminded(bid, deadline):
    editor = member_of(bid.provider, MemberRole.EDITOR)
    member_of(bid.provider, MemberRole.VIEWER)
    assert _sweep(deadline - timedelta(days=3)) == 1
    reminders = _reminders(bid)
    assert set(reminders.values_list("recipient", flat=True)) == {
        admin_of(bid.provider).pk,
        editor.pk,
    }
    assert reminders.first().context["days"] == 3
    assert reminders.first().key.startswith(f"bid-reminder:{bid.pk}:3d:")


def test_a_second_sweep_sends_nothing_more(bid, deadline):
    now = deadline - timedelta(days=2)
    _sweep(now)
    assert _sweep(now) == 0
    assert bid_remind(bid=bid, now=now) is None
    assert _reminders(bid).count() == 1


def test_one_day_before_a_second_reminder_is_sent(bid, deadline):
    _sweep(deadline - timedelta(days=3))
    _sweep(deadline - timedelta(hours=23))
    _sweep(deadline - timedelta(hours=1))
    assert sorted(m.context["days"] for m in _reminders(bid)) == [1, 3]


def test_a_bid_opened_on_the_last_day_gets_only_the_last_reminder(bid, deadline):
    _sweep(deadline - timedelta(hours=12))
    assert [m.context["days"] for m in _reminders(bid)] == [1]
    assert _sweep(deadline - timedelta(hours=6)) == 0


def test_the_reminder_is_published_only_on_commit(
    bid, deadline, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        bid_remind(bid=bid, now=deadline - timedelta(days=1))
    assert len(callbacks) == 1
    assert _reminders(bid).get().published_at is None


@pytest.mark.parametrize("state", ["submitted", "withdrawn"])
def test_only_unsubmitted_bids_are_reminded(deadline, state):
    tender = TenderFactory(published=True, submission_deadline=deadline)
    bid = BidFactory(tender=tender, **{state: True})
    _sweep(deadline - timedelta(days=1))
    assert _reminders(bid).exists() is (state == "withdrawn")


def test_no_reminder_after_the_deadline_or_on_a_closed_tender(deadline):
    late = BidFactory(tender=TenderFactory(published=True, submission_deadline=deadline))
    closed = BidFactory(tender=TenderFactory(closed=True))
    assert late not in bids_due_for_reminder(deadline)
    assert closed not in bids_due_for_reminder(timezone.now())
    assert bid_remind(bid=late, now=deadline + timedelta(minutes=1)) is None
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_every_bid_notification_renders_in_each_language(language, deadline):
    tender = bid_ready_tender(submission_deadline=deadline)
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    admin = admin_of(bid.provider)
    admin.language = language
    admin.save()
    bid_remind(bid=bid, now=deadline - timedelta(days=1))
    bid_submit(actor=admin, bid=bid)
    Bid.objects.filter(pk=bid.pk).update(needs_reconfirmation=True)
    bid = bid_reconfirm(actor=admin, bid=bid)
    bid = bid_withdraw(actor=admin, bid=bid)
    bid_discard(bid=bid, tender=tender)
    empty = TenderFactory(published=True, submission_deadline=timezone.now() - timedelta(days=1))
    opened = BidFactory(tender=TenderFactory(published=True), submitted=True)
    Tender.objects.filter(pk=opened.tender_id).update(
        submission_deadline=timezone.now() - timedelta(seconds=1)
    )
    for closing in (empty, opened.tender):
        tender_open_bids(tender=closing)
    events = set()
    for message in OutboxMessage.objects.select_related("recipient"):
        subject, body = render(message)
        assert subject and body.strip() and "{{" not in body
        events.add(message.event)
    assert events >= {
        "tenders.bid_reminder",
        "tenders.bid_submitted",
        "tenders.bid_reconfirmed",
        "tenders.bid_withdrawn",
        "tenders.bid_discarded",
        "tenders.bids_opened",
        "tenders.bid_opened",
        "tenders.bid_opening_unsuccessful",
    }
