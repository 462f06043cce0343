"""Every grants notification renders, in every language, from the context its service sends."""

import re
from pathlib import Path

import pytest

from grants.services.common import agreement_context, report_context, tranche_context
from tests.factories.grants import GrantAgreementFactory, PilotReportFactory, TrancheFactory
from tests.factories.portal import UserFactory
from workflows.delivery import render
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db

GRANTS = Path(__file__).resolve().parents[2] / "grants"
TEMPLATES = GRANTS / "templates" / "notifications"


def events_sent_by_services():
    found = set()
    for path in (GRANTS / "services").glob("*.py"):
        found |= set(re.findall(r'"(grants\.[a-z_]+)"', path.read_text()))
    return found


def test_every_event_the_services_send_has_its_templates():
    events = {path.name for path in TEMPLATES.iterdir()}

    assert len(events_sent_by_services()) == 20
    assert events_sent_by_services() == events
    for event in events:
        assert (TEMPLATES / event / "subject.txt").exists()
        assert (TEMPLATES / event / "body.txt").exists()


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_every_notification_renders_with_its_facts(language):
    agreement = GrantAgreementFactory(active=True, reports=False)
    report = PilotReportFactory(agreement=agreement, open=True)
    tranche = TrancheFactory(agreement=agreement, paid=True)
    recipient = UserFactory(language=language)
    contexts = {
        "agreement": {
            **agreement_context(agreement),
            "reason": "Inspection.",
            "file_name": "a.pdf",
            "side": "ministry",
        },
        "report": {
            **report_context(report),
            "days_late": 15,
            "step": "overdue-2",
            "comments": [{"section": "narrative", "comment": "Say more."}],
        },
        "tranche": tranche_context(tranche),
    }

    for event in sorted(path.name for path in TEMPLATES.iterdir()):
        kind = event.split(".")[1].split("_")[0]
        context = contexts.get(kind, contexts["agreement"])
        message = OutboxMessage(event=event, recipient=recipient, context=context, url="/grants/")
        subject, body = render(message)
        assert subject and "{{" not in subject + body, event
        assert agreement.reference in subject + body, event
