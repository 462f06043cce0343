"""Registering an organisation and changing its details."""

import datetime

import pytest

from portal.models import Etrap, ServiceType, TargetGroup, Velayat
from providers.models import MemberRole, Membership, Provider, ProviderState
from providers.services import provider_register, provider_update
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from workflows.audit import history
from workflows.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db


def details(**overrides):
    ashgabat = Velayat.objects.get(code="TM-S")
    return {
        "name_tk": "Ýeňme",
        "name_ru": "Енме",
        "name_en": "Yenme",
        "legal_form": "public_association",
        "registration_number": "NGO-0042",
        "registration_date": datetime.date(2012, 5, 4),
        "address": "Magtymguly şaýoly 12",
        "velayat": ashgabat,
        "etrap": ashgabat.etraps.first(),
        "phone": "+993 12 34 56 78",
        "email": "info@yenme.example.org",
        "website": "",
        "service_types": [ServiceType.objects.get(code="elderly-home-care")],
        "target_groups": [TargetGroup.objects.get(code="elderly")],
        **overrides,
    }


def test_the_registering_user_becomes_the_admin_of_a_draft(outsider):
    provider = provider_register(actor=outsider, details=details())

    assert provider.state == ProviderState.DRAFT
    assert Membership.objects.get(user=outsider).role == MemberRole.ADMIN
    assert list(provider.service_types.values_list("code", flat=True)) == ["elderly-home-care"]
    assert history(provider).get(action="register").actor == outsider


def test_a_user_already_in_an_organisation_cannot_register_another():
    admin = admin_of(ProviderFactory())

    with pytest.raises(DomainError) as error:
        provider_register(actor=admin, details=details())

    assert error.value.code == "already_member"
    assert Provider.objects.count() == 1


def test_ministry_staff_cannot_register_an_organisation(officer):
    with pytest.raises(DomainError) as error:
        provider_register(actor=officer, details=details())

    assert error.value.code == "forbidden"
    assert not Provider.objects.exists()


def test_an_etrap_outside_the_velayat_is_refused(outsider):
    mary_etrap = Etrap.objects.filter(velayat__code="TM-M").first()

    with pytest.raises(DomainError) as error:
        provider_register(actor=outsider, details=details(etrap=mary_etrap))

    assert (error.value.code, error.value.field) == ("etrap_mismatch", "etrap")
    assert not Provider.objects.exists()


def test_a_registration_number_already_registered_is_refused(outsider):
    ProviderFactory(registration_number="NGO-0042")

    with pytest.raises(DomainError) as error:
        provider_register(actor=outsider, details=details())

    assert error.value.field == "registration_number"
    assert not Membership.objects.filter(user=outsider).exists()


def test_an_editor_changes_the_details_of_a_draft():
    provider = ProviderFactory(draft=True)
    editor = member_of(provider, MemberRole.EDITOR)

    row = provider_update(
        actor=editor, provider=provider, details={"phone": "+993 65 00 00 00"}, seen_state="draft"
    )

    assert row.phone == "+993 65 00 00 00"
    entry = history(provider).get(action="update")
    assert entry.actor == editor and entry.data == {"fields": ["phone"]}


def test_a_returned_organisation_may_change_its_details_and_classification():
    provider = ProviderFactory(returned=True)
    group = TargetGroup.objects.get(code="children")

    provider_update(actor=admin_of(provider), provider=provider, details={"target_groups": [group]})

    assert list(provider.target_groups.all()) == [group]


@pytest.mark.parametrize("state", ["submitted", "verified", "rejected", "suspended"])
def test_details_cannot_change_outside_draft_or_returned(state):
    provider = ProviderFactory(**{state: True})

    with pytest.raises(DomainError) as error:
        provider_update(actor=admin_of(provider), provider=provider, details={"phone": "1"})

    assert error.value.code == "not_editable"
    provider.refresh_from_db()
    assert provider.phone != "1"


def test_a_viewer_or_an_outsider_cannot_change_the_details(outsider):
    provider = ProviderFactory(draft=True)

    for actor in (member_of(provider, MemberRole.VIEWER), outsider, admin_of(ProviderFactory())):
        with pytest.raises(DomainError) as error:
            provider_update(actor=actor, provider=provider, details={"phone": "1"})
        assert error.value.code == "forbidden"


def test_saving_unchanged_details_writes_nothing():
    provider = ProviderFactory(draft=True)

    provider_update(actor=admin_of(provider), provider=provider, details={"phone": provider.phone})

    assert not history(provider).filter(action="update").exists()


def test_a_form_filled_in_before_the_organisation_was_submitted_is_a_conflict():
    provider = ProviderFactory(submitted=True)

    with pytest.raises(ConflictError):
        provider_update(
            actor=admin_of(provider), provider=provider, details={"phone": "1"}, seen_state="draft"
        )


def test_changing_to_a_taken_registration_number_is_refused():
    ProviderFactory(registration_number="TAKEN-1")
    provider = ProviderFactory(draft=True)

    with pytest.raises(DomainError) as error:
        provider_update(
            actor=admin_of(provider),
            provider=provider,
            details={"registration_number": "TAKEN-1"},
        )

    assert error.value.field == "registration_number"


def test_an_inactive_admin_may_not_change_anything():
    provider = ProviderFactory(draft=True, admin=UserFactory(inactive=True))

    with pytest.raises(DomainError):
        provider_update(actor=admin_of(provider), provider=provider, details={"phone": "1"})
