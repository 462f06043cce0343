"""Reports and tranches driven over the API, through the same forms and services as the pages."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from grants.models import ReportState, TrancheState
from portal.models import TokenScope
from providers.models import MemberRole
from tests.factories.grants import (
    GrantAgreementFactory,
    PilotReportFactory,
    TrancheFactory,
    grantee_admin,
    grantee_member,
)
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of
from tests.portal.api_support import token_client
from workflows.audit import history
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def send(api, report_id):
    report = api.get(f"/api/reports/{report_id}/").json()
    return api.post(
        f"/api/reports/{report_id}/submit/",
        {
            "seen_state": report["state"],
            "seen_version": report["version"],
            "seen": report["fingerprint"],
        },
        format="json",
    )


def test_a_whole_report_is_submitted_returned_resubmitted_and_accepted(
    officer, django_capture_on_commit_callbacks
):
    report = PilotReportFactory(open=True, filled=True)
    grantee = token_client(grantee_admin(report.agreement))
    ministry = token_client(officer)

    with django_capture_on_commit_callbacks(execute=True):
        assert send(grantee, report.pk).json()["state"] == "submitted"
        returned = ministry.post(
            f"/api/reports/{report.pk}/return/",
            {"seen_state": "submitted", "comments": {"beneficiaries": "Count the men too."}},
            format="json",
        )
        assert returned.json()["state"] == "returned"
        assert returned.json()["comments"][0]["comment"] == "Count the men too."
        assert send(grantee, report.pk).json()["state"] == "resubmitted"
        accepted = ministry.post(
            f"/api/reports/{report.pk}/accept/", {"seen_state": "resubmitted"}, format="json"
        )
    assert accepted.status_code == 200
    assert accepted.json()["state"] == "accepted"

    entries = list(history(report))
    assert [entry.action for entry in entries] == [
        "submit",
        "return_for_revision",
        "resubmit",
        "accept",
    ]
    assert [entry.actor for entry in entries] == [
        grantee_admin(report.agreement),
        officer,
        grantee_admin(report.agreement),
        officer,
    ]
    events = set(OutboxMessage.objects.values_list("event", flat=True))
    assert {
        "grants.report_submitted",
        "grants.report_returned",
        "grants.report_resubmitted",
        "grants.report_accepted",
    } <= events


def test_a_return_without_a_comment_names_the_comments_field(officer):
    report = PilotReportFactory(submitted=True)
    officer.language = "ru"
    officer.save(update_fields=["language"])
    response = token_client(officer).post(
        f"/api/reports/{report.pk}/return/", {"seen_state": "submitted"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["comments"] == [
        "Напишите, что нужно доработать, хотя бы в одном разделе."
    ]
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_an_incomplete_report_is_refused_with_what_is_missing():
    report = PilotReportFactory(open=True)
    response = send(token_client(grantee_admin(report.agreement)), report.pk)
    assert response.status_code == 400
    assert response.json()["code"] == "report_incomplete"
    assert response.json()["failures"]
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_a_report_changed_since_it_was_read_is_a_conflict():
    report = PilotReportFactory(open=True, filled=True)
    api = token_client(grantee_admin(report.agreement))
    read = api.get(f"/api/reports/{report.pk}/").json()
    report.__class__.objects.filter(pk=report.pk).update(achievements="Changed meanwhile")
    response = api.post(
        f"/api/reports/{report.pk}/submit/",
        {"seen_state": "open", "seen_version": read["version"], "seen": read["fingerprint"]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale"


def test_an_acceptance_of_a_report_returned_meanwhile_is_a_conflict(officer):
    report = PilotReportFactory(returned=True)
    response = token_client(officer).post(
        f"/api/reports/{report.pk}/accept/", {"seen_state": "submitted"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_accepting_an_accepted_report_again_changes_nothing(officer):
    report = PilotReportFactory(accepted=True)
    response = token_client(officer).post(
        f"/api/reports/{report.pk}/accept/", {"seen_state": "submitted"}, format="json"
    )
    assert response.status_code == 200
    assert not history(report).exists()


def test_an_editor_reads_the_report_but_only_an_admin_submits_it():
    report = PilotReportFactory(open=True, filled=True)
    editor = token_client(grantee_member(report.agreement, MemberRole.EDITOR))
    assert editor.get(f"/api/reports/{report.pk}/").status_code == 200
    assert send(editor, report.pk).status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_the_grantee_cannot_review_its_own_report():
    report = PilotReportFactory(submitted=True)
    response = token_client(grantee_admin(report.agreement)).post(
        f"/api/reports/{report.pk}/accept/", {"seen_state": "submitted"}, format="json"
    )
    assert response.status_code == 403


def test_a_read_only_token_cannot_accept(officer):
    report = PilotReportFactory(submitted=True)
    response = token_client(officer, TokenScope.READ).post(
        f"/api/reports/{report.pk}/accept/", {"seen_state": "submitted"}, format="json"
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


OUTSIDERS = {
    "another organisation's admin": lambda: admin_of(ProviderFactory(verified=True)),
    "a procurement officer": lambda: UserFactory(procurement_officer=True),
    "an evaluator": lambda: UserFactory(evaluator=True),
    "an approver": lambda: UserFactory(approver=True),
    "a user without a role": lambda: UserFactory(),
}


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_another_organisation_s_grant_is_not_found(outsider):
    report = PilotReportFactory(submitted=True)
    tranche = TrancheFactory(agreement=report.agreement, eligible=True)
    client = token_client(OUTSIDERS[outsider]())
    for path in (
        f"/api/agreements/{report.agreement_id}/",
        f"/api/reports/{report.pk}/",
        f"/api/tranches/{tranche.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        f"/api/reports/{report.pk}/submit/",
        f"/api/reports/{report.pk}/return/",
        f"/api/reports/{report.pk}/accept/",
        f"/api/tranches/{tranche.pk}/approve/",
        f"/api/tranches/{tranche.pk}/pay/",
    ):
        assert client.post(path, {"seen_state": "submitted"}).status_code == 404, path
    for path in ("/api/agreements/", "/api/reports/", "/api/tranches/"):
        assert client.get(path).json()["results"] == [], path


def test_a_grant_officer_who_belongs_to_the_grantee_does_not_see_its_grant():
    agreement = GrantAgreementFactory(active=True)
    insider = grantee_member(agreement, MemberRole.VIEWER)
    insider.groups.add(*UserFactory(grant_officer=True).groups.all())
    report = PilotReportFactory(agreement=agreement, submitted=True)
    client = token_client(insider)
    assert client.post(
        f"/api/reports/{report.pk}/accept/", {"seen_state": "submitted"}, format="json"
    ).status_code in (403, 404)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED


def test_the_grantee_sees_its_tranches_and_the_officer_approves_one(officer):
    agreement = GrantAgreementFactory(active=True)
    tranche = TrancheFactory(agreement=agreement, eligible=True)
    grantee = token_client(grantee_admin(agreement))
    assert grantee.get(f"/api/tranches/{tranche.pk}/").json()["state"] == "eligible"
    refused = grantee.post(
        f"/api/tranches/{tranche.pk}/approve/", {"seen_state": "eligible"}, format="json"
    )
    assert refused.status_code == 403
    approved = token_client(officer).post(
        f"/api/tranches/{tranche.pk}/approve/", {"seen_state": "eligible"}, format="json"
    )
    assert approved.json()["state"] == "approved"
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.APPROVED
    assert history(tranche).get().actor == officer


def test_both_sides_confirm_the_agreement_and_it_is_signed(officer):
    agreement = GrantAgreementFactory(ready=True)
    for user in (grantee_admin(agreement), officer):
        client = token_client(user)
        version = client.get(f"/api/agreements/{agreement.pk}/").json()["version"]
        response = client.post(
            f"/api/agreements/{agreement.pk}/confirm/", {"seen_version": version}, format="json"
        )
        assert response.status_code == 200, response.json()
    assert response.json()["state"] == "signed"


def test_a_confirmation_of_an_older_version_is_a_conflict(officer):
    agreement = GrantAgreementFactory(ready=True)
    response = token_client(officer).post(
        f"/api/agreements/{agreement.pk}/confirm/",
        {"seen_version": agreement.version - 1},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_the_officer_suspends_with_a_reason_and_resumes_the_agreement(officer):
    agreement = GrantAgreementFactory(active=True)
    client = token_client(officer)
    without = client.post(
        f"/api/agreements/{agreement.pk}/suspend/", {"seen_state": "active"}, format="json"
    )
    assert without.status_code == 400
    assert list(without.json()["errors"]) == ["text"]
    suspended = client.post(
        f"/api/agreements/{agreement.pk}/suspend/",
        {"seen_state": "active", "text": "The premises closed."},
        format="json",
    )
    assert suspended.json()["state"] == "suspended"
    resumed = client.post(
        f"/api/agreements/{agreement.pk}/resume/", {"seen_state": "suspended"}, format="json"
    )
    assert resumed.json()["state"] == "active"
    assert [entry.actor for entry in history(agreement)] == [officer, officer]


def test_the_grantee_cannot_suspend_its_agreement():
    agreement = GrantAgreementFactory(active=True)
    response = token_client(grantee_admin(agreement)).post(
        f"/api/agreements/{agreement.pk}/suspend/",
        {"seen_state": "active", "text": "No."},
        format="json",
    )
    assert response.status_code == 403


def test_another_officer_records_the_payment_of_an_approved_tranche(officer):
    agreement = GrantAgreementFactory(active=True)
    tranche = TrancheFactory(agreement=agreement, approved=True, approved_by=UserFactory())
    client = token_client(officer)
    missing = client.post(
        f"/api/tranches/{tranche.pk}/pay/", {"seen_state": "approved"}, format="json"
    )
    assert missing.status_code == 400
    assert {"paid_on", "reference"} <= set(missing.json()["errors"])
    paid = client.post(
        f"/api/tranches/{tranche.pk}/pay/",
        {
            "seen_state": "approved",
            "paid_on": str(timezone.localdate()),
            "reference": "TM-BANK-0042",
        },
        format="json",
    )
    assert paid.status_code == 200, paid.json()
    assert paid.json()["state"] == "paid"
