"""Warnings before an organisation's documents expire."""

import datetime

import pytest
import time_machine

from providers.models import DocumentType, MemberRole
from tests.factories.documents import pdf_bytes
from tests.factories.providers import ProviderDocumentFactory, ProviderFactory, admin_of, member_of
from workflows import sweeps
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

EXPIRY = datetime.date(2027, 6, 30)


def at(day):
    """09:00 in Ashgabat on ``day``."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(4, 0), tzinfo=datetime.UTC), tick=False
    )


def run_sweeps():
    return sweeps.run_all()["providers.document_expiry"]


def warnings():
    return OutboxMessage.objects.filter(event="providers.document_expiring", channel="email")


@pytest.fixture
def document():
    with at(EXPIRY - datetime.timedelta(days=200)):
        provider = ProviderFactory(verified=True)
        member_of(provider, MemberRole.ADMIN)
        member_of(provider, MemberRole.EDITOR)
        return ProviderDocumentFactory(provider=provider, expires_on=EXPIRY)


def test_the_sweep_is_registered():
    assert "providers.document_expiry" in sweeps.registered()


def test_nothing_is_sent_more_than_30_days_before_expiry(document):
    with at(EXPIRY - datetime.timedelta(days=31)):
        assert run_sweeps() == 0

    assert not warnings().exists()


def test_the_admins_are_warned_30_days_before_and_a_second_run_sends_nothing(document):
    with at(EXPIRY - datetime.timedelta(days=30)):
        assert run_sweeps() == 1
        assert run_sweeps() == 0

    rows = warnings()
    admins = set(document.provider.memberships.filter(role="admin").values_list("user", flat=True))
    assert set(rows.values_list("recipient", flat=True)) == admins
    assert len(admins) == 2 and rows.count() == 2
    assert rows.first().context["days_left"] == 30


def test_the_7_day_warning_follows_the_30_day_warning_once(document):
    with at(EXPIRY - datetime.timedelta(days=30)):
        run_sweeps()
    with at(EXPIRY - datetime.timedelta(days=20)):
        assert run_sweeps() == 0
    with at(EXPIRY - datetime.timedelta(days=7)):
        assert run_sweeps() == 1
        assert run_sweeps() == 0
    with at(EXPIRY - datetime.timedelta(days=3)):
        assert run_sweeps() == 0

    assert sorted(warnings().values_list("context__days_left", flat=True)) == [7, 7, 30, 30]


def test_a_document_first_seen_within_7_days_gets_only_the_7_day_warning(document):
    with at(EXPIRY - datetime.timedelta(days=5)):
        run_sweeps()
        run_sweeps()

    assert list(warnings().values_list("context__days_left", flat=True)) == [5, 5]


def test_an_expired_document_is_not_warned_about(document):
    with at(EXPIRY + datetime.timedelta(days=1)):
        assert run_sweeps() == 0

    assert not warnings().exists()


def test_a_document_already_renewed_needs_no_warning(document):
    with at(EXPIRY - datetime.timedelta(days=60)):
        ProviderDocumentFactory(
            provider=document.provider,
            document_type=DocumentType.CHARTER,
            expires_on=EXPIRY + datetime.timedelta(days=365),
            content=pdf_bytes(padding=1),
        )
    with at(EXPIRY - datetime.timedelta(days=30)):
        run_sweeps()
    with at(EXPIRY - datetime.timedelta(days=7)):
        run_sweeps()

    assert not warnings().exists()


def test_a_warning_is_delivered_by_email_naming_the_document(document, mailoutbox):
    from workflows.delivery import deliver

    admin = admin_of(document.provider)
    admin.language = "ru"
    admin.save(update_fields=["language"])
    with at(EXPIRY - datetime.timedelta(days=30)):
        run_sweeps()
    message = warnings().get(recipient=admin)

    assert deliver(message.pk)

    assert mailoutbox[-1].to == [admin.email]
    assert document.title in mailoutbox[-1].subject
    assert "30" in mailoutbox[-1].body


def test_warnings_are_published_only_after_the_sweep_commits(
    document, django_capture_on_commit_callbacks
):
    with at(EXPIRY - datetime.timedelta(days=30)):
        with django_capture_on_commit_callbacks() as callbacks:
            run_sweeps()
            assert not warnings().filter(published_at__isnull=False).exists()
        assert len(callbacks) == 1
        callbacks[0]()

    assert not warnings().filter(published_at__isnull=True).exists()


def test_a_rejected_organisations_documents_are_not_warned_about():
    with at(EXPIRY - datetime.timedelta(days=200)):
        ProviderDocumentFactory(provider=ProviderFactory(rejected=True), expires_on=EXPIRY)
    with at(EXPIRY - datetime.timedelta(days=30)):
        assert run_sweeps() == 0
