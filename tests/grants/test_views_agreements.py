"""The agreement pages: who sees what, draft editing, signing and decisions."""

import pytest

from grants.models import AgreementState
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.grants import (
    GrantAgreementFactory,
    PilotReportFactory,
    grantee_admin,
    grantee_member,
)
from tests.factories.portal import UserFactory
from tests.grants.pages import messages_of, url

pytestmark = pytest.mark.django_db


# Lists and 404s


def test_an_officer_sees_every_agreement_and_a_member_only_their_own(as_user, officer):
    mine = GrantAgreementFactory()
    other = GrantAgreementFactory()

    officer_page = as_user(officer).get(url("agreements"))
    assert {mine.reference, other.reference} <= set(
        a.reference for a in officer_page.context["agreements"]
    )

    member_page = as_user(grantee_member(mine, MemberRole.VIEWER)).get(url("agreements"))
    assert [a.reference for a in member_page.context["agreements"]] == [mine.reference]


def test_the_list_is_paginated_and_keeps_the_filters_across_pages(as_user, officer, monkeypatch):
    monkeypatch.setattr("portal.pagination.PAGE_SIZE", 2)
    GrantAgreementFactory.create_batch(3, active=True)
    GrantAgreementFactory(draft=True)

    first = as_user(officer).get(url("agreements"), {"state": "active"})
    second = as_user(officer).get(url("agreements"), {"state": "active", "page": 2})

    assert len(first.context["agreements"]) == 2
    assert len(second.context["agreements"]) == 1
    assert "state=active&amp;page=2" in first.content.decode()


def test_someone_without_a_grant_sees_an_empty_list(as_user):
    GrantAgreementFactory()

    response = as_user(UserFactory(approver=True)).get(url("agreements"))

    assert response.status_code == 200
    assert not response.context["agreements"]


def test_the_pages_need_a_login(client):
    agreement = GrantAgreementFactory()

    response = client.get(url("agreement", agreement.pk))

    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("page", ["agreement", "report"])
def test_another_organisations_grant_or_report_is_not_found(as_user, page):
    report = PilotReportFactory(open=True)
    stranger = grantee_admin(GrantAgreementFactory())
    target = report.agreement.pk if page == "agreement" else report.pk

    response = as_user(stranger).get(url(page, target))

    assert response.status_code == 404


def test_an_officer_of_the_grantee_itself_does_not_see_its_grant(as_user):
    agreement = GrantAgreementFactory()
    insider = grantee_member(agreement, MemberRole.VIEWER, roles=["grant_officer"])

    assert as_user(insider).get(url("agreement", agreement.pk)).status_code == 404


def test_the_agreement_page_shows_what_signing_still_needs(as_user, officer):
    agreement = GrantAgreementFactory()

    response = as_user(officer).get(url("agreement", agreement.pk))

    assert response.status_code == 200
    assert "Upload the signed agreement file." in response.content.decode()
    assert response.context["may_edit"]


@pytest.mark.parametrize("state", ["signed", "active", "suspended", "completed", "terminated"])
def test_the_agreement_page_renders_in_every_state(as_user, officer, state):
    agreement = GrantAgreementFactory(**{state: True})

    for user in (officer, grantee_admin(agreement)):
        assert as_user(user).get(url("agreement", agreement.pk)).status_code == 200


# Draft editing


def budget_post(agreement, rows, version=None):
    data = {
        "seen_version": agreement.version if version is None else version,
        "budget-TOTAL_FORMS": len(rows),
        "budget-INITIAL_FORMS": 0,
    }
    for index, (category, description, amount) in enumerate(rows):
        data |= {
            f"budget-{index}-category": category,
            f"budget-{index}-description": description,
            f"budget-{index}-amount": amount,
        }
    return data


def test_an_officer_changes_the_budget_with_the_formset(as_user, officer):
    agreement = GrantAgreementFactory()
    rows = [
        ("staff", "Social workers", "100000.00"),
        ("transport", "Fuel", "20000.00"),
        ("", "", ""),
    ]

    response = as_user(officer).post(
        url("agreement_budget", agreement.pk), budget_post(agreement, rows)
    )

    assert response.status_code == 302
    assert list(agreement.budget_lines.values_list("description", flat=True)) == [
        "Social workers",
        "Fuel",
    ]


def test_a_budget_form_left_open_while_the_draft_changed_is_refused(as_user, officer):
    agreement = GrantAgreementFactory(version=4)
    rows = [("staff", "Stale", "1.00")]

    response = as_user(officer).post(
        url("agreement_budget", agreement.pk), budget_post(agreement, rows, version=3)
    )

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    assert agreement.budget_lines.get().description != "Stale"


def test_the_budget_page_of_a_signed_agreement_sends_the_officer_back(as_user, officer):
    agreement = GrantAgreementFactory(signed=True)

    response = as_user(officer).get(url("agreement_budget", agreement.pk), follow=True)

    assert "Only a draft agreement can be changed." in messages_of(response)


@pytest.mark.parametrize(
    "page", ["agreement_budget", "agreement_targets", "agreement_tranches", "agreement_terms"]
)
def test_the_grantee_cannot_open_the_draft_editing_pages(as_user, page):
    agreement = GrantAgreementFactory()

    assert as_user(grantee_admin(agreement)).get(url(page, agreement.pk)).status_code == 404


@pytest.mark.parametrize("page", ["agreement_targets", "agreement_tranches", "agreement_terms"])
def test_the_other_draft_pages_render_for_the_officer(as_user, officer, page):
    agreement = GrantAgreementFactory()

    assert as_user(officer).get(url(page, agreement.pk)).status_code == 200


def test_an_officer_changes_the_terms(as_user, officer):
    agreement = GrantAgreementFactory()

    response = as_user(officer).post(
        url("agreement_terms", agreement.pk),
        {
            "seen_version": 1,
            "start_date": "2027-03-15",
            "end_date": "2028-03-14",
            "reporting_frequency": "monthly",
            "report_due_days": 10,
        },
    )

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.reporting_frequency == "monthly"


# Signing and decisions


def test_both_sides_confirm_on_the_agreement_page(as_user, officer):
    agreement = GrantAgreementFactory(ready=True)

    first = as_user(officer).post(
        url("agreement_confirm", agreement.pk), {"seen_version": 1}, follow=True
    )
    assert "the other side confirms next" in " ".join(messages_of(first))
    second = as_user(grantee_admin(agreement)).post(
        url("agreement_confirm", agreement.pk), {"seen_version": 1}, follow=True
    )

    assert "The agreement is signed." in messages_of(second)
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SIGNED


def test_the_grantee_admin_uploads_the_signed_file(as_user):
    agreement = GrantAgreementFactory()
    client = as_user(grantee_admin(agreement))

    response = client.post(
        url("agreement_upload", agreement.pk),
        {"seen_version": 1, "file": upload("pdf", name="signed.pdf")},
    )

    assert response.status_code == 302
    document = agreement.documents.get()
    download = client.get(url("agreement_file", agreement.pk, document.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_program_uploaded_as_the_agreement_is_refused_next_to_the_field(as_user, officer):
    agreement = GrantAgreementFactory()

    response = as_user(officer).post(
        url("agreement_upload", agreement.pk),
        {"seen_version": 1, "file": upload("pdf", name="signed.pdf", content=b"MZ\x90\x00")},
    )

    assert response.status_code == 400
    assert response.context["upload_form"].errors["file"]
    assert not agreement.documents.exists()


def test_an_officer_suspends_with_a_reason_and_a_missing_reason_is_shown(as_user, officer):
    agreement = GrantAgreementFactory(active=True)
    client = as_user(officer)
    action = url("agreement_decide", agreement.pk, "suspend")

    refused = client.post(action, {"suspend-seen_state": "active", "suspend-text": ""})
    assert refused.status_code == 400
    assert refused.context["decisions"]["suspend"].errors["text"]

    done = client.post(action, {"suspend-seen_state": "active", "suspend-text": "Inspection."})
    assert done.status_code == 302
    agreement.refresh_from_db()
    assert agreement.state == AgreementState.SUSPENDED


def test_a_decision_on_a_stale_page_shows_the_conflict(as_user, officer):
    agreement = GrantAgreementFactory(suspended=True)

    response = as_user(officer).post(
        url("agreement_decide", agreement.pk, "resume"), {"resume-seen_state": "active"}
    )

    assert response.status_code == 400
    assert "changed by someone else" in response.content.decode()


def test_the_grantee_cannot_take_decisions(as_user):
    agreement = GrantAgreementFactory(active=True)

    response = as_user(grantee_admin(agreement)).post(
        url("agreement_decide", agreement.pk, "terminate"),
        {"terminate-seen_state": "active", "terminate-text": "No."},
    )

    assert response.status_code == 404
