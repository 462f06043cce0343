"""The staff roster and training records."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from providers.models import MemberRole, StaffMember, TrainingRecord
from providers.services import staff_add, staff_update, training_add
from tests.factories.documents import upload
from tests.factories.providers import ProviderFactory, StaffMemberFactory, admin_of, member_of
from workflows.audit import history
from workflows.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def test_an_editor_adds_a_staff_member_with_an_audit_entry():
    provider = ProviderFactory(verified=True)
    editor = member_of(provider, MemberRole.EDITOR)

    member = staff_add(
        actor=editor, provider=provider, full_name=" Aýna Orazowa ", position="Nurse"
    )

    assert (member.full_name, member.provider, member.active) == ("Aýna Orazowa", provider, True)
    assert history(provider).get(action="staff_add").actor == editor


def test_adding_the_same_person_twice_adds_one():
    provider = ProviderFactory()
    admin = admin_of(provider)

    first = staff_add(actor=admin, provider=provider, full_name="Aýna", position="Nurse")
    second = staff_add(actor=admin, provider=provider, full_name="Aýna", position="Nurse")

    assert first == second and StaffMember.objects.count() == 1


def test_a_viewer_or_another_organisation_cannot_change_the_roster():
    provider = ProviderFactory()

    for actor in (member_of(provider, MemberRole.VIEWER), admin_of(ProviderFactory())):
        with pytest.raises(DomainError) as error:
            staff_add(actor=actor, provider=provider, full_name="X", position="Y")
        assert error.value.code == "forbidden"


def test_the_roster_cannot_change_while_under_review():
    provider = ProviderFactory(submitted=True)

    with pytest.raises(DomainError) as error:
        staff_add(actor=admin_of(provider), provider=provider, full_name="X", position="Y")

    assert error.value.code == "not_allowed"


def test_a_staff_member_is_updated_and_unchanged_values_write_nothing():
    member = StaffMemberFactory()
    admin = admin_of(member.provider)

    staff_update(actor=admin, staff=member, changes={"active": False, "position": member.position})
    staff_update(actor=admin, staff=member, changes={"active": False})

    member.refresh_from_db()
    assert member.active is False
    entries = history(member.provider).filter(action="staff_update")
    assert [entry.data["fields"] for entry in entries] == [["active"]]


def test_a_stale_staff_form_is_a_conflict():
    member = StaffMemberFactory(provider=ProviderFactory(suspended=True))

    with pytest.raises(ConflictError):
        staff_update(
            actor=admin_of(member.provider),
            staff=member,
            changes={"active": False},
            seen_state="verified",
        )


def test_a_training_record_with_a_certificate_is_added():
    member = StaffMemberFactory()

    record = training_add(
        actor=admin_of(member.provider),
        staff=member,
        course="Care for people with dementia",
        training_provider="Red Crescent training centre",
        started_on=TODAY() - timedelta(days=10),
        completed_on=TODAY() - timedelta(days=2),
        in_service=True,
        certificate=upload("png", name="certificate.png"),
    )

    assert record.in_service and record.certificate.mime == "image/png"
    assert history(member.provider).get(action="training_add").data["training"] == record.pk


def test_recording_the_same_course_twice_keeps_one_record():
    member = StaffMemberFactory()
    arguments = {
        "course": "First aid",
        "training_provider": "Red Crescent",
        "started_on": TODAY() - timedelta(days=3),
    }

    training_add(actor=admin_of(member.provider), staff=member, **arguments)
    training_add(actor=admin_of(member.provider), staff=member, **arguments)

    assert TrainingRecord.objects.filter(staff=member).count() == 1


@pytest.mark.parametrize(
    "started, completed, code",
    [
        (-3, -5, "completed_before_start"),
        (-3, 1, "completed_in_future"),
    ],
)
def test_impossible_training_dates_are_refused(started, completed, code):
    member = StaffMemberFactory()

    with pytest.raises(DomainError) as error:
        training_add(
            actor=admin_of(member.provider),
            staff=member,
            course="First aid",
            training_provider="Red Crescent",
            started_on=TODAY() + timedelta(days=started),
            completed_on=TODAY() + timedelta(days=completed),
        )

    assert (error.value.code, error.value.field) == (code, "completed_on")
    assert not TrainingRecord.objects.exists()


def test_another_organisation_cannot_add_training_to_a_staff_member():
    member = StaffMemberFactory()

    with pytest.raises(DomainError):
        training_add(
            actor=admin_of(ProviderFactory()),
            staff=member,
            course="First aid",
            training_provider="Red Crescent",
            started_on=TODAY(),
        )


def test_a_viewer_cannot_update_staff_and_nothing_changes_under_review():
    member = StaffMemberFactory()
    viewer = member_of(member.provider, MemberRole.VIEWER)

    with pytest.raises(DomainError) as forbidden:
        staff_update(actor=viewer, staff=member, changes={"active": False})
    under_review = StaffMemberFactory(provider=ProviderFactory(submitted=True))
    with pytest.raises(DomainError) as wrong_state:
        training_add(
            actor=admin_of(under_review.provider),
            staff=under_review,
            course="First aid",
            training_provider="Red Crescent",
            started_on=TODAY(),
        )

    assert (forbidden.value.code, wrong_state.value.code) == ("forbidden", "not_allowed")
    member.refresh_from_db()
    assert member.active and not TrainingRecord.objects.exists()


def test_a_refused_certificate_stores_no_record():
    member = StaffMemberFactory()

    with pytest.raises(ValidationError):
        training_add(
            actor=admin_of(member.provider),
            staff=member,
            course="First aid",
            training_provider="Red Crescent",
            started_on=TODAY(),
            certificate=upload("pdf", content=b"#!/bin/sh\nrm -rf /\n"),
        )

    assert not TrainingRecord.objects.exists()
