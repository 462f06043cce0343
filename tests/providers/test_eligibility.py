"""Whether a provider may take part in a tender."""

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from providers import eligibility
from providers.models import DocumentType
from tests.factories.providers import (
    ProviderDocumentFactory,
    ProviderFactory,
    StaffMemberFactory,
    TrainingRecordFactory,
)

pytestmark = pytest.mark.django_db

REQUIRED = [DocumentType.CHARTER, DocumentType.TAX_CERTIFICATE]


def codes(provider, at=None, required=REQUIRED, staff=2):
    failures = eligibility.check(
        provider,
        required_document_types=required,
        min_trained_staff=staff,
        at=at or timezone.now(),
    )
    return [failure.code for failure in failures]


def test_a_verified_provider_with_documents_and_trained_staff_is_eligible():
    provider = ProviderFactory(verified=True, documents=REQUIRED, trained_staff=2)

    assert codes(provider) == []


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "rejected", "suspended"])
def test_a_provider_that_is_not_verified_is_not_eligible(state):
    provider = ProviderFactory(**{state: True}, documents=REQUIRED, trained_staff=2)

    assert codes(provider) == ["not_verified"]


def test_each_missing_document_type_is_named():
    provider = ProviderFactory(verified=True, documents=[DocumentType.CHARTER], trained_staff=2)

    failures = eligibility.check(
        provider, required_document_types=REQUIRED, min_trained_staff=2, at=timezone.now()
    )

    assert [failure.code for failure in failures] == ["missing_document:tax_certificate"]
    assert "Tax certificate" in str(failures[0].message)


def test_a_document_counts_until_its_expiry_day_and_not_after():
    provider = ProviderFactory(verified=True, trained_staff=2)
    ProviderDocumentFactory(
        provider=provider, document_type=DocumentType.CHARTER, expires_on=datetime.date(2027, 3, 31)
    )
    ProviderDocumentFactory(
        provider=provider, document_type=DocumentType.TAX_CERTIFICATE, expires_on=None
    )

    assert codes(provider, at=datetime.date(2027, 3, 31)) == []
    assert codes(provider, at=datetime.date(2027, 4, 1)) == ["missing_document:charter"]


def test_an_aware_time_is_read_as_a_day_in_ashgabat():
    provider = ProviderFactory(verified=True, trained_staff=0)
    ProviderDocumentFactory(
        provider=provider, document_type=DocumentType.CHARTER, expires_on=datetime.date(2027, 3, 31)
    )
    # 20:00 UTC on the 31st is already 1 April in Ashgabat (UTC+5).
    late = datetime.datetime(2027, 3, 31, 20, 0, tzinfo=datetime.UTC)

    assert codes(provider, at=late, required=[DocumentType.CHARTER], staff=0) == [
        "missing_document:charter"
    ]


def test_only_active_staff_with_completed_in_service_training_count():
    provider = ProviderFactory(verified=True, documents=REQUIRED, trained_staff=1)
    StaffMemberFactory(provider=provider, trained=True, active=False)
    TrainingRecordFactory(staff=StaffMemberFactory(provider=provider), in_service=False)
    TrainingRecordFactory(staff=StaffMemberFactory(provider=provider), completed_on=None)
    StaffMemberFactory(provider=provider)

    failures = eligibility.check(
        provider, required_document_types=REQUIRED, min_trained_staff=2, at=timezone.now()
    )

    assert [failure.code for failure in failures] == ["trained_staff"]
    assert "has 1" in str(failures[0].message)


def test_training_completed_after_the_checked_day_does_not_count():
    provider = ProviderFactory(verified=True, documents=REQUIRED)
    today = timezone.localdate()
    TrainingRecordFactory(
        staff=StaffMemberFactory(provider=provider),
        started_on=today - timedelta(days=20),
        completed_on=today - timedelta(days=5),
    )

    assert codes(provider, at=today - timedelta(days=6), staff=1) == ["trained_staff"]
    assert codes(provider, at=today - timedelta(days=5), staff=1) == []


def test_a_person_with_two_courses_counts_once():
    provider = ProviderFactory(verified=True, documents=REQUIRED)
    person = StaffMemberFactory(provider=provider, trained=True)
    TrainingRecordFactory(staff=person, course="Second course")

    assert codes(provider, staff=2) == ["trained_staff"]


def test_another_organisations_documents_and_staff_do_not_count():
    provider = ProviderFactory(verified=True)
    ProviderFactory(verified=True, documents=REQUIRED, trained_staff=2)

    assert codes(provider) == [
        "missing_document:charter",
        "missing_document:tax_certificate",
        "trained_staff",
    ]
