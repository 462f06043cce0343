"""The verification workflow: submit by the organisation, decisions by officers."""

import pytest
from django.db import transaction

from providers.models import MemberRole, ProviderState
from providers.services import (
    provider_reinstate,
    provider_reject,
    provider_return,
    provider_submit,
    provider_suspend,
    provider_verify,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

# service, starting state, target state, text arguments, event
DECISIONS = [
    (provider_verify, "submitted", "verified", {}, "providers.verified"),
    (
        provider_return,
        "submitted",
        "returned",
        {"comments": "Attach the bank details."},
        "providers.returned",
    ),
    (provider_reject, "submitted", "rejected", {"reason": "Not an NGO."}, "providers.rejected"),
    (
        provider_suspend,
        "verified",
        "suspended",
        {"reason": "Audit report overdue."},
        "providers.suspended",
    ),
    (provider_reinstate, "suspended", "verified", {}, "providers.reinstated"),
]
ids = [case[0].__name__ for case in DECISIONS]


def make(state, **extra):
    return ProviderFactory(**{state: True}, **extra)


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
def test_an_officer_moves_the_organisation_to_the_target_state(
    officer, service, source, target, text, event
):
    provider = make(source)

    row = service(actor=officer, provider=provider, **text)

    row.refresh_from_db()
    assert row.state == target


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
def test_a_decision_from_a_wrong_state_is_refused_and_changes_nothing(
    officer, service, source, target, text, event
):
    provider = make("draft")

    with pytest.raises(DomainError) as error:
        service(actor=officer, provider=provider, **text)

    assert error.value.code == "not_allowed"
    provider.refresh_from_db()
    assert provider.state == ProviderState.DRAFT
    assert not history(provider).filter(action=service.__name__).exists()


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
@pytest.mark.parametrize("who", ["org_admin", "evaluator", "officer_in_the_org"])
def test_a_decision_by_someone_who_may_not_is_refused(service, source, target, text, event, who):
    provider = make(source)
    actor = {
        "org_admin": lambda: admin_of(provider),
        "evaluator": lambda: UserFactory(evaluator=True),
        "officer_in_the_org": lambda: member_of(
            provider, MemberRole.VIEWER, roles=["procurement_officer"]
        ),
    }[who]()

    with pytest.raises(DomainError) as error:
        service(actor=actor, provider=provider, **text)

    assert error.value.code == "forbidden"
    provider.refresh_from_db()
    assert provider.state == source


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
def test_repeating_a_decision_does_nothing_more(officer, service, source, target, text, event):
    provider = make(source)

    service(actor=officer, provider=provider, **text)
    again = service(actor=officer, provider=provider, **text)

    assert again.state == target
    assert history(provider).filter(target_state=target).count() == 1
    assert OutboxMessage.objects.filter(event=event).count() == 2  # email + in-app, once


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
def test_a_decision_writes_an_audit_entry_with_the_officer_and_the_text(
    officer, service, source, target, text, event
):
    provider = make(source)

    service(actor=officer, provider=provider, **text)

    entry = history(provider).get(target_state=target)
    assert (entry.actor, entry.source_state) == (officer, source)
    assert entry.note == next(iter(text.values()), "")


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
def test_a_decision_tells_the_organisation_admins_after_commit(
    officer, service, source, target, text, event, django_capture_on_commit_callbacks
):
    provider = make(source)
    editor = member_of(provider, MemberRole.EDITOR)

    with django_capture_on_commit_callbacks() as callbacks:
        service(actor=officer, provider=provider, **text)
        rows = OutboxMessage.objects.filter(event=event)
        assert set(rows.values_list("recipient", flat=True)) == {admin_of(provider).pk}
        assert not rows.filter(published_at__isnull=False).exists()
    assert editor.pk not in rows.values_list("recipient", flat=True)
    assert len(callbacks) == 1
    callbacks[0]()
    assert not rows.filter(published_at__isnull=True).exists()


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
def test_a_rolled_back_decision_leaves_no_message(officer, service, source, target, text, event):
    provider = make(source)

    with pytest.raises(RuntimeError), transaction.atomic():
        service(actor=officer, provider=provider, **text)
        raise RuntimeError("the surrounding work failed")

    assert not OutboxMessage.objects.exists()
    provider.refresh_from_db()
    assert provider.state == source


@pytest.mark.parametrize("service, source, target, text, event", DECISIONS, ids=ids)
def test_a_decision_on_a_stale_page_is_a_conflict(officer, service, source, target, text, event):
    provider = make(source)

    with pytest.raises(ConflictError):
        service(actor=officer, provider=provider, seen_state="returned", **text)


@pytest.mark.parametrize(
    "service, source, argument",
    [
        (provider_return, "submitted", "comments"),
        (provider_reject, "submitted", "reason"),
        (provider_suspend, "verified", "reason"),
    ],
)
def test_return_reject_and_suspend_need_a_text(officer, service, source, argument):
    provider = make(source)

    with pytest.raises(DomainError) as error:
        service(actor=officer, provider=provider, **{argument: "   "})

    assert (error.value.code, error.value.field) == (f"{argument}_required", argument)
    provider.refresh_from_db()
    assert provider.state == source


def test_the_officers_comments_are_kept_for_the_organisation(officer):
    provider = make("submitted")

    provider_return(actor=officer, provider=provider, comments="  Attach the charter.  ")

    provider.refresh_from_db()
    assert provider.review_comments == "Attach the charter."


def test_a_system_administrator_may_decide_too():
    provider = make("submitted")

    provider_verify(actor=UserFactory(system_admin=True), provider=provider)

    provider.refresh_from_db()
    assert provider.is_verified and provider.verified_at is not None


# Submitting


def test_an_admin_submits_a_complete_draft_and_the_officers_are_told(
    officer, django_capture_on_commit_callbacks
):
    provider = ProviderFactory(draft=True, complete=True)
    other_officer = UserFactory(procurement_officer=True)
    UserFactory(evaluator=True)

    with django_capture_on_commit_callbacks() as callbacks:
        row = provider_submit(actor=admin_of(provider), provider=provider)
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert row.state == ProviderState.SUBMITTED and row.submitted_at is not None
    recipients = set(
        OutboxMessage.objects.filter(event="providers.submitted").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {officer.pk, other_officer.pk}
    assert len(callbacks) == 1


def test_a_returned_organisation_may_submit_again(officer):
    provider = ProviderFactory(returned=True, complete=True)

    provider_submit(actor=admin_of(provider), provider=provider)

    provider.refresh_from_db()
    assert provider.state == ProviderState.SUBMITTED


def test_an_incomplete_organisation_cannot_submit_and_is_told_what_is_missing():
    provider = ProviderFactory(draft=True)

    with pytest.raises(DomainError) as error:
        provider_submit(actor=admin_of(provider), provider=provider)

    assert error.value.code == "incomplete"
    assert "Charter" in str(error.value.message)
    assert "service type" in str(error.value.message)
    provider.refresh_from_db()
    assert provider.state == ProviderState.DRAFT


def test_submitting_from_a_wrong_state_is_refused():
    provider = ProviderFactory(verified=True, complete=True)

    with pytest.raises(DomainError) as error:
        provider_submit(actor=admin_of(provider), provider=provider)

    assert error.value.code == "not_allowed"


@pytest.mark.parametrize("role", [MemberRole.EDITOR, MemberRole.VIEWER])
def test_only_an_admin_of_the_organisation_submits(role):
    provider = ProviderFactory(draft=True, complete=True)

    with pytest.raises(DomainError) as error:
        provider_submit(actor=member_of(provider, role), provider=provider)
    with pytest.raises(DomainError):
        provider_submit(actor=admin_of(ProviderFactory()), provider=provider)

    assert error.value.code == "forbidden"
    provider.refresh_from_db()
    assert provider.state == ProviderState.DRAFT


def test_submitting_twice_does_nothing_more(officer):
    provider = ProviderFactory(draft=True, complete=True)
    admin = admin_of(provider)

    provider_submit(actor=admin, provider=provider)
    provider_submit(actor=admin, provider=provider)

    assert history(provider).filter(action="submit").count() == 1
    assert OutboxMessage.objects.filter(event="providers.submitted").count() == 2


def test_submitting_writes_an_audit_entry():
    provider = ProviderFactory(draft=True, complete=True)
    admin = admin_of(provider)

    provider_submit(actor=admin, provider=provider)

    entry = history(provider).get(action="submit")
    assert (entry.actor, entry.source_state, entry.target_state) == (admin, "draft", "submitted")


def test_a_rolled_back_submission_leaves_no_message(officer):
    provider = ProviderFactory(draft=True, complete=True)

    with pytest.raises(RuntimeError), transaction.atomic():
        provider_submit(actor=admin_of(provider), provider=provider)
        raise RuntimeError("the surrounding work failed")

    assert not OutboxMessage.objects.exists()
