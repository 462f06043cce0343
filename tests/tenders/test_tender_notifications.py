"""Every tender notification renders in the reader's language, for email and in the portal."""

import datetime

import pytest

from tenders.models import Bid
from tenders.services.amendment import tender_amend
from tenders.services.clarification import (
    clarification_answer,
    clarification_ask,
    clarification_remind_officer,
)
from tenders.services.tender import tender_cancel, tender_publish
from tests.factories.providers import ProviderFactory, admin_of
from tests.factories.tenders import TenderFactory
from tests.tenders.tender_support import at_ashgabat, bid_in
from workflows.delivery import deliver
from workflows.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def deliver_all():
    for pk in OutboxMessage.objects.filter(delivered_at__isnull=True).values_list("pk", flat=True):
        assert deliver(pk)


@pytest.mark.parametrize(
    "language, title, deadline",
    [
        ("ru", "Помощь на дому & уход", "15 апреля 2099 18:00"),
        ("tk", "Öýde hyzmat & ideg", "2099 18:00"),
        ("en", "Home care & support", "15 April 2099 18:00 (Ashgabat time, UTC+05:00)"),
    ],
)
def test_every_tender_event_renders_for_email_and_in_app(mailoutbox, language, title, deadline):
    tender = TenderFactory(
        title_ru="Помощь на дому & уход",
        title_tk="Öýde hyzmat & ideg",
        title_en="Home care & support",
        questions_deadline=at_ashgabat(2099, 4, 8, 12, 0),
        submission_deadline=at_ashgabat(2099, 4, 15, 18, 0),
        grant_start=datetime.date(2099, 6, 1),
    )
    officer = tender.created_by
    provider = ProviderFactory(verified=True)
    provider.service_types.add(tender.service_type)
    admin = admin_of(provider)
    for user in (admin, officer):
        user.language = language
        user.save(update_fields=["language"])

    tender = tender_publish(actor=officer, tender=tender)
    bid_in(tender, Bid.State.SUBMITTED, provider=provider)
    question = clarification_ask(actor=admin, tender=tender, provider=provider, question="Q?")
    clarification_remind_officer(
        tender=tender, now=tender.questions_deadline - datetime.timedelta(days=1)
    )
    clarification_answer(actor=officer, clarification=question, answer="A <b>.")
    tender_amend(
        actor=officer, tender=tender, values={"title_en": "Changed"}, reason="Typo & more."
    )
    tender_cancel(actor=officer, tender=tender, reason="Budget <withdrawn>.")
    deliver_all()

    events = set(OutboxMessage.objects.values_list("event", flat=True))
    assert events == {
        "tenders.tender_published",
        "tenders.question_asked",
        "tenders.questions_reminder",
        "tenders.question_answered",
        "tenders.tender_amended",
        "tenders.tender_cancelled",
    }
    to_admin = [mail for mail in mailoutbox if mail.to == [admin.email]]
    published = to_admin[0]
    assert title in published.subject
    assert deadline in published.body
    assert any("A <b>." in mail.body for mail in to_admin)
    assert any("Budget <withdrawn>." in mail.body for mail in to_admin)
    assert Notification.objects.filter(recipient=officer).count() == 3
