"""Every notification the registry sends renders, naming the organisation in the reader's
language."""

import pytest

from providers.models import MemberRole, Membership
from providers.services import (
    invitation_accept,
    member_invite,
    member_remove,
    provider_reinstate,
    provider_reject,
    provider_return,
    provider_submit,
    provider_suspend,
    provider_verify,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from workflows.delivery import deliver
from workflows.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def deliver_all():
    for pk in OutboxMessage.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True):
        assert deliver(pk)


def test_every_event_renders_for_email_and_in_app(officer, mailoutbox):
    provider = ProviderFactory(draft=True, complete=True, name_ru="Енме", name_tk="Ýeňme")
    admin = admin_of(provider)
    admin.language = "ru"
    admin.save(update_fields=["language"])
    provider = provider_submit(actor=admin, provider=provider)
    provider = provider_return(
        actor=officer, provider=provider, comments="Attach <the> bank details & stamp"
    )
    provider = provider_submit(actor=admin, provider=provider)
    provider = provider_verify(actor=officer, provider=provider)
    provider = provider_suspend(actor=officer, provider=provider, reason="Audit overdue")
    provider = provider_reinstate(actor=officer, provider=provider)
    invitee = UserFactory()
    invitation = member_invite(actor=admin, provider=provider, email=invitee.email, role="viewer")
    invitation_accept(actor=invitee, token=invitation.token)
    member_remove(actor=admin, membership=Membership.objects.get(user=invitee))
    rejected = ProviderFactory(submitted=True, name_en="Rejected org")
    provider_reject(actor=officer, provider=rejected, reason="Not an NGO")

    deliver_all()

    events = set(OutboxMessage.objects.values_list("event", flat=True))
    assert events == {
        "providers.submitted",
        "providers.returned",
        "providers.verified",
        "providers.suspended",
        "providers.reinstated",
        "providers.invitation",
        "providers.member_joined",
        "providers.member_removed",
        "providers.rejected",
    }
    to_admin = [mail for mail in mailoutbox if mail.to == [admin.email]]
    assert to_admin and all("Енме" in mail.subject for mail in to_admin)
    returned = next(mail for mail in to_admin if "bank details" in mail.body)
    assert "Attach <the> bank details & stamp" in returned.body
    assert Notification.objects.filter(recipient=officer).count() == 2


def test_the_invitation_email_carries_the_link(mailoutbox):
    provider = ProviderFactory()
    member_invite(
        actor=admin_of(provider), provider=provider, email="new@example.org", role="editor"
    )

    deliver_all()

    mail = next(mail for mail in mailoutbox if mail.to == ["new@example.org"])
    assert "/providers/invitations/" in mail.body


def test_a_decision_is_not_sent_to_editors_or_viewers(officer):
    provider = ProviderFactory(submitted=True)
    member_of(provider, MemberRole.EDITOR)
    member_of(provider, MemberRole.VIEWER)

    provider_verify(actor=officer, provider=provider)

    assert set(OutboxMessage.objects.values_list("recipient", flat=True)) == {admin_of(provider).pk}
