"""The report and tranche pages: filling in, submitting, reviewing, paying."""

import pytest
from django.utils import timezone

from grants.models import ReportState, TrancheState
from providers.models import MemberRole
from tests.factories.documents import upload
from tests.factories.grants import (
    GrantAgreementFactory,
    PilotReportFactory,
    TrancheFactory,
    grantee_admin,
    grantee_member,
)
from tests.grants.pages import messages_of, url

pytestmark = pytest.mark.django_db


# Reports


def report_post(report, **changes):
    agreement = report.agreement
    data = {
        "main-seen_version": report.version,
        "main-beneficiaries_new": 3,
        "main-beneficiaries_continuing": 2,
        "main-cases_opened": 3,
        "main-cases_active": 4,
        "main-cases_closed": 1,
        "main-services_other_description": "",
        "main-achievements": "Help at home twice a week.",
        "main-challenges": "Winter roads.",
        "main-changes_observed": "Fewer emergency calls.",
        "cells-TOTAL_FORMS": 2,
        "cells-INITIAL_FORMS": 0,
        "cells-0-target_group": agreement.target_groups.first().pk,
        "cells-0-etrap": agreement.etraps.first().pk,
        "cells-0-sex": "female",
        "cells-0-age_band": "60_plus",
        "cells-0-new": 3,
        "cells-0-continuing": 2,
        "services-home_visit": 12,
    }
    for target in agreement.targets.all():
        data[f"targets-target_{target.pk}"] = 4
    for line in agreement.budget_lines.all():
        data[f"expenditure-amount_{line.pk}"] = "9000.00"
        data[f"expenditure-explanation_{line.pk}"] = ""
    data.update(changes)
    return data


def test_the_grantee_sees_its_reports_due(as_user):
    report = PilotReportFactory(open=True)

    response = as_user(grantee_member(report.agreement, MemberRole.VIEWER)).get(url("reports"))

    assert list(response.context["due"]) == [report]


def test_an_editor_fills_in_the_report_form(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_member(report.agreement))

    assert client.get(url("report_edit", report.pk)).status_code == 200
    response = client.post(url("report_edit", report.pk), report_post(report))

    assert response.status_code == 302, [f.errors for f in response.context["forms"].all()]
    report.refresh_from_db()
    assert (report.version, report.beneficiaries_new) == (2, 3)
    assert report.beneficiary_counts.get().continuing == 2
    assert report.service_counts.get().count == 12


def test_a_stale_report_form_shows_the_conflict_and_saves_nothing(as_user):
    report = PilotReportFactory(open=True, version=5)

    response = as_user(grantee_admin(report.agreement)).post(
        url("report_edit", report.pk), report_post(report, **{"main-seen_version": 4})
    )

    assert response.status_code == 200
    assert "changed by someone else" in response.content.decode()
    report.refresh_from_db()
    assert report.beneficiaries_new is None


def test_a_negative_number_is_shown_next_to_its_field(as_user):
    report = PilotReportFactory(open=True)

    response = as_user(grantee_admin(report.agreement)).post(
        url("report_edit", report.pk), report_post(report, **{"main-cases_closed": -1})
    )

    assert response.status_code == 200
    assert response.context["forms"].main.errors["cases_closed"]


@pytest.mark.parametrize("number", [10**30, 2**63, 2**31])
def test_an_impossibly_large_breakdown_count_is_a_field_error_and_stores_nothing(as_user, number):
    report = PilotReportFactory(open=True)

    response = as_user(grantee_admin(report.agreement)).post(
        url("report_edit", report.pk), report_post(report, **{"cells-0-new": number})
    )

    assert response.status_code == 200
    assert response.context["forms"].cells.forms[0].errors["new"]
    report.refresh_from_db()
    assert (report.version, report.beneficiaries_new) == (1, None)
    assert not report.beneficiary_counts.exists()


@pytest.mark.parametrize("name", ["main-cases_opened", "services-home_visit"])
def test_a_count_past_a_postgresql_integer_is_a_field_error(as_user, name):
    report = PilotReportFactory(open=True)

    response = as_user(grantee_admin(report.agreement)).post(
        url("report_edit", report.pk), report_post(report, **{name: 2**31})
    )

    assert response.status_code == 200
    assert "Ensure this value is less than or equal to" in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1


def test_nul_and_other_control_characters_pasted_into_a_narrative_are_removed(as_user):
    report = PilotReportFactory(open=True)

    response = as_user(grantee_admin(report.agreement)).post(
        url("report_edit", report.pk),
        report_post(report, **{"main-achievements": "Help\x00 at\x07 home.\r\nTwice\ta week."}),
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.achievements == "Help at home.\r\nTwice\ta week."


def test_a_viewer_cannot_open_the_report_form(as_user):
    report = PilotReportFactory(open=True)

    response = as_user(grantee_member(report.agreement, MemberRole.VIEWER)).get(
        url("report_edit", report.pk)
    )

    assert response.status_code == 404


def test_an_incomplete_report_is_not_submitted_and_says_why(as_user):
    report = PilotReportFactory(open=True)

    response = as_user(grantee_admin(report.agreement)).post(
        url("report_submit", report.pk),
        {"seen_state": "open", "seen_version": report.version},
        follow=True,
    )

    assert "The report is not complete yet" in " ".join(messages_of(response))
    assert response.context["problems"]
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_the_admin_submits_and_later_resubmits(as_user, officer):
    report = PilotReportFactory(open=True, filled=True)
    admin = grantee_admin(report.agreement)

    as_user(admin).post(
        url("report_submit", report.pk), {"seen_state": "open", "seen_version": report.version}
    )
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED

    as_user(officer).post(
        url("report_review", report.pk, "return"),
        {"return-seen_state": "submitted", "return-narrative": "Say more about the families."},
    )
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED
    page = as_user(admin).get(url("report", report.pk))
    assert "Say more about the families." in page.content.decode()

    as_user(admin).post(
        url("report_submit", report.pk), {"seen_state": "returned", "seen_version": report.version}
    )
    report.refresh_from_db()
    assert report.state == ReportState.RESUBMITTED


def test_a_return_without_any_comment_is_shown_on_the_form(as_user, officer):
    report = PilotReportFactory(submitted=True)

    response = as_user(officer).post(
        url("report_review", report.pk, "return"), {"return-seen_state": "submitted"}
    )

    assert response.status_code == 400
    assert response.context["return_form"].errors


def test_the_officer_accepts_a_report_from_the_review_list(as_user, officer):
    report = PilotReportFactory(submitted=True)
    client = as_user(officer)

    listing = client.get(url("reports"))
    assert list(listing.context["to_review"]) == [report]
    assert client.get(url("report", report.pk)).context["may_review"]
    client.post(url("report_review", report.pk, "accept"), {"accept-seen_state": "submitted"})

    report.refresh_from_db()
    assert report.state == ReportState.ACCEPTED


def test_the_grantee_cannot_review_its_own_report(as_user):
    report = PilotReportFactory(submitted=True)

    response = as_user(grantee_admin(report.agreement)).post(
        url("report_review", report.pk, "accept"), {"accept-seen_state": "submitted"}
    )

    assert response.status_code == 404


def test_attachments_are_added_downloaded_and_removed(as_user):
    report = PilotReportFactory(open=True)
    client = as_user(grantee_member(report.agreement))

    client.post(url("report_attach", report.pk), {"title": "Visit", "file": upload("png")})
    attachment = report.attachments.get()
    assert client.get(url("report_attachment", report.pk, attachment.pk)).status_code == 200
    stranger = as_user(grantee_admin(GrantAgreementFactory()))
    assert stranger.get(url("report_attachment", report.pk, attachment.pk)).status_code == 404

    as_user(grantee_member(report.agreement)).post(url("report_detach", report.pk, attachment.pk))
    assert not report.attachments.exists()


def test_the_report_page_renders_its_content_for_both_sides(as_user, officer):
    report = PilotReportFactory(accepted=True)

    for user in (officer, grantee_admin(report.agreement)):
        response = as_user(user).get(url("report", report.pk))
        assert response.status_code == 200
        assert "Fewer emergency calls" in response.content.decode()


# Tranches


def test_the_officer_approves_and_records_a_payment(as_user, officer):
    tranche = TrancheFactory(eligible=True)
    client = as_user(officer)

    assert list(client.get(url("tranches")).context["tranches"]) == [tranche]
    client.post(url("tranche_approve", tranche.pk), {"seen_state": "eligible"})
    response = client.post(
        url("tranche_pay", tranche.pk),
        {
            f"pay-{tranche.pk}-seen_state": "approved",
            f"pay-{tranche.pk}-paid_on": timezone.localdate().isoformat(),
            f"pay-{tranche.pk}-reference": "PP-1",
        },
    )

    assert response.status_code == 302
    tranche.refresh_from_db()
    assert (tranche.state, tranche.payment_reference) == (TrancheState.PAID, "PP-1")


def test_a_payment_in_the_future_is_shown_next_to_the_date(as_user, officer):
    tranche = TrancheFactory(approved=True)

    response = as_user(officer).post(
        url("tranche_pay", tranche.pk),
        {
            f"pay-{tranche.pk}-seen_state": "approved",
            f"pay-{tranche.pk}-paid_on": "2099-01-01",
            f"pay-{tranche.pk}-reference": "PP-1",
        },
    )

    assert response.status_code == 400
    assert response.context["payment_forms"][tranche.pk].errors["paid_on"]


def test_approving_a_tranche_ahead_of_its_condition_shows_why(as_user, officer):
    tranche = TrancheFactory(scheduled=True)

    response = as_user(officer).post(
        url("tranche_approve", tranche.pk), {"seen_state": "scheduled"}, follow=True
    )

    assert "not possible while the item is scheduled" in " ".join(messages_of(response))
    tranche.refresh_from_db()
    assert tranche.state == TrancheState.SCHEDULED


def test_the_tranche_pages_do_not_exist_for_the_grantee(as_user):
    tranche = TrancheFactory(eligible=True)
    client = as_user(grantee_admin(tranche.agreement))

    assert client.get(url("tranches")).status_code == 404
    assert (
        client.post(url("tranche_approve", tranche.pk), {"seen_state": "eligible"}).status_code
        == 404
    )
