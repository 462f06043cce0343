"""A report is sent for review only as its page showed it: one changed in another tab or by
a colleague after the page opened is refused as stale, naming what changed."""

import pytest
from django.utils import translation

from grants.models import ReportState
from grants.services import report_attach, report_resubmit, report_submit
from grants.services.fingerprints import report_fingerprint
from tests.factories.documents import upload
from tests.factories.grants import PilotReportFactory, grantee_admin
from tests.grants.pages import messages_of, url
from tests.grants.report_content import save
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return PilotReportFactory(open=True, filled=True)


def _attach(report):
    return report_attach(
        actor=grantee_admin(report.agreement),
        report=report,
        uploaded_file=upload("pdf", name="visits.pdf"),
        title="Visit log",
    )


def _page_data(report, seen):
    data = {"seen_state": report.state, "seen_version": report.version}
    return data if seen is None else {**data, "seen": seen}


def _signed_in(as_user, user, language="en"):
    user.language = language
    user.save(update_fields=["language"])
    return as_user(user)


def test_a_report_is_submitted_when_it_is_what_the_page_showed(report):
    admin = grantee_admin(report.agreement)
    submitted = report_submit(actor=admin, report=report, seen=report_fingerprint(report))
    assert submitted.state == ReportState.SUBMITTED


def test_a_report_given_an_attachment_after_its_page_opened_is_not_submitted(report):
    seen = report_fingerprint(report)
    _attach(report)
    with pytest.raises(DomainError) as refused:
        report_submit(actor=grantee_admin(report.agreement), report=report, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert refused.value.code == "stale"
    assert message == (
        "The report changed after you opened this page: the attachments changed. Check it and "
        "submit again."
    )
    report.refresh_from_db()
    assert (report.state, report.submitted_at) == (ReportState.OPEN, None)
    assert not OutboxMessage.objects.filter(event="grants.report_submitted").exists()


def test_a_report_saved_in_another_tab_names_the_changed_parts(report):
    seen = report_fingerprint(report)
    save(report, achievements="Two more families reached.", cases_closed=2)
    report.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        report_submit(
            actor=grantee_admin(report.agreement),
            report=report,
            seen=seen,
            seen_version=report.version - 1,
        )
    with translation.override("en"):
        message = str(refused.value.message)
    assert refused.value.code == "stale"
    assert "the figures changed; the narrative changed;" in message
    assert "attachments" not in message


def test_a_revised_report_changed_after_its_page_opened_is_not_resubmitted():
    report = PilotReportFactory(returned=True, filled=True)
    seen = report_fingerprint(report)
    _attach(report)
    with pytest.raises(DomainError, match="stale"):
        report_resubmit(actor=grantee_admin(report.agreement), report=report, seen=seen)
    report.refresh_from_db()
    assert report.state == ReportState.RETURNED


def test_a_stale_report_page_is_refused_in_the_users_language(as_user, report):
    client = _signed_in(as_user, grantee_admin(report.agreement), "ru")
    data = _page_data(report, report_fingerprint(report))
    _attach(report)
    response = client.post(url("report_submit", report.pk), data, follow=True)
    assert messages_of(response) == [
        "Отчёт изменился после того, как вы открыли эту страницу: изменились вложения. "
        "Проверьте его и подайте снова."
    ]
    assert f'name="seen" value="{report_fingerprint(report)}"' in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


@pytest.mark.parametrize("seen", [None, "", "v1.a.b.c.d"])
def test_a_missing_or_forged_report_fingerprint_is_refused_as_stale(as_user, report, seen):
    client = _signed_in(as_user, grantee_admin(report.agreement))
    response = client.post(url("report_submit", report.pk), _page_data(report, seen), follow=True)
    assert "The report changed after you opened this page" in " ".join(messages_of(response))
    report.refresh_from_db()
    assert report.state == ReportState.OPEN


def test_a_second_click_on_a_submitted_report_changes_nothing(as_user, report):
    client = _signed_in(as_user, grantee_admin(report.agreement))
    data = _page_data(report, report_fingerprint(report))
    client.post(url("report_submit", report.pk), data)
    again = client.post(url("report_submit", report.pk), data, follow=True)
    assert not any("changed" in message for message in messages_of(again))
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert history(report).filter(action="submit").count() == 1
