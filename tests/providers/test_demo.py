"""The demo organisations."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from providers import eligibility
from providers.demo import build_demo_providers
from providers.models import DocumentType, Provider, ProviderDocument, StaffMember
from workflows.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_demo_builds_two_verified_eligible_organisations_in_ashgabat():
    out = io.StringIO()

    build_demo_providers(out)

    providers = Provider.objects.order_by("registration_number")
    assert [p.name_en for p in providers] == [
        "National Red Crescent Society of Turkmenistan",
        "Public association “Yenme”",
    ]
    assert all(p.is_verified and p.velayat.code == "TM-S" for p in providers)
    assert StaffMember.objects.count() == 15
    for provider in providers:
        assert provider.memberships.get().user.username in {"nrcst", "yenme"}
        assert (
            eligibility.check(
                provider,
                required_document_types=list(DocumentType.values[:4]),
                min_trained_staff=6,
                at=provider.verified_at,
            )
            == []
        )
    assert "verified" in out.getvalue()


def test_the_demo_admins_log_in_with_the_published_passwords(client):
    build_demo_providers(io.StringIO())

    for username in ("nrcst", "yenme"):
        credentials = {"username": username, "password": f"demo-{username}-2026"}
        assert Client().post(reverse("login"), credentials).status_code == 302


def test_loading_the_demo_twice_changes_nothing():
    build_demo_providers(io.StringIO())
    counts = (
        Provider.objects.count(),
        ProviderDocument.objects.count(),
        StaffMember.objects.count(),
        AuditEntry.objects.count(),
    )

    build_demo_providers(io.StringIO())

    assert counts == (
        Provider.objects.count(),
        ProviderDocument.objects.count(),
        StaffMember.objects.count(),
        AuditEntry.objects.count(),
    )
    assert counts[1] == 8
