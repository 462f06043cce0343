"""Members and invitations of the user's organisation, and accepting an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.ordering import naturally
from providers import permissions, selectors
from providers.forms import InviteForm, RoleForm, SignUpForm
from providers.services import (
    invitation_accept,
    invitation_revoke,
    invitation_sign_up,
    member_change_role,
    member_invite,
    member_remove,
)
from providers.views.common import attempt, membership_or_404


@login_required
def members(request):
    provider = membership_or_404(request).provider
    is_admin = permissions.is_org_admin(request.user, provider)
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if not is_admin:
            return HttpResponseForbidden(_("Only administrators invite members."))
        if form.is_valid():
            done, _invitation = attempt(
                request,
                lambda: member_invite(actor=request.user, provider=provider, **form.cleaned_data),
                form,
            )
            if done:
                messages.success(request, _("The invitation has been sent."))
                return redirect("providers:members")
    memberships = naturally(selectors.own_memberships(request.user), key=lambda m: m.user.username)
    return render(
        request,
        "providers/members.html",
        {
            "provider": provider,
            "is_admin": is_admin,
            "memberships": [
                (m, RoleForm(initial={"role": m.role, "seen_role": m.role}, prefix=f"m{m.pk}"))
                for m in memberships
            ],
            "invitations": selectors.own_invitations(request.user).filter(
                accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
            ),
            "form": form,
        },
    )


@login_required
@require_POST
def member_role(request, pk):
    membership = get_object_or_404(selectors.own_memberships(request.user), pk=pk)
    form = RoleForm(request.POST, prefix=f"m{membership.pk}")
    if form.is_valid():
        done, _row = attempt(
            request,
            lambda: member_change_role(
                actor=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
                seen_role=form.cleaned_data["seen_role"],
            ),
        )
        if done:
            messages.success(request, _("The role is changed."))
    return redirect("providers:members")


@login_required
@require_POST
def member_delete(request, pk):
    membership = get_object_or_404(selectors.own_memberships(request.user), pk=pk)
    done, _row = attempt(request, lambda: member_remove(actor=request.user, membership=membership))
    if done:
        messages.success(request, _("The member is removed."))
    if membership.user_id == request.user.pk and done:
        return redirect("home")
    return redirect("providers:members")


@login_required
@require_POST
def invitation_withdraw(request, pk):
    invitation = get_object_or_404(selectors.own_invitations(request.user), pk=pk)
    done, _row = attempt(
        request, lambda: invitation_revoke(actor=request.user, invitation=invitation)
    )
    if done:
        messages.success(request, _("The invitation is withdrawn."))
    return redirect("providers:members")


def invitation(request, token):
    """Accept an invitation: a signed-in invitee accepts; an invitee without a password yet signs
    up here; anyone else is asked to log in first."""
    invitation = get_object_or_404(selectors.invitations_by_token(), token=token)
    invitee = selectors.invitee_account(invitation)
    needs_sign_up = not request.user.is_authenticated and not (
        invitee is None or invitee.has_usable_password()
    )
    form = SignUpForm(request.POST or None, user=invitee) if needs_sign_up else None
    if request.method == "POST":
        if form is not None:
            done = form.is_valid() and _sign_up(request, token, form)
        else:
            done = request.user.is_authenticated and _accept(request, token)
        if done:
            return redirect("providers:my_organisation")
    return render(
        request,
        "providers/invitation.html",
        {"invitation": invitation, "is_open": invitation.is_open(timezone.now()), "form": form},
    )


def _sign_up(request, token, form):
    data = form.cleaned_data
    done, membership = attempt(
        request,
        lambda: invitation_sign_up(
            token=token, full_name=data["full_name"], password=data["password1"]
        ),
        form,
    )
    if done:
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome! You are now a member of the organisation."))
    return done


def _accept(request, token):
    done, _membership = attempt(request, lambda: invitation_accept(actor=request.user, token=token))
    if done:
        messages.success(request, _("You are now a member of the organisation."))
    return done
