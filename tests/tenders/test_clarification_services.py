"""Clarification questions: asking before the deadline, answering for everyone, reminders."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from providers.models import MemberRole, ProviderState
from tenders.models import Bid, Clarification, Tender
from tenders.services.amendment import tender_amend
from tenders.services.clarification import (
    clarification_answer,
    clarification_ask,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from tests.factories.tenders import ClarificationFactory, TenderFactory
from tests.tenders.tender_support import bid_in, recipients
from workflows import sweeps
from workflows.audit import history
from workflows.delivery import deliver
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender():
    return TenderFactory(published=True)


@pytest.fixture
def provider():
    return ProviderFactory(verified=True)


def ask(tender, provider, question="Can volunteers deliver part of the service?", actor=None):
    return clarification_ask(
        actor=actor or admin_of(provider), tender=tender, provider=provider, question=question
    )


# Asking


def test_a_verified_organisation_asks_and_the_officer_is_told_after_commit(
    tender, provider, django_capture_on_commit_callbacks
):
    editor = member_of(provider, MemberRole.EDITOR)

    with django_capture_on_commit_callbacks() as callbacks:
        clarification = ask(tender, provider, actor=editor)
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert (clarification.provider, clarification.asked_by) == (provider, editor)
    assert clarification.answered_at is None
    assert recipients("tenders.question_asked") == {tender.created_by.pk}
    assert len(callbacks) == 1
    assert history(clarification).get().action == "ask"


def test_a_question_after_the_questions_deadline_is_refused_with_the_deadline(
    tender, provider, time_machine
):
    time_machine.move_to(tender.questions_deadline, tick=False)

    with pytest.raises(DomainError) as error:
        ask(tender, provider)

    assert error.value.code == "questions_closed"
    assert str(error.value.message).startswith("The deadline for questions was ")
    assert "(Ashgabat time, UTC+05:00)" in str(error.value.message)
    assert not Clarification.objects.exists()


@pytest.mark.parametrize("state", [ProviderState.SUBMITTED, ProviderState.SUSPENDED])
def test_an_organisation_that_is_not_verified_may_not_ask(tender, state):
    provider = ProviderFactory(state=state)

    with pytest.raises(DomainError) as error:
        ask(tender, provider)

    assert error.value.code == "not_verified"


def test_a_viewer_or_an_outsider_may_not_ask_for_the_organisation(tender, provider):
    viewer = member_of(provider, MemberRole.VIEWER)

    for actor in (viewer, UserFactory()):
        with pytest.raises(DomainError) as error:
            ask(tender, provider, actor=actor)
        assert error.value.code == "forbidden"


@pytest.mark.parametrize("trait", ["draft", "closed", "cancelled"])
def test_questions_are_only_taken_while_the_tender_is_open(provider, trait):
    tender = TenderFactory(**{trait: True})

    with pytest.raises(DomainError) as error:
        ask(tender, provider)

    assert error.value.code == "not_open"


def test_asking_the_same_question_twice_records_it_once(tender, provider):
    first = ask(tender, provider)
    second = ask(tender, provider)

    assert first.pk == second.pk
    assert Clarification.objects.count() == 1


def test_an_empty_question_is_refused(tender, provider):
    with pytest.raises(DomainError) as error:
        ask(tender, provider, question="   ")

    assert (error.value.code, error.value.field) == ("question_required", "question")


# Answering


def test_an_answer_is_published_and_sent_to_bidders_and_the_asker_after_commit(
    tender, provider, django_capture_on_commit_callbacks
):
    asker = member_of(provider, MemberRole.EDITOR)
    clarification = ask(tender, provider, actor=asker)
    told = [bid_in(tender, state) for state in (Bid.State.DRAFT, Bid.State.SUBMITTED)]
    not_told = [bid_in(tender, state) for state in (Bid.State.WITHDRAWN, Bid.State.DISCARDED)]

    with django_capture_on_commit_callbacks() as callbacks:
        row = clarification_answer(
            actor=tender.created_by, clarification=clarification, answer=" Yes, supervised. "
        )
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert (row.answer, row.answered_by) == ("Yes, supervised.", tender.created_by)
    assert row.answered_at is not None
    expected = {admin_of(bid.provider).pk for bid in told} | {asker.pk, admin_of(provider).pk}
    assert recipients("tenders.question_answered") == expected
    assert not {admin_of(bid.provider).pk for bid in not_told} & expected
    assert len(callbacks) == 1


def test_answering_writes_an_audit_entry(tender, provider):
    clarification = ask(tender, provider)

    clarification_answer(actor=tender.created_by, clarification=clarification, answer="Yes.")

    entry = history(clarification).get(action="answer")
    assert entry.actor == tender.created_by


def test_the_answer_sent_to_bidders_does_not_name_who_asked(tender, mailoutbox):
    provider = ProviderFactory(verified=True, name_en="Yenme association")
    clarification = ask(tender, provider)
    bidder = bid_in(tender, Bid.State.DRAFT)

    clarification_answer(actor=tender.created_by, clarification=clarification, answer="Yes.")
    for pk in OutboxMessage.objects.filter(event="tenders.question_answered").values_list(
        "pk", flat=True
    ):
        deliver(pk)

    mail = next(m for m in mailoutbox if m.to == [admin_of(bidder.provider).email])
    assert "Can volunteers deliver part of the service?" in mail.body
    assert "Yes." in mail.body
    assert "Yenme" not in mail.body + mail.subject
    assert admin_of(provider).full_name not in mail.body


def test_answering_twice_keeps_the_first_answer_and_sends_nothing_more(tender, provider):
    clarification = ask(tender, provider)
    clarification_answer(actor=tender.created_by, clarification=clarification, answer="First")
    messages = OutboxMessage.objects.count()

    row = clarification_answer(
        actor=tender.created_by, clarification=clarification, answer="Second"
    )

    assert row.answer == "First"
    assert OutboxMessage.objects.count() == messages


def test_only_the_tenders_officer_may_answer(tender, provider):
    clarification = ask(tender, provider)

    for actor in (UserFactory(procurement_officer=True), admin_of(provider)):
        with pytest.raises(DomainError) as error:
            clarification_answer(actor=actor, clarification=clarification, answer="Yes")
        assert error.value.code == "forbidden"


def test_a_question_on_a_cancelled_tender_is_not_answered():
    clarification = ClarificationFactory(tender=TenderFactory(cancelled=True))

    with pytest.raises(DomainError) as error:
        clarification_answer(
            actor=clarification.tender.created_by, clarification=clarification, answer="Yes"
        )

    assert error.value.code == "not_open"


def test_an_empty_answer_is_refused(tender, provider):
    clarification = ask(tender, provider)

    with pytest.raises(DomainError) as error:
        clarification_answer(actor=tender.created_by, clarification=clarification, answer=" ")

    assert (error.value.code, error.value.field) == ("answer_required", "answer")


def test_a_rolled_back_answer_leaves_no_message(tender, provider):
    clarification = ask(tender, provider)
    OutboxMessage.objects.all().delete()

    with pytest.raises(RuntimeError), transaction.atomic():
        clarification_answer(actor=tender.created_by, clarification=clarification, answer="Yes")
        raise RuntimeError("the surrounding work failed")

    assert not OutboxMessage.objects.exists()
    assert Clarification.objects.get(pk=clarification.pk).answered_at is None


# Reminders


def run_reminders(now):
    return sweeps.run(sweeps.registered()["tenders.questions_reminder"], now)


def reminders():
    return OutboxMessage.objects.filter(event="tenders.questions_reminder")


def test_the_officer_is_reminded_of_unanswered_questions_two_days_before_the_deadline(
    tender, provider, time_machine
):
    ask(tender, provider)
    ClarificationFactory(tender=tender, answered=True)

    three_days_before = tender.questions_deadline - datetime.timedelta(days=3)
    time_machine.move_to(three_days_before, tick=False)
    assert run_reminders(timezone.now()) == 0

    two_days_before = tender.questions_deadline - datetime.timedelta(days=2)
    time_machine.move_to(two_days_before, tick=False)
    assert run_reminders(timezone.now()) == 1

    assert set(reminders().values_list("recipient", flat=True)) == {tender.created_by.pk}
    assert reminders().first().context["unanswered"] == 1
    assert history(tender).filter(action="questions_reminder").count() == 1


def test_a_second_sweep_sends_no_second_reminder(tender, provider, time_machine):
    ask(tender, provider)
    time_machine.move_to(tender.questions_deadline - datetime.timedelta(days=1), tick=False)
    run_reminders(timezone.now())
    sent = reminders().count()

    assert run_reminders(timezone.now()) == 0
    time_machine.move_to(tender.questions_deadline - datetime.timedelta(hours=2), tick=False)
    assert run_reminders(timezone.now()) == 0
    assert reminders().count() == sent == 2


def test_no_reminder_when_every_question_is_answered_or_the_deadline_passed(
    tender, provider, time_machine
):
    ClarificationFactory(tender=tender, answered=True)
    questions_closed = TenderFactory(
        published=True, questions_deadline=timezone.now() + datetime.timedelta(days=5)
    )
    ask(questions_closed, provider)

    time_machine.move_to(tender.questions_deadline - datetime.timedelta(days=1), tick=False)

    assert run_reminders(timezone.now()) == 0
    assert not reminders().exists()


def test_an_amended_questions_deadline_gets_its_own_reminder(tender, provider, time_machine):
    ask(tender, provider)
    time_machine.move_to(tender.questions_deadline - datetime.timedelta(days=1), tick=False)
    run_reminders(timezone.now())
    new_deadline = tender.questions_deadline + datetime.timedelta(days=3)
    tender_amend(
        actor=tender.created_by,
        tender=Tender.objects.get(pk=tender.pk),
        values={
            "questions_deadline": new_deadline,
            "submission_deadline": tender.submission_deadline + datetime.timedelta(days=5),
        },
        reason="More time for questions and bids.",
    )

    time_machine.move_to(new_deadline - datetime.timedelta(days=1), tick=False)

    assert run_reminders(timezone.now()) == 1
    assert reminders().count() == 4
