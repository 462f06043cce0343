import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from providers.models import MemberRole, StaffMember
from tenders.models import Bid, BidBudgetLine, BidSection
from tenders.services.bid_checks import IncompleteBid
from tenders.services.bid_receipt import bid_digest, canonical_document
from tenders.services.bid_submission import (
    bid_discard,
    bid_reconfirm,
    bid_submit,
    bid_withdraw,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of, member_of
from tests.factories.tenders import BidFactory, bid_ready_tender, eligible_provider
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    return bid_ready_tender()


@pytest.fixture
def bid(tender):
    provider = eligible_provider(tender)
    return BidFactory(tender=tender, provider=provider, complete=True)


def test_submit_records_receipt_time_and_digest(bid, django_capture_on_commit_callbacks):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    submitted.refresh_from_db()
    assert submitted.state == Bid.State.SUBMITTED
    assert before <= submitted.submitted_at <= timezone.now()
    assert submitted.content_sha256 == bid_digest(submitted, submitted.tender)[0]


def test_the_digest_is_sha256_of_the_documented_canonical_json(bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    document = canonical_document(submitted, submitted.tender)
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(text.encode("utf-8")).hexdigest() == submitted.content_sha256
    assert document["tender"] == bid.tender.reference
    assert document["provider"] == bid.provider_id
    assert [d["sha256"] for d in document["documents"]] == [d.sha256 for d in bid.documents.all()]
    assert len(document["sections"]) == bid.tender.criteria.count()
    assert document["budget_lines"][0]["amount"] == "120000.00"


def test_submit_writes_the_audit_entry(bid):
    bid_submit(actor=admin_of(bid.provider), bid=bid)
    entry = history(bid).get(action="submit")
    bid.refresh_from_db()
    assert (entry.source_state, entry.target_state) == ("draft", "submitted")
    assert entry.actor == admin_of(bid.provider)
    assert entry.data["sha256"] == bid.content_sha256


def test_the_receipt_mail_is_written_only_on_commit(bid, django_capture_on_commit_callbacks):
    editor = member_of(bid.provider, MemberRole.EDITOR)
    with django_capture_on_commit_callbacks() as callbacks:
        bid_submit(actor=editor, bid=bid)
    messages = OutboxMessage.objects.filter(event="tenders.bid_submitted", channel="email")
    assert set(messages.values_list("recipient", flat=True)) == {
        editor.pk,
        admin_of(bid.provider).pk,
    }
    assert messages.filter(published_at__isnull=False).count() == 0
    assert len(callbacks) == 1
    context = messages.first().context
    bid.refresh_from_db()
    assert context["sha256"] == bid.content_sha256
    assert context["document_digests"] == [d.sha256 for d in bid.documents.all()]


def test_the_receipt_mail_holds_no_bid_content(bid):
    bid_submit(actor=admin_of(bid.provider), bid=bid)
    for message in OutboxMessage.objects.filter(event="tenders.bid_submitted"):
        text = json.dumps(message.context, ensure_ascii=False)
        assert "Our approach" not in text
        assert "social workers" not in text
        assert "work-plan" not in text


def test_a_repeated_submit_does_nothing(bid):
    first = bid_submit(actor=admin_of(bid.provider), bid=bid)
    again = bid_submit(actor=admin_of(bid.provider), bid=bid, seen_state="draft")
    assert again.submitted_at == first.submitted_at
    assert history(bid).filter(action="submit").count() == 1
    assert OutboxMessage.objects.filter(event="tenders.bid_submitted").count() == 2


def test_a_viewer_may_not_submit(bid):
    viewer = member_of(bid.provider, MemberRole.VIEWER)
    with pytest.raises(DomainError) as refused:
        bid_submit(actor=viewer, bid=bid)
    assert refused.value.code == "forbidden"
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT


def test_a_member_of_another_organisation_may_not_submit(bid):
    other = eligible_provider(bid.tender)
    with pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(other), bid=bid)
    assert refused.value.code == "forbidden"


def test_a_discarded_bid_cannot_be_submitted(tender):
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)
    bid_discard(bid=bid, tender=tender)
    with pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid, seen_state="discarded")
    assert refused.value.code == "not_allowed"


def test_a_stale_page_is_refused(bid):
    with pytest.raises(ConflictError):
        bid_submit(actor=admin_of(bid.provider), bid=bid, seen_state="withdrawn")


def test_submit_lists_every_failure_at_once(tender):
    provider = eligible_provider(tender)
    bid = BidFactory(tender=tender, provider=provider)
    provider.documents.all().delete()
    with pytest.raises(IncompleteBid) as refused:
        bid_submit(actor=admin_of(provider), bid=bid)
    codes = {failure.code for failure in refused.value.failures}
    assert {f"unanswered:{c.pk}" for c in tender.criteria.all()} <= codes
    assert {"no_staff", "no_budget", "proposed_trained_staff", "missing_document:charter"} <= codes
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT
    assert not history(bid).filter(action="submit").exists()


def test_a_budget_above_the_ceiling_is_refused_at_submission(bid):
    BidBudgetLine.objects.create(
        bid=bid, category="other", description="Vehicle", amount=Decimal("400000")
    )
    with pytest.raises(IncompleteBid) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)
    assert [f.code for f in refused.value.failures] == ["over_ceiling"]


def test_proposed_staff_without_training_do_not_count(bid):
    proposed = bid.staff.get()
    proposed.staff_member.training_records.all().delete()
    with pytest.raises(IncompleteBid) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)
    assert "proposed_trained_staff" in {f.code for f in refused.value.failures}


def test_an_unverified_organisation_cannot_submit(bid):
    provider = bid.provider
    provider.suspend(reason="Audit report overdue.")
    provider.save()
    with pytest.raises(IncompleteBid) as refused:
        bid_submit(actor=admin_of(provider), bid=bid)
    assert "not_verified" in {f.code for f in refused.value.failures}


def test_submission_copies_staff_details_so_roster_edits_do_not_change_the_bid(bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    person = submitted.staff.get().staff_member
    StaffMember.objects.filter(pk=person.pk).update(full_name="Renamed Person")
    assert bid_digest(submitted, submitted.tender)[0] == submitted.content_sha256
    assert submitted.staff.get().full_name == person.full_name


def test_withdraw_then_change_and_submit_again_recomputes_the_digest(
    bid, django_capture_on_commit_callbacks
):
    admin = admin_of(bid.provider)
    first = bid_submit(actor=admin, bid=bid)
    with django_capture_on_commit_callbacks() as callbacks:
        withdrawn = bid_withdraw(actor=admin, bid=first)
    assert len(callbacks) == 1
    assert withdrawn.state == Bid.State.WITHDRAWN
    assert withdrawn.content_sha256 == "" and withdrawn.submitted_at is None
    assert OutboxMessage.objects.filter(event="tenders.bid_withdrawn", recipient=admin).exists()
    section = BidSection.objects.filter(bid=bid).first()
    section.text = "A better approach"
    section.save()
    again = bid_submit(actor=admin, bid=withdrawn)
    assert again.state == Bid.State.SUBMITTED
    assert again.content_sha256 not in ("", first.content_sha256)
    assert history(bid).filter(action="submit").count() == 2


def test_withdraw_writes_the_audit_entry_and_a_repeat_does_nothing(bid):
    admin = admin_of(bid.provider)
    submitted = bid_submit(actor=admin, bid=bid)
    bid_withdraw(actor=admin, bid=submitted)
    bid_withdraw(actor=admin, bid=submitted)
    entries = history(bid).filter(action="withdraw")
    assert entries.count() == 1
    assert (entries[0].source_state, entries[0].target_state) == ("submitted", "withdrawn")


def test_a_draft_cannot_be_withdrawn(bid):
    with pytest.raises(DomainError) as refused:
        bid_withdraw(actor=admin_of(bid.provider), bid=bid)
    assert refused.value.code == "not_allowed"


def test_a_viewer_may_not_withdraw(bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    with pytest.raises(DomainError) as refused:
        bid_withdraw(actor=member_of(bid.provider, MemberRole.VIEWER), bid=submitted)
    assert refused.value.code == "forbidden"


def test_withdrawal_after_the_tender_closed_is_refused(bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    tender = submitted.tender
    tender.close()
    tender.save()
    with pytest.raises(DomainError) as refused:
        bid_withdraw(actor=admin_of(bid.provider), bid=submitted)
    assert refused.value.code == "tender_not_open"


def _amended(bid):
    Bid.objects.filter(pk=bid.pk).update(needs_reconfirmation=True)
    bid.refresh_from_db()
    return bid


def test_reconfirm_clears_the_mark_and_keeps_receipt_and_digest(
    bid, django_capture_on_commit_callbacks
):
    admin = admin_of(bid.provider)
    submitted = _amended(bid_submit(actor=admin, bid=bid))
    with django_capture_on_commit_callbacks() as callbacks:
        confirmed = bid_reconfirm(actor=admin, bid=submitted)
    assert len(callbacks) == 1
    confirmed.refresh_from_db()
    assert not confirmed.needs_reconfirmation
    assert confirmed.submitted_at == submitted.submitted_at
    assert confirmed.content_sha256 == submitted.content_sha256
    entry = history(bid).get(action="reconfirmed")
    assert entry.actor == admin and entry.data["sha256"] == submitted.content_sha256
    assert OutboxMessage.objects.filter(event="tenders.bid_reconfirmed").exists()


def test_a_repeated_reconfirm_does_nothing(bid):
    admin = admin_of(bid.provider)
    submitted = _amended(bid_submit(actor=admin, bid=bid))
    bid_reconfirm(actor=admin, bid=submitted)
    bid_reconfirm(actor=admin, bid=submitted)
    assert history(bid).filter(action="reconfirmed").count() == 1


def test_reconfirm_checks_the_bid_against_the_amended_tender(bid):
    admin = admin_of(bid.provider)
    submitted = _amended(bid_submit(actor=admin, bid=bid))
    tender = submitted.tender
    tender.budget_ceiling = Decimal("1000.00")
    tender.save(update_fields=["budget_ceiling"])
    with pytest.raises(IncompleteBid) as refused:
        bid_reconfirm(actor=admin, bid=submitted)
    assert [f.code for f in refused.value.failures] == ["over_ceiling"]
    assert refused.value.hint
    submitted.refresh_from_db()
    assert submitted.needs_reconfirmation


def test_a_viewer_may_not_reconfirm(bid):
    submitted = _amended(bid_submit(actor=admin_of(bid.provider), bid=bid))
    with pytest.raises(DomainError) as refused:
        bid_reconfirm(actor=member_of(bid.provider, MemberRole.VIEWER), bid=submitted)
    assert refused.value.code == "forbidden"


def test_a_draft_cannot_be_reconfirmed(bid):
    with pytest.raises(DomainError) as refused:
        bid_reconfirm(actor=admin_of(bid.provider), bid=_amended(bid))
    assert refused.value.code == "not_allowed"


def test_discard_tells_the_organisation_on_commit(bid, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        discarded = bid_discard(bid=bid, tender=bid.tender)
    assert discarded.state == Bid.State.DISCARDED
    assert len(callbacks) == 1
    entry = history(bid).get(action="discard")
    assert entry.actor is None and entry.target_state == "discarded"
    assert OutboxMessage.objects.filter(
        event="tenders.bid_discarded", recipient=admin_of(bid.provider)
    ).exists()
    bid_discard(bid=bid, tender=bid.tender)
    assert history(bid).filter(action="discard").count() == 1


def test_a_submitted_bid_cannot_be_discarded(bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid)
    with pytest.raises(DomainError) as refused:
        bid_discard(bid=submitted, tender=submitted.tender)
    assert refused.value.code == "not_allowed"


def test_an_outsider_with_a_staff_role_may_not_submit(bid):
    with pytest.raises(DomainError) as refused:
        bid_submit(actor=UserFactory(system_admin=True), bid=bid)
    assert refused.value.code == "forbidden"


def test_a_tender_deadline_in_the_past_refuses_submission(bid):
    tender = bid.tender
    tender.submission_deadline = timezone.now() - timedelta(seconds=1)
    tender.save(update_fields=["submission_deadline"])
    with pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid)
    assert refused.value.code == "deadline_passed"
