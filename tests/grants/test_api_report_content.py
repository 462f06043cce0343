"""A report's figures, breakdown, narrative and attachments over the API, through the report
page's forms and services."""

import pytest
from django.core.cache import cache

from grants.models import ReportAttachment
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.grants import PilotReportFactory, grantee_admin, grantee_member
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.portal.api_support import token_client
from tests.portal.hostile_files import encrypted_pdf
from workflows.audit import history

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def report():
    return PilotReportFactory(open=True)


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return token_client(user)


def save(client, report, **sent):
    version = client.get(f"/api/reports/{report.pk}/").json()["version"]
    return client.post(
        f"/api/reports/{report.pk}/content/", {"seen_version": version, **sent}, format="json"
    )


def a_cell(report, **fields):
    agreement = report.agreement
    return {
        "target_group": agreement.target_groups.first().pk,
        "etrap": agreement.etraps.first().pk,
        "sex": "female",
        "age_band": "60_plus",
        "new": 3,
        "continuing": 2,
        **fields,
    }


def test_an_editor_saves_the_figures_and_the_breakdown(report):
    editor = grantee_member(report.agreement, MemberRole.EDITOR)
    line = report.agreement.budget_lines.first()
    target = report.agreement.targets.first()
    response = save(
        token_client(editor),
        report,
        beneficiaries_new=3,
        achievements="Home visits started.",
        beneficiaries=[a_cell(report)],
        services={"home_visit": 10},
        targets={str(target.pk): 5},
        expenditures={str(line.pk): {"amount": "100.00"}},
    )
    assert response.status_code == 200, response.json()
    saved = response.json()
    assert saved["beneficiaries_new"] == 3
    assert saved["achievements"] == "Home visits started."
    assert [cell["new"] for cell in saved["beneficiaries"]] == [3]
    assert saved["services"] == [{"kind": "home_visit", "count": 10}]
    assert saved["targets"] == [{"target": target.pk, "value": 5}]
    assert saved["expenditures"][0]["amount"] == "100.00"
    assert history(report).get(action="save").actor == editor


def test_a_part_left_out_keeps_what_the_report_holds(report):
    client = token_client(grantee_admin(report.agreement))
    save(client, report, challenges="Winter roads.", beneficiaries=[a_cell(report)])
    response = save(client, report, achievements="Twelve people helped.")
    assert response.status_code == 200, response.json()
    assert response.json()["challenges"] == "Winter roads."
    assert len(response.json()["beneficiaries"]) == 1


def test_a_save_of_a_version_changed_meanwhile_is_a_conflict(report):
    client = token_client(grantee_admin(report.agreement))
    stale = client.get(f"/api/reports/{report.pk}/").json()["version"]
    assert save(client, report, challenges="Winter roads.").status_code == 200
    response = client.post(
        f"/api/reports/{report.pk}/content/",
        {"seen_version": stale, "challenges": "Lost update"},
        format="json",
    )
    assert response.status_code == 409
    report.refresh_from_db()
    assert report.challenges == "Winter roads."


def test_a_submitted_report_cannot_be_changed():
    report = PilotReportFactory(submitted=True)
    response = save(token_client(grantee_admin(report.agreement)), report, challenges="Late.")
    assert response.status_code == 409


def test_a_negative_count_is_refused_in_russian_and_named_as_sent(report):
    client = speaking(grantee_admin(report.agreement), "ru")
    response = save(client, report, beneficiaries=[a_cell(report, new=-1)])
    assert response.status_code == 400
    assert response.json()["errors"]["beneficiaries.0.new"] == [
        "Убедитесь, что это значение больше либо равно 0."
    ]


def test_a_missing_version_is_refused_in_turkmen(report):
    client = speaking(grantee_admin(report.agreement), "tk")
    response = client.post(f"/api/reports/{report.pk}/content/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["seen_version"] == ["Bu meýdança hökman gerekli."]


def test_a_viewer_and_the_officer_may_not_change_the_report(report):
    viewer = grantee_member(report.agreement, MemberRole.VIEWER)
    for user in (viewer, UserFactory(grant_officer=True)):
        assert save(token_client(user), report, challenges="No.").status_code == 403
    report.refresh_from_db()
    assert report.challenges == ""


@pytest.mark.parametrize("path", ["content", "attachments"])
def test_another_organisation_finds_no_report(report, path):
    client = token_client(admin_of(ProviderFactory(verified=True)))
    response = client.post(f"/api/reports/{report.pk}/{path}/", {"seen_version": 1})
    assert response.status_code == 404
    assert set(response.json()) == {"code", "detail"}


def attach(client, report, **fields):
    sent = {"title": "Visit photos", "file": upload("pdf"), **fields}
    return client.post(f"/api/reports/{report.pk}/attachments/", sent, format="multipart")


def test_an_editor_attaches_and_removes_a_document(report):
    client = token_client(grantee_member(report.agreement, MemberRole.EDITOR))
    response = attach(client, report)
    assert response.status_code == 200, response.json()
    attachment = ReportAttachment.objects.get(report=report)
    assert response.json()["attachments"][0]["sha256"] == attachment.sha256
    removed = client.post(f"/api/reports/{report.pk}/attachments/{attachment.pk}/remove/")
    assert removed.status_code == 200, removed.json()
    assert removed.json()["attachments"] == []


def test_an_encrypted_pdf_is_refused_in_russian(report):
    client = speaking(grantee_admin(report.agreement), "ru")
    response = attach(client, report, file=upload("pdf", content=encrypted_pdf()))
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "Этот PDF защищён паролем или шифрованием; загрузите копию без защиты."
    ]
    assert not ReportAttachment.objects.exists()


def test_attaching_to_an_accepted_report_is_a_conflict():
    report = PilotReportFactory(accepted=True)
    response = attach(token_client(grantee_admin(report.agreement)), report)
    assert response.status_code == 409
    assert not ReportAttachment.objects.exists()


def test_a_viewer_may_not_attach(report):
    viewer = grantee_member(report.agreement, MemberRole.VIEWER)
    assert attach(token_client(viewer), report).status_code == 403


def test_another_report_s_attachment_is_not_found(report):
    client = token_client(grantee_admin(report.agreement))
    other = PilotReportFactory(open=True)
    attach(token_client(grantee_admin(other.agreement)), other)
    attachment = ReportAttachment.objects.get(report=other)
    response = client.post(f"/api/reports/{report.pk}/attachments/{attachment.pk}/remove/")
    assert response.status_code == 404
    assert ReportAttachment.objects.filter(pk=attachment.pk).exists()
