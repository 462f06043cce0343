"""Every form of the providers app survives generated input: registration, members and
invitations, documents, staff and training, and the ministry's review."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from providers.forms import (
    DecisionForm,
    DocumentForm,
    InviteForm,
    ProviderForm,
    RoleForm,
    SeenStateForm,
    SignUpForm,
    StaffForm,
    TrainingForm,
)
from providers.models import MemberRole, Membership
from tests.factories.portal import UserFactory
from tests.factories.providers import (
    InvitationFactory,
    ProviderDocumentFactory,
    ProviderFactory,
    StaffMemberFactory,
    admin_of,
    member_of,
)
from tests.properties.engine import Endpoint, Scene, profile
from tests.properties.strategies import post_data


def register_scene():
    return Scene(UserFactory())


def admin_scene(page=None, **traits):
    def scene():
        provider = ProviderFactory(**traits)
        return Scene(admin_of(provider), page=reverse(page) if page else None)

    return scene


def member_scene(name):
    def scene():
        provider = ProviderFactory(verified=True)
        member_of(provider, MemberRole.EDITOR)
        membership = Membership.objects.get(provider=provider, role=MemberRole.EDITOR)
        return Scene(admin_of(provider), {"pk": membership.pk}, page=reverse("providers:members"))

    return scene


def withdraw_scene():
    invitation = InvitationFactory(provider=ProviderFactory(verified=True))
    return Scene(
        admin_of(invitation.provider), {"pk": invitation.pk}, page=reverse("providers:members")
    )


def invitation_scene(signed_in):
    def scene():
        invitation = InvitationFactory(provider=ProviderFactory(verified=True))
        invitee = UserFactory(email=invitation.email)
        if not signed_in:
            invitee.set_unusable_password()
            invitee.save()
        return Scene(invitee if signed_in else None, {"token": invitation.token})

    return scene


def document_remove_scene():
    document = ProviderDocumentFactory(provider=ProviderFactory())
    return Scene(
        admin_of(document.provider), {"pk": document.pk}, page=reverse("providers:documents")
    )


def staff_scene(part):
    def scene():
        member = StaffMemberFactory(provider=ProviderFactory())
        return Scene(admin_of(member.provider), {"pk": member.pk})

    return scene


def decide_scene(action, **traits):
    def scene():
        provider = ProviderFactory(complete=True, **traits)
        return Scene(
            UserFactory(procurement_officer=True),
            {"pk": provider.pk, "action": action},
            page=reverse("providers:review", kwargs={"pk": provider.pk}),
        )

    return scene


ENDPOINTS = [
    Endpoint("providers:register", register_scene, (ProviderForm,)),
    Endpoint("providers:edit", admin_scene(), (ProviderForm,)),
    Endpoint(
        "providers:submit",
        admin_scene("providers:my_organisation", complete=True),
        (SeenStateForm,),
    ),
    Endpoint("providers:members", admin_scene(verified=True), (InviteForm,)),
    Endpoint("providers:member_role", member_scene("role"), (RoleForm,)),
    Endpoint("providers:member_remove", member_scene("remove")),
    Endpoint("providers:invitation_withdraw", withdraw_scene),
    Endpoint(
        "providers:invitation", invitation_scene(signed_in=False), (SignUpForm,), label="sign-up"
    ),
    Endpoint("providers:invitation", invitation_scene(signed_in=True), label="accept"),
    Endpoint("providers:documents", admin_scene(), (DocumentForm,)),
    Endpoint("providers:document_remove", document_remove_scene, (SeenStateForm,)),
    Endpoint("providers:staff_add", admin_scene(), (StaffForm,)),
    Endpoint("providers:staff_edit", staff_scene("edit"), (StaffForm,)),
    Endpoint("providers:training_add", staff_scene("training"), (TrainingForm,)),
    Endpoint(
        "providers:decide", decide_scene("verify", submitted=True), (DecisionForm,), label="verify"
    ),
    Endpoint(
        "providers:decide", decide_scene("return", submitted=True), (DecisionForm,), label="return"
    ),
    Endpoint(
        "providers:decide", decide_scene("reject", submitted=True), (DecisionForm,), label="reject"
    ),
    Endpoint(
        "providers:decide", decide_scene("suspend", verified=True), (DecisionForm,), label="suspend"
    ),
    Endpoint(
        "providers:decide",
        decide_scene("reinstate", suspended=True),
        (DecisionForm,),
        label="reinstate",
    ),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@profile()
@given(data=st.data())
def test_a_providers_form_never_fails_and_a_refusal_changes_nothing(target, data):
    target.send(data.draw(post_data(target.form, target.fields)))
