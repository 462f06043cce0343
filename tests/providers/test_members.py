"""Invitations, roles and removal of members."""

from datetime import timedelta

import pytest
import time_machine
from django.db import transaction

from portal.models import User
from providers.models import Invitation, MemberRole, Membership
from providers.services import (
    invitation_accept,
    invitation_revoke,
    invitation_sign_up,
    member_change_role,
    member_invite,
    member_remove,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import InvitationFactory, ProviderFactory, admin_of, member_of
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


def invite(provider, email="new.member@example.org", role=MemberRole.EDITOR):
    return member_invite(actor=admin_of(provider), provider=provider, email=email, role=role)


# Inviting


def test_an_admin_invites_someone_without_an_account_who_gets_an_email_after_commit(
    django_capture_on_commit_callbacks,
):
    provider = ProviderFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        invitation = invite(provider, email="New.Member@Example.org")
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()

    assert invitation.email == "new.member@example.org"
    invitee = User.objects.get(email="new.member@example.org")
    assert not invitee.has_usable_password()
    message = OutboxMessage.objects.get(event="providers.invitation", channel="email")
    assert message.recipient == invitee and invitation.token in message.url
    assert len(callbacks) == 1
    entry = history(provider).get(action="member_invite")
    assert entry.data == {"email": "new.member@example.org", "role": "editor"}


def test_inviting_the_same_address_again_returns_the_open_invitation_and_sends_nothing():
    provider = ProviderFactory()

    first = invite(provider)
    second = invite(provider)

    assert first == second
    assert Invitation.objects.count() == 1
    assert OutboxMessage.objects.filter(event="providers.invitation").count() == 2


def test_only_an_admin_of_the_organisation_invites():
    provider = ProviderFactory()

    for actor in (member_of(provider, MemberRole.EDITOR), admin_of(ProviderFactory())):
        with pytest.raises(DomainError) as error:
            member_invite(actor=actor, provider=provider, email="x@example.org", role="viewer")
        assert error.value.code == "forbidden"
    assert not Invitation.objects.filter(provider=provider).exists()


def test_a_member_of_any_organisation_cannot_be_invited():
    provider = ProviderFactory()
    elsewhere = admin_of(ProviderFactory())

    with pytest.raises(DomainError) as error:
        invite(provider, email=elsewhere.email)

    assert (error.value.code, error.value.field) == ("member_elsewhere", "email")


def test_ministry_staff_cannot_be_invited(officer):
    with pytest.raises(DomainError) as error:
        invite(ProviderFactory(), email=officer.email)

    assert error.value.code == "ministry_staff"


def test_a_rolled_back_invitation_leaves_no_message():
    provider = ProviderFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        invite(provider)
        raise RuntimeError("the surrounding work failed")

    assert not OutboxMessage.objects.exists()
    assert not Invitation.objects.exists()


# Accepting


def test_an_invitee_with_an_account_accepts_and_the_admins_are_told():
    provider = ProviderFactory()
    invitee = UserFactory()
    invitation = invite(provider, email=invitee.email, role=MemberRole.VIEWER)

    membership = invitation_accept(actor=invitee, token=invitation.token)

    assert (membership.provider, membership.role) == (provider, MemberRole.VIEWER)
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.accepted_at is not None
    joined = OutboxMessage.objects.filter(event="providers.member_joined")
    assert set(joined.values_list("recipient", flat=True)) == {admin_of(provider).pk}
    assert history(provider).get(action="invitation_accept").actor == invitee


def test_the_admins_hear_of_a_new_member_only_after_commit(django_capture_on_commit_callbacks):
    provider = ProviderFactory()
    invitee = UserFactory()
    invitation = invite(provider, email=invitee.email)

    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_accept(actor=invitee, token=invitation.token)
        raise RuntimeError("the surrounding work failed")
    assert not OutboxMessage.objects.filter(event="providers.member_joined").exists()

    with django_capture_on_commit_callbacks() as callbacks:
        invitation_accept(actor=invitee, token=invitation.token)
        joined = OutboxMessage.objects.filter(event="providers.member_joined")
        assert joined.count() == 2 and not joined.filter(published_at__isnull=False).exists()
    assert len(callbacks) == 1


def test_accepting_twice_changes_nothing():
    provider = ProviderFactory()
    invitee = UserFactory()
    invitation = invite(provider, email=invitee.email)

    first = invitation_accept(actor=invitee, token=invitation.token)
    second = invitation_accept(actor=invitee, token=invitation.token)

    assert first == second
    assert history(provider).filter(action="invitation_accept").count() == 1
    assert OutboxMessage.objects.filter(event="providers.member_joined").count() == 2


def test_someone_else_cannot_use_the_invitation():
    invitation = invite(ProviderFactory())

    with pytest.raises(DomainError) as error:
        invitation_accept(actor=UserFactory(), token=invitation.token)

    assert error.value.code == "wrong_account"
    assert not Membership.objects.filter(provider=invitation.provider, role="editor").exists()


def test_an_expired_or_withdrawn_invitation_cannot_be_accepted():
    provider = ProviderFactory()
    invitee = UserFactory()
    invitation = invite(provider, email=invitee.email)

    with time_machine.travel(invitation.expires_at + timedelta(minutes=1)):
        with pytest.raises(DomainError) as error:
            invitation_accept(actor=invitee, token=invitation.token)
    assert error.value.code == "invitation_closed"

    invitation_revoke(actor=admin_of(provider), invitation=invitation)
    with pytest.raises(DomainError):
        invitation_accept(actor=invitee, token=invitation.token)
    assert not Membership.objects.filter(user=invitee).exists()


def test_an_unknown_token_is_refused():
    with pytest.raises(DomainError) as error:
        invitation_accept(actor=UserFactory(), token="nonsense")

    assert error.value.code == "unknown_invitation"


def test_a_member_of_another_organisation_cannot_accept():
    invitation = InvitationFactory()
    busy = admin_of(ProviderFactory())
    Invitation.objects.filter(pk=invitation.pk).update(email=busy.email)

    with pytest.raises(DomainError) as error:
        invitation_accept(actor=busy, token=invitation.token)

    assert error.value.code == "member_elsewhere"


def test_an_invitee_without_an_account_signs_up_and_joins():
    invitation = invite(ProviderFactory(), email="fresh@example.org")

    membership = invitation_sign_up(
        token=invitation.token, full_name="Ogulgerek Ataýewa", password="a-long-pass-phrase"
    )

    user = membership.user
    assert user.email == "fresh@example.org" and user.full_name == "Ogulgerek Ataýewa"
    assert user.check_password("a-long-pass-phrase")
    assert membership.provider == invitation.provider


def test_signing_up_is_refused_for_an_account_that_has_a_password():
    invitee = UserFactory()
    invitation = invite(ProviderFactory(), email=invitee.email)

    with pytest.raises(DomainError) as error:
        invitation_sign_up(token=invitation.token, full_name="X", password="a-long-pass-phrase")

    assert error.value.code == "has_account"
    invitee.refresh_from_db()
    assert not invitee.check_password("a-long-pass-phrase")


def test_withdrawing_is_for_admins_and_a_repeat_does_nothing():
    provider = ProviderFactory()
    invitation = invite(provider)

    with pytest.raises(DomainError):
        invitation_revoke(actor=member_of(provider, MemberRole.EDITOR), invitation=invitation)
    invitation_revoke(actor=admin_of(provider), invitation=invitation)
    invitation_revoke(actor=admin_of(provider), invitation=invitation)

    assert history(provider).filter(action="invitation_revoke").count() == 1


# Roles and removal


def test_an_admin_changes_a_members_role_with_an_audit_entry():
    provider = ProviderFactory()
    editor = member_of(provider, MemberRole.EDITOR)
    membership = Membership.objects.get(user=editor)

    member_change_role(
        actor=admin_of(provider), membership=membership, role=MemberRole.ADMIN, seen_role="editor"
    )

    membership.refresh_from_db()
    assert membership.role == MemberRole.ADMIN
    entry = history(provider).get(action="member_change_role")
    assert entry.data == {"user": editor.pk, "from": "editor", "to": "admin"}


def test_giving_the_same_role_again_does_nothing():
    provider = ProviderFactory()
    membership = Membership.objects.get(user=member_of(provider, MemberRole.VIEWER))

    member_change_role(actor=admin_of(provider), membership=membership, role=MemberRole.VIEWER)

    assert not history(provider).filter(action="member_change_role").exists()


def test_the_last_admin_cannot_step_down_or_be_removed():
    provider = ProviderFactory()
    admin = admin_of(provider)
    membership = Membership.objects.get(user=admin)

    with pytest.raises(DomainError) as demoted:
        member_change_role(actor=admin, membership=membership, role=MemberRole.EDITOR)
    with pytest.raises(DomainError) as removed:
        member_remove(actor=admin, membership=membership)

    assert demoted.value.code == removed.value.code == "last_admin"
    membership.refresh_from_db()
    assert membership.role == MemberRole.ADMIN


def test_an_admin_may_step_down_while_another_admin_remains():
    provider = ProviderFactory()
    admin = admin_of(provider)
    member_of(provider, MemberRole.ADMIN)

    member_change_role(
        actor=admin, membership=Membership.objects.get(user=admin), role=MemberRole.VIEWER
    )

    assert Membership.objects.get(user=admin).role == MemberRole.VIEWER


def test_a_stale_role_form_is_a_conflict():
    provider = ProviderFactory()
    membership = Membership.objects.get(user=member_of(provider, MemberRole.VIEWER))

    with pytest.raises(ConflictError):
        member_change_role(
            actor=admin_of(provider), membership=membership, role="admin", seen_role="editor"
        )


def test_only_an_admin_of_the_organisation_changes_roles_or_removes():
    provider = ProviderFactory()
    membership = Membership.objects.get(user=member_of(provider, MemberRole.VIEWER))

    for actor in (member_of(provider, MemberRole.EDITOR), admin_of(ProviderFactory())):
        with pytest.raises(DomainError):
            member_change_role(actor=actor, membership=membership, role=MemberRole.ADMIN)
        with pytest.raises(DomainError):
            member_remove(actor=actor, membership=membership)
    assert Membership.objects.filter(pk=membership.pk, role=MemberRole.VIEWER).exists()


def test_removing_a_member_tells_them_after_commit_and_a_repeat_does_nothing(
    django_capture_on_commit_callbacks,
):
    provider = ProviderFactory()
    viewer = member_of(provider, MemberRole.VIEWER)
    membership = Membership.objects.get(user=viewer)

    with django_capture_on_commit_callbacks() as callbacks:
        member_remove(actor=admin_of(provider), membership=membership)
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    member_remove(actor=admin_of(provider), membership=membership)

    assert not Membership.objects.filter(user=viewer).exists()
    assert len(callbacks) == 1
    assert set(
        OutboxMessage.objects.filter(event="providers.member_removed").values_list(
            "recipient", flat=True
        )
    ) == {viewer.pk}
    assert history(provider).filter(action="member_remove").count() == 1


def test_a_removed_member_may_be_invited_by_another_organisation():
    provider = ProviderFactory()
    viewer = member_of(provider, MemberRole.VIEWER)
    member_remove(actor=admin_of(provider), membership=Membership.objects.get(user=viewer))

    invitation = invite(ProviderFactory(), email=viewer.email)

    assert invitation_accept(actor=viewer, token=invitation.token).role == MemberRole.EDITOR
