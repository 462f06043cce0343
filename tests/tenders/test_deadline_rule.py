"""The submission deadline: a bid is accepted iff its transaction commits before the deadline.

On SQLite the application clock is compared inside the transaction (time-machine moves it to
the boundary). On PostgreSQL the database decides with its own clock, at commit, through the
deferred constraint trigger of migration 0002_bid_submission_rules.
"""

import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone, translation

from tenders.models import Bid, Tender
from tenders.services.bid import bid_budget_line_add
from tenders.services.bid_deadline import database_now
from tenders.services.bid_submission import bid_reconfirm, bid_submit, bid_withdraw
from tenders.services.opening import tender_open_bids
from tests.factories.providers import admin_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider
from workflows import sweeps
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="on PostgreSQL the database's clock decides"
)


def _bid(deadline):
    tender = bid_ready_tender(submission_deadline=deadline)
    return BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)


@pytest.fixture
def deadline():
    return (timezone.now() + timedelta(days=10)).replace(microsecond=0)


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(microseconds=-1), True),
        (timedelta(0), False),
        (timedelta(seconds=1), False),
    ],
)
def test_submission_at_the_boundary(deadline, offset, accepted):
    bid = _bid(deadline)
    with time_machine.travel(deadline + offset, tick=False):
        if accepted:
            assert bid_submit(actor=admin_of(bid.provider), bid=bid).state == Bid.State.SUBMITTED
        else:
            with pytest.raises(DomainError) as refused:
                bid_submit(actor=admin_of(bid.provider), bid=bid)
            assert refused.value.code == "deadline_passed"
            assert str(refused.value.message) == "The submission deadline has passed."
    bid.refresh_from_db()
    assert (bid.state == Bid.State.SUBMITTED) is accepted
    assert history(bid).filter(action="submit").exists() is accepted


@sqlite_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(timedelta(microseconds=-1), True), (timedelta(0), False)],
)
def test_withdrawal_at_the_boundary(deadline, offset, accepted):
    bid = _bid(deadline)
    bid_submit(actor=admin_of(bid.provider), bid=bid)
    with time_machine.travel(deadline + offset, tick=False):
        if accepted:
            bid_withdraw(actor=admin_of(bid.provider), bid=bid, seen_state="submitted")
        else:
            with pytest.raises(DomainError, match="deadline_passed"):
                bid_withdraw(actor=admin_of(bid.provider), bid=bid, seen_state="submitted")
    bid.refresh_from_db()
    assert bid.state == (Bid.State.WITHDRAWN if accepted else Bid.State.SUBMITTED)


@sqlite_only
@pytest.mark.django_db
def test_editing_after_the_deadline_is_refused(deadline):
    bid = _bid(deadline)
    with time_machine.travel(deadline, tick=False), pytest.raises(DomainError) as refused:
        bid_budget_line_add(
            actor=admin_of(bid.provider),
            bid=bid,
            category="transport",
            description="Fuel",
            amount=100,
        )
    assert refused.value.code == "deadline_passed"
    assert bid.budget_lines.count() == 1


# PostgreSQL: the real trigger, real commits.


@contextmanager
def slow_commit(state, seconds):
    """Hold the transaction that saves a bid in ``state`` open for ``seconds`` before it can
    commit, as a slow request would."""

    def pause(sender, instance, **kwargs):
        if instance.state == state:
            time.sleep(seconds)

    post_save.connect(pause, sender=Bid, weak=False)
    try:
        yield
    finally:
        post_save.disconnect(pause, sender=Bid)


def _nothing_stored(bid, action):
    bid.refresh_from_db()
    assert not history(bid).filter(action=action).exists()
    assert not OutboxMessage.objects.filter(event__startswith="tenders.bid_").exists()
    return bid


@pytest.mark.django_db(transaction=True)
def test_a_submission_committing_before_the_deadline_is_accepted(postgres):
    deadline = database_now() + timedelta(seconds=5)
    bid = _bid(deadline)
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    stored = Bid.objects.get(pk=bid.pk)
    assert stored.state == Bid.State.SUBMITTED
    assert stored.submitted_at == submitted.submitted_at < deadline
    assert history(bid).filter(action="submit").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_submission_committing_after_the_deadline_is_refused_and_nothing_stored(postgres):
    deadline = database_now() + timedelta(seconds=2)
    bid = _bid(deadline)
    with slow_commit("submitted", 2.5), pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)
    assert refused.value.code == "deadline_passed"
    stored = _nothing_stored(bid, "submit")
    assert stored.state == Bid.State.DRAFT
    assert stored.submitted_at is None and stored.content_sha256 == ""


@pytest.mark.django_db(transaction=True)
def test_a_caller_transaction_committing_after_the_deadline_is_refused(postgres):
    deadline = database_now() + timedelta(seconds=2)
    bid = _bid(deadline)
    with pytest.raises(IntegrityError, match="deadline"), transaction.atomic():
        bid_submit(actor=admin_of(bid.provider), bid=bid)
        time.sleep(2.5)
    assert _nothing_stored(bid, "submit").state == Bid.State.DRAFT


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_committing_after_the_deadline_is_refused(postgres):
    deadline = database_now() + timedelta(seconds=3)
    bid = _bid(deadline)
    bid_submit(actor=admin_of(bid.provider), bid=bid)
    OutboxMessage.objects.all().delete()
    with slow_commit("withdrawn", 3.5), pytest.raises(DomainError, match="deadline_passed"):
        bid_withdraw(actor=admin_of(bid.provider), bid=bid, seen_state="submitted")
    assert _nothing_stored(bid, "withdraw").state == Bid.State.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_a_reconfirmation_committing_after_the_deadline_is_refused(postgres):
    deadline = database_now() + timedelta(seconds=3)
    bid = _bid(deadline)
    bid_submit(actor=admin_of(bid.provider), bid=bid)
    Bid.objects.filter(pk=bid.pk).update(needs_reconfirmation=True)
    OutboxMessage.objects.all().delete()

    def pause(sender, instance, update_fields=None, **kwargs):
        if update_fields and "needs_reconfirmation" in update_fields:
            time.sleep(3.5)

    post_save.connect(pause, sender=Bid, weak=False)
    try:
        with pytest.raises(DomainError, match="deadline_passed"):
            bid_reconfirm(actor=admin_of(bid.provider), bid=bid)
    finally:
        post_save.disconnect(pause, sender=Bid)
    assert _nothing_stored(bid, "reconfirmed").needs_reconfirmation


@pytest.mark.django_db(transaction=True)
def test_the_database_clock_decides_not_the_application_clock(postgres):
    deadline = database_now() - timedelta(seconds=1)
    bid = _bid(deadline + timedelta(days=1))
    Tender.objects.filter(pk=bid.tender_id).update(submission_deadline=deadline)
    with time_machine.travel(deadline - timedelta(hours=1)):
        with pytest.raises(DomainError, match="deadline_passed"):
            bid_submit(actor=admin_of(bid.provider), bid=bid)
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.DRAFT


@pytest.mark.django_db(transaction=True)
def test_changes_after_the_deadline_that_are_not_submissions_pass_the_trigger(postgres):
    deadline = database_now() + timedelta(seconds=2)
    tender = bid_ready_tender(submission_deadline=deadline)
    submitted = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    draft = BidFactory(tender=tender, provider=eligible_provider(tender))
    bid_submit(actor=admin_of(submitted.provider), bid=submitted)
    time.sleep(2.1)
    opened = tender_open_bids(tender=tender)
    assert opened.state == Tender.State.CLOSED
    assert Bid.objects.get(pk=draft.pk).state == Bid.State.DISCARDED
    Bid.objects.filter(pk=submitted.pk).update(needs_reconfirmation=True)
    assert Bid.objects.get(pk=submitted.pk).state == Bid.State.SUBMITTED


@pytest.mark.django_db(transaction=True)
def test_the_closing_sweep_waits_for_a_submission_in_progress(postgres):
    """A submission holds the tender row (FOR SHARE) until it commits: the sweep skips the
    tender meanwhile; the submission, committing after the deadline, is refused; the next sweep
    opens the tender without it."""
    deadline = database_now() + timedelta(seconds=2)
    bid = _bid(deadline)
    paused, release = threading.Event(), threading.Event()
    outcome = {}

    def hold(sender, instance, **kwargs):
        if instance.state == Bid.State.SUBMITTED and threading.current_thread().name == "bidder":
            paused.set()
            release.wait(timeout=20)

    def submit():
        try:
            outcome["result"] = bid_submit(actor=admin_of(bid.provider), bid=bid)
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcome["result"] = error
        finally:
            connection.close()

    post_save.connect(hold, sender=Bid, weak=False)
    bidder = threading.Thread(target=submit, name="bidder")
    try:
        bidder.start()
        assert paused.wait(timeout=20)
        time.sleep(max(0, (deadline - database_now()).total_seconds()) + 0.2)
        sweep = sweeps.registered()["tenders.open_bids"]
        assert sweeps.run(sweep, timezone.now()) == 0
        assert Tender.objects.get(pk=bid.tender_id).state == Tender.State.PUBLISHED
        release.set()
        bidder.join(timeout=20)
    finally:
        release.set()
        post_save.disconnect(hold, sender=Bid)
    assert isinstance(outcome["result"], DomainError), outcome
    assert outcome["result"].code == "deadline_passed"
    assert sweeps.run(sweep, timezone.now()) == 1
    assert Tender.objects.get(pk=bid.tender_id).state == Tender.State.UNSUCCESSFUL
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.DISCARDED


@pytest.mark.django_db(transaction=True)
def test_bids_on_one_tender_are_submitted_side_by_side(postgres):
    """A submission holds the tender row only shared: another organisation's submission on the
    same tender goes through while the first is still in progress."""
    tender = bid_ready_tender(submission_deadline=database_now() + timedelta(hours=1))
    first, second = (
        BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
        for _ in range(2)
    )
    paused, release = threading.Event(), threading.Event()
    outcome = {}

    def hold(sender, instance, **kwargs):
        if instance.state == Bid.State.SUBMITTED and threading.current_thread().name == "first":
            paused.set()
            release.wait(timeout=20)

    def submit(bid):
        try:
            outcome[threading.current_thread().name] = bid_submit(
                actor=admin_of(bid.provider), bid=bid
            ).state
        finally:
            connection.close()

    post_save.connect(hold, sender=Bid, weak=False)
    threads = [
        threading.Thread(target=submit, args=(bid,), name=name)
        for name, bid in (("first", first), ("second", second))
    ]
    try:
        threads[0].start()
        assert paused.wait(timeout=20)
        threads[1].start()
        threads[1].join(timeout=5)
        assert outcome.get("second") == Bid.State.SUBMITTED
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=20)
        post_save.disconnect(hold, sender=Bid)
    assert outcome["first"] == Bid.State.SUBMITTED


@pytest.mark.django_db
def test_a_bid_on_a_closed_tender_is_refused_saying_the_tender_is_not_open():
    bid = _bid(timezone.now() + timedelta(days=1))
    tender = bid.tender
    tender.close()
    tender.save()

    with translation.override("ru"), pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)

    assert refused.value.code == "tender_not_open"
    with translation.override("ru"):
        assert str(refused.value.message) == "По этому конкурсу приём заявок не ведётся."
    assert Bid.objects.get(pk=bid.pk).state == Bid.State.DRAFT


@pytest.mark.django_db
def test_a_submission_after_the_deadline_is_told_the_deadline_has_passed():
    bid = _bid(database_now() + timedelta(days=1))
    Tender.objects.filter(pk=bid.tender_id).update(
        submission_deadline=database_now() - timedelta(seconds=1)
    )

    with translation.override("ru"), pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)

    assert refused.value.code == "deadline_passed"
    with translation.override("en"):
        assert str(refused.value.message) == "The submission deadline has passed."


@pytest.mark.django_db
def test_the_receipt_time_is_the_database_clocks_not_the_application_clocks(postgres):
    bid = _bid(database_now() + timedelta(days=1))
    before = database_now()

    with time_machine.travel(before - timedelta(hours=1)):
        submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)

    assert before <= submitted.submitted_at <= database_now()
