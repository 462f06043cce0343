"""Members of an organisation: invitations by email, roles, removal.

The outbox addresses users, so inviting an email address without an account creates one with
no usable password; following the link, the invitee signs up by choosing a name and password.
"""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import permissions as portal_permissions
from providers import permissions, selectors
from providers.models import Invitation, MemberRole, Membership
from providers.services.common import lock_provider, organisation_url, provider_context, require
from workflows import audit, outbox
from workflows.errors import ConflictError, DomainError, forbidden
from workflows.outbox import Notice

INVITATION_VALID_FOR = timedelta(days=14)

MEMBER_ELSEWHERE = _("This person already belongs to an organisation in the portal.")
LAST_ADMIN = _("An organisation must keep at least one administrator.")


def member_invite(*, actor, provider, email, role):
    """Invite ``email`` to join ``provider`` with ``role``; organisation admins only.

    Refused when the address belongs to a member of any organisation or to ministry staff.
    Emails the invitee a link valid for 14 days (through the outbox, after commit) and writes an
    audit entry. While an invitation to the same address is open, a repeat returns it and sends
    nothing. Returns the invitation.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        row = lock_provider(provider)
        if not permissions.is_org_admin(actor, row):
            raise forbidden()
        require(role in MemberRole.values, "invalid_role", _("Choose a valid role."), "role")
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is not None:
            require(
                not Membership.objects.filter(user=user).exists(),
                "member_elsewhere",
                MEMBER_ELSEWHERE,
                "email",
            )
            require(
                not portal_permissions.is_staff_member(user),
                "ministry_staff",
                _("Ministry staff cannot join an organisation."),
                "email",
            )
        existing = (
            row.invitations.filter(
                email=email, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        if user is None:
            user = _invitee_account(email, language=actor.language)
        invitation = Invitation.objects.create(
            provider=row,
            email=email,
            role=role,
            token=secrets.token_urlsafe(32),
            invited_by=actor,
            expires_at=now + INVITATION_VALID_FOR,
        )
        audit.record(row, "member_invite", actor=actor, data={"email": email, "role": role})
        outbox.enqueue(
            [
                Notice(
                    event="providers.invitation",
                    recipients=(user,),
                    context={
                        **provider_context(row),
                        "role": role,
                        "inviter": str(actor),
                        "expires_at": invitation.expires_at.isoformat(),
                    },
                    url=reverse("providers:invitation", args=[invitation.token]),
                )
            ],
            key=f"providers-invitation:{invitation.pk}",
        )
    return invitation


def invitation_accept(*, actor, token):
    """Make ``actor`` a member through the invitation with ``token``.

    The invitation must be open (not accepted, withdrawn or expired) and addressed to
    ``actor``'s email; ``actor`` may not already belong to an organisation. Notifies the
    organisation's admins and writes an audit entry. A repeat by the user who accepted returns
    the membership and changes nothing. Returns the membership.
    """
    with transaction.atomic():
        invitation = _locked_invitation(token)
        if invitation.accepted_at is not None and invitation.accepted_by_id == actor.pk:
            return Membership.objects.get(user=actor, provider=invitation.provider)
        _check_open(invitation)
        require(
            actor.email.lower() == invitation.email.lower(),
            "wrong_account",
            _("This invitation was sent to another email address."),
        )
        if portal_permissions.is_staff_member(actor):
            raise forbidden()
        require(
            not Membership.objects.select_for_update().filter(user=actor).exists(),
            "member_elsewhere",
            _("You already belong to an organisation."),
        )
        membership = Membership.objects.create(
            provider=invitation.provider, user=actor, role=invitation.role
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = actor
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit.record(
            invitation.provider,
            "invitation_accept",
            actor=actor,
            data={"email": invitation.email, "role": invitation.role},
        )
        admins = [user for user in selectors.provider_admins(invitation.provider) if user != actor]
        outbox.enqueue(
            [
                Notice(
                    event="providers.member_joined",
                    recipients=tuple(admins),
                    context={
                        **provider_context(invitation.provider),
                        "member": str(actor),
                        "role": invitation.role,
                    },
                    url=reverse("providers:members"),
                )
            ],
            key=f"providers-invitation-accepted:{invitation.pk}",
        )
    return membership


def invitation_sign_up(*, token, full_name, password):
    """Sign up the invitee of an open invitation whose account has no password yet, and accept.

    Sets ``full_name`` and ``password`` on the account created with the invitation, then
    accepts as ``invitation_accept`` does. Refused once the account has a password (the
    invitee logs in instead). Returns the membership; its ``user`` is the signed-up account.
    """
    with transaction.atomic():
        invitation = _locked_invitation(token)
        _check_open(invitation)
        user = (
            get_user_model()
            .objects.select_for_update()
            .filter(email__iexact=invitation.email)
            .first()
        )
        require(
            user is not None and not user.has_usable_password(),
            "has_account",
            _("An account with this email address exists; log in to accept the invitation."),
        )
        user.full_name = full_name.strip()
        user.set_password(password)
        user.save(update_fields=["full_name", "password"])
        return invitation_accept(actor=user, token=token)


def invitation_revoke(*, actor, invitation):
    """Withdraw an open invitation; organisation admins only. Writes an audit entry. A repeat,
    or withdrawing an invitation already accepted, changes nothing. Returns the invitation."""
    with transaction.atomic():
        row = lock_provider(invitation.provider)
        if not permissions.is_org_admin(actor, row):
            raise forbidden()
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            return invitation
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(row, "invitation_revoke", actor=actor, data={"email": invitation.email})
    return invitation


def member_change_role(*, actor, membership, role, seen_role=None):
    """Give a member another role; organisation admins only.

    The organisation must keep at least one admin. ``seen_role`` (the role the admin saw)
    guards against a stale form. Giving the role the member already has changes nothing.
    Writes an audit entry. Returns the membership.
    """
    require(role in MemberRole.values, "invalid_role", _("Choose a valid role."), "role")
    with transaction.atomic():
        row = lock_provider(membership.provider)
        if not permissions.is_org_admin(actor, row):
            raise forbidden()
        current = Membership.objects.filter(pk=membership.pk, provider=row).first()
        require(current is not None, "gone", _("This person is no longer a member."))
        if current.role == role:
            return current
        if seen_role is not None and current.role != seen_role:
            raise ConflictError()
        if current.role == MemberRole.ADMIN:
            _keep_an_admin(row, current)
        previous = current.role
        current.role = role
        current.save(update_fields=["role"])
        audit.record(
            row,
            "member_change_role",
            actor=actor,
            data={"user": current.user_id, "from": previous, "to": role},
        )
    return current


def member_remove(*, actor, membership):
    """Remove a member from the organisation; organisation admins only.

    The organisation must keep at least one admin. Tells the removed person and writes an audit
    entry. Removing someone already gone changes nothing. Returns None.
    """
    with transaction.atomic():
        row = lock_provider(membership.provider)
        if not permissions.is_org_admin(actor, row):
            raise forbidden()
        current = Membership.objects.filter(pk=membership.pk, provider=row).first()
        if current is None:
            return None
        if current.role == MemberRole.ADMIN:
            _keep_an_admin(row, current)
        removed = current.user
        current.delete()
        entry = audit.record(row, "member_remove", actor=actor, data={"user": removed.pk})
        outbox.enqueue(
            [
                Notice(
                    event="providers.member_removed",
                    recipients=(removed,),
                    context=provider_context(row),
                    url=organisation_url(),
                )
            ],
            key=f"audit:{entry.pk}",
        )
    return None


def _invitee_account(email, *, language):
    model = get_user_model()
    username = email[:150]
    if model.objects.filter(username=username).exists():
        username = f"{email[:130]}-{secrets.token_hex(4)}"
    user = model(username=username, email=email, language=language)
    user.set_unusable_password()
    user.save()
    return user


def _locked_invitation(token):
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("provider")
        .filter(token=token or "")
        .first()
    )
    if invitation is None:
        raise DomainError("unknown_invitation", _("This invitation link is not valid."))
    return invitation


def _check_open(invitation):
    require(
        invitation.is_open(timezone.now()),
        "invitation_closed",
        _("This invitation has expired, was withdrawn or has already been used."),
    )


def _keep_an_admin(provider, leaving):
    others = provider.memberships.filter(role=MemberRole.ADMIN).exclude(pk=leaving.pk)
    require(others.exists(), "last_admin", LAST_ADMIN)
