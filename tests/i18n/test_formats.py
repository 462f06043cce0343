"""Dates, numbers and TMT amounts are written as each language writes them, and times are
Ashgabat's, whoever reads the page."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.conftest import sign_in
from tests.factories.grants import GrantAgreementFactory, PilotReportFactory, fill_report
from tests.factories.portal import UserFactory, add_notification
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import TenderFactory
from workflows.models import Notification

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NBSP = "\xa0"

# 09:30 UTC is 14:30 in Ashgabat (UTC+05:00, no summer time).
CONFIRMED_AT = datetime.datetime(2026, 4, 20, 9, 30, tzinfo=UTC)
DEADLINE = datetime.datetime(2099, 4, 15, 13, 0, tzinfo=UTC)

AGREEMENT = {
    "en": ["1,250,000.00 TMT", "1 May 2026", "20/04/2026 14:30"],
    "ru": [f"1{NBSP}250{NBSP}000,00 TMT", "1 мая 2026", "20.04.2026 14:30"],
    "tk": [f"1{NBSP}250{NBSP}000,00 TMT", "1 Maý 2026", "20.04.2026 14:30"],
}
NOTICE = {
    "en": ["15 April 2099 18:00 (Ashgabat time, UTC+05:00)", "480,000.00 TMT"],
    "ru": ["15 апреля 2099 18:00 (время Ашхабада, UTC+05:00)", f"480{NBSP}000,00 TMT"],
    "tk": ["15 Aprel 2099 18:00 (Aşgabat wagty, UTC+05:00)", f"480{NBSP}000,00 TMT"],
}
REPORT = {
    "en": ["New: 1,500 · Continuing: 2,218", "1,000.00"],
    "ru": [f"New: 1{NBSP}500 · Continuing: 2{NBSP}218", f"1{NBSP}000,00"],
    "tk": [f"New: 1{NBSP}500 · Continuing: 2{NBSP}218", f"1{NBSP}000,00"],
}
NOTIFIED = {
    "en": "20 April 2026 14:30",
    "ru": "20 апреля 2026 г. 14:30",
    "tk": "20 Aprel 2026 14:30",
}


def text(response):
    """The page's visible text, tags dropped and spaces (not non-breaking ones) squeezed."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", body)


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_a_grant_agreement_reads_in_the_officers_language(client, language):
    officer = UserFactory(grant_officer=True, language=language)
    agreement = GrantAgreementFactory(
        draft=True,
        amount=Decimal("1250000.00"),
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2027, 4, 30),
        officer_confirmed_by=officer,
        officer_confirmed_at=CONFIRMED_AT,
    )
    sign_in(client, officer)

    page = text(client.get(reverse("grants:agreement", args=[agreement.pk])))

    for expected in AGREEMENT[language]:
        assert expected in page, (expected, page)


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_a_tender_notice_gives_its_deadline_in_ashgabat_time_in_the_readers_language(
    client, language
):
    tender = TenderFactory(
        published=True, submission_deadline=DEADLINE, budget_ceiling=Decimal("480000")
    )
    client.cookies["django_language"] = language

    page = text(client.get(reverse("tenders:detail", args=[tender.pk])))

    for expected in NOTICE[language]:
        assert expected in page, (expected, page)


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_the_notification_centre_dates_each_notice_in_the_readers_language(client, language):
    user = UserFactory(language=language)
    notification = add_notification(user)
    Notification.objects.filter(pk=notification.pk).update(created_at=CONFIRMED_AT)
    sign_in(client, user)

    page = text(client.get(reverse("workflows:notifications")))

    assert NOTIFIED[language] in page, page


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_a_stored_date_stays_in_the_date_picker_in_every_language(client, language):
    provider = ProviderFactory(draft=True, registration_date=datetime.date(2019, 3, 15))
    user = admin_of(provider)
    user.language = language
    user.save(update_fields=["language"])
    sign_in(client, user)

    html = client.get(reverse("providers:edit")).content.decode()

    # A date picker reads only ISO dates; anything else shows it empty and loses the date.
    assert re.search(r'type="date" name="registration_date" value="2019-03-15"', html), html


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_a_reports_counts_and_spending_are_grouped_as_the_language_groups_them(client, language):
    report = fill_report(PilotReportFactory(open=True), new=1500, continuing=2218)
    sign_in(client, UserFactory(grant_officer=True, language=language))

    page = text(client.get(reverse("grants:report", args=[report.pk])))

    with translation.override(language):
        expected = [
            line.replace("New:", gettext("New:")).replace("Continuing:", gettext("Continuing:"))
            for line in REPORT[language]
        ]
    for line in expected:
        assert line in page, (line, page)
