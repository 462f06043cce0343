"""The scale programme: built by ``populate_scale`` in proportion, in valid states, with an
audit chain that verifies, and every page the benchmark measures answering its user."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from bench.pages import pages
from grants.models import GrantAgreement, PilotReport, ReportBeneficiaryCount, ReportState
from portal.models import User, Velayat
from providers.models import Provider, ProviderState
from tenders.models import Bid, Evaluation, Score, Tender
from tests.conftest import sign_in
from workflows import verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(postgres):
    call_command("populate_scale", factor=0.005, stdout=open("/dev/null", "w"))


def test_the_programme_is_built_in_every_state_in_proportion_with_a_verified_audit(programme):
    assert set(Tender.objects.values_list("state", flat=True)) == {
        "draft",
        "published",
        "cancelled",
        "unsuccessful",
        "closed",
    }
    assert Provider.objects.filter(state=ProviderState.VERIFIED).count() == 4
    assert Provider.objects.values("velayat").distinct().count() > 1
    assert Tender.objects.values("velayat").distinct().count() == Velayat.objects.count()
    assert set(Bid.objects.values_list("state", flat=True)) == {"draft", "submitted"}
    assert not Bid.objects.filter(state="submitted", content_sha256="").exists()
    assert set(Evaluation.objects.values_list("state", flat=True)) == {"scoring", "completed"}
    assert Score.objects.exists()
    agreements = GrantAgreement.objects.count()
    assert agreements == 10
    assert PilotReport.objects.count() == 25 * agreements
    accepted = PilotReport.objects.filter(state=ReportState.ACCEPTED)
    assert accepted.exists()
    assert ReportBeneficiaryCount.objects.filter(report__in=accepted).exists()
    for report in PilotReport.objects.exclude(beneficiaries_new=None):
        cells = report.beneficiary_counts.all()
        assert report.beneficiaries_new == sum(cell.new for cell in cells)
        assert report.beneficiaries_continuing == sum(cell.continuing for cell in cells)
    result = verification.verify()
    assert result.ok
    assert result.count > 0
    with pytest.raises(CommandError, match="already holds"):
        call_command("populate_scale", factor=0.005)


@override_settings(ROOT_URLCONF="bench.urls")
def test_every_page_the_benchmark_measures_answers_its_user(programme, client):
    for page in pages():
        client.logout()
        if page.username:
            sign_in(client, User.objects.get(username=page.username))
        response = client.get(page.path, secure=True)
        assert response.status_code == 200, page.name
