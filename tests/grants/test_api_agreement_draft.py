"""A draft agreement's terms, budget, targets, tranche plan and signed file over the API,
through the draft pages' forms and services."""

import datetime

import pytest
from django.core.cache import cache

from grants.models import AgreementDocument
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.grants import GrantAgreementFactory, grantee_admin, grantee_member
from tests.factories.providers import ProviderFactory, admin_of
from tests.portal.api_support import token_client
from tests.portal.hostile_files import encrypted_pdf
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


@pytest.fixture
def agreement():
    return GrantAgreementFactory(draft=True)


def speaking(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return token_client(user)


def version_of(client, agreement):
    return client.get(f"/api/agreements/{agreement.pk}/").json()["version"]


def post(client, agreement, part, **sent):
    sent.setdefault("seen_version", version_of(client, agreement))
    return client.post(f"/api/agreements/{agreement.pk}/{part}/", sent, format="json")


def send_file(client, agreement, **fields):
    sent = {"seen_version": version_of(client, agreement), "file": upload("pdf"), **fields}
    return client.post(f"/api/agreements/{agreement.pk}/file/", sent, format="multipart")


def terms(agreement, **fields):
    return {
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat(),
        "reporting_frequency": "monthly",
        "report_due_days": 20,
        **fields,
    }


def test_the_officer_changes_the_terms_and_the_change_is_audited(officer, agreement):
    response = post(token_client(officer), agreement, "terms", **terms(agreement))
    assert response.status_code == 200, response.json()
    assert response.json()["reporting_frequency"] == "monthly"
    assert response.json()["report_due_days"] == 20
    assert history(agreement).get(action="update_terms").actor == officer


def test_an_end_before_the_start_is_refused_in_russian(officer, agreement):
    end = (agreement.start_date - datetime.timedelta(days=1)).isoformat()
    response = post(speaking(officer, "ru"), agreement, "terms", **terms(agreement, end_date=end))
    assert response.status_code == 400
    assert response.json()["errors"]["end_date"] == [
        "Грант не может заканчиваться раньше, чем начинается."
    ]


def test_terms_from_an_older_version_are_a_conflict(officer, agreement):
    client = token_client(officer)
    stale = version_of(client, agreement)
    assert post(client, agreement, "terms", **terms(agreement)).status_code == 200
    other = terms(agreement, report_due_days=25)
    response = post(client, agreement, "terms", seen_version=stale, **other)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_a_signed_agreement_s_terms_cannot_be_changed(officer):
    agreement = GrantAgreementFactory(signed=True)
    response = post(token_client(officer), agreement, "terms", **terms(agreement))
    assert response.status_code == 409
    assert response.json()["code"] == "not_allowed"


def test_the_grantee_cannot_change_the_draft(agreement):
    response = post(token_client(grantee_admin(agreement)), agreement, "terms", **terms(agreement))
    assert response.status_code == 403


def test_the_officer_replaces_the_budget(officer, agreement):
    rows = [
        {"category": "staff", "description": "Two social workers", "amount": "6000.00"},
        {"category": "transport", "description": "Fuel", "amount": "1500.00"},
    ]
    response = post(token_client(officer), agreement, "budget", rows=rows)
    assert response.status_code == 200, response.json()
    assert response.json()["budget"] == rows
    assert history(agreement).get(action="update_budget").actor == officer


def test_a_negative_amount_is_refused_in_turkmen_and_named_as_sent(officer, agreement):
    rows = [{"category": "staff", "description": "Wages", "amount": "-1"}]
    response = post(speaking(officer, "tk"), agreement, "budget", rows=rows)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["rows.0.amount"]
    assert "0" in response.json()["errors"]["rows.0.amount"][0]
    assert "Ensure" not in response.json()["errors"]["rows.0.amount"][0]


def test_the_officer_replaces_the_targets(officer, agreement):
    group = agreement.target_groups.first()
    rows = [{"measure": "beneficiaries", "target_group": group.pk, "number": 40}]
    response = post(token_client(officer), agreement, "targets", rows=rows)
    assert response.status_code == 200, response.json()
    assert [(t["target_group"], t["number"]) for t in response.json()["targets"]] == [
        (group.pk, 40)
    ]


def test_a_target_for_nobody_is_refused_in_russian(officer, agreement):
    rows = [{"measure": "beneficiaries", "number": 40}]
    response = post(speaking(officer, "ru"), agreement, "targets", rows=rows)
    assert response.status_code == 400
    assert response.json()["errors"]["rows.0"] == [
        "Для целевого показателя нужна целевая группа, этрап или и то и другое."
    ]


def test_the_officer_replaces_the_tranche_plan(officer, agreement):
    rows = [
        {"percentage": "40.00", "condition": "signing"},
        {"percentage": "60.00", "condition": "final_report"},
    ]
    response = post(token_client(officer), agreement, "tranches", rows=rows)
    assert response.status_code == 200, response.json()
    assert [t["percentage"] for t in response.json()["tranches"]] == ["40.00", "60.00"]


def test_a_period_tranche_without_its_report_is_refused_in_turkmen(officer, agreement):
    rows = [{"percentage": "100", "condition": "period_report"}]
    response = post(speaking(officer, "tk"), agreement, "tranches", rows=rows)
    assert response.status_code == 400
    assert response.json()["errors"]["rows.0.period_number"] == [
        "Tranşy açýan hasabatyň belgisini görkeziň."
    ]


def test_the_grantee_uploads_the_signed_file_and_both_sides_hear_of_it(agreement):
    admin = grantee_admin(agreement)
    response = send_file(token_client(admin), agreement)
    assert response.status_code == 200, response.json()
    assert [d["original_name"] for d in response.json()["documents"]] == ["document.pdf"]
    assert history(agreement).get(action="upload_document").actor == admin
    assert OutboxMessage.objects.filter(event="grants.agreement_file_uploaded").exists()


def test_the_uploaded_file_lets_both_sides_confirm_and_sign(officer):
    agreement = GrantAgreementFactory(draft=True, ready=True)
    AgreementDocument.objects.filter(agreement=agreement).delete()
    admin = grantee_admin(agreement)
    assert send_file(token_client(admin), agreement).status_code == 200
    for user in (admin, officer):
        client = token_client(user)
        response = client.post(
            f"/api/agreements/{agreement.pk}/confirm/",
            {"seen_version": version_of(client, agreement)},
            format="json",
        )
        assert response.status_code == 200, response.json()
    assert response.json()["state"] == "signed"


def test_an_encrypted_pdf_is_refused_in_russian_and_nothing_is_stored(agreement):
    client = speaking(grantee_admin(agreement), "ru")
    response = send_file(client, agreement, file=upload("pdf", content=encrypted_pdf()))
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == [
        "Этот PDF защищён паролем или шифрованием; загрузите копию без защиты."
    ]
    assert not AgreementDocument.objects.filter(agreement=agreement).exists()


def test_a_file_for_an_older_version_is_a_conflict(officer, agreement):
    client = token_client(officer)
    response = send_file(client, agreement, seen_version=agreement.version - 1)
    assert response.status_code == 409
    assert not AgreementDocument.objects.filter(agreement=agreement).exists()


def test_a_file_for_a_signed_agreement_is_a_conflict():
    agreement = GrantAgreementFactory(signed=True)
    response = send_file(token_client(grantee_admin(agreement)), agreement)
    assert response.status_code == 409


def test_an_editor_of_the_grantee_may_not_upload_the_file(agreement):
    editor = grantee_member(agreement, MemberRole.EDITOR)
    response = send_file(token_client(editor), agreement)
    assert response.status_code == 403


def test_another_organisation_s_draft_is_not_found(agreement):
    outsider = token_client(admin_of(ProviderFactory(verified=True)))
    response = outsider.post(
        f"/api/agreements/{agreement.pk}/file/",
        {"seen_version": agreement.version, "file": upload("pdf")},
        format="multipart",
    )
    assert response.status_code == 404
    assert agreement.reference not in response.content.decode()
    budget = outsider.post(
        f"/api/agreements/{agreement.pk}/budget/",
        {"seen_version": agreement.version, "rows": []},
        format="json",
    )
    assert budget.status_code == 404
