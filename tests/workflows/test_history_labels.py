"""Every entry of the histories people read is told in words of their language, never as the
code the audit log stores."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from grants import audit_labels as grant_labels
from grants.models import GrantAgreement, PilotReport
from grants.services import draft
from providers import audit_labels as provider_labels
from providers.models import Provider
from tests.conftest import sign_in
from tests.factories.grants import PilotReportFactory, officer
from workflows import audit

ROOT = Path(__file__).resolve().parents[2]
RECORDED = re.compile(r'audit\.record\(\s*[\w.]+,\s*"(\w+)"')


def recorded_actions(app):
    """The action codes ``app``'s code writes with ``audit.record``."""
    return {
        code for path in (ROOT / app).rglob("*.py") for code in RECORDED.findall(path.read_text())
    }


def transitions(model):
    field = model._meta.get_field("state")
    return {transition.name for transition in field.get_all_transitions(model)}


CASES = {
    "providers": (provider_labels.ACTIONS, [Provider], set()),
    "grants": (grant_labels.ACTIONS, [GrantAgreement, PilotReport], set(draft.EDITS)),
}


@pytest.mark.parametrize("app", CASES)
def test_every_action_of_a_history_has_a_label(app):
    labels, models, edits = CASES[app]
    actions = recorded_actions(app).union(edits, *(transitions(model) for model in models))

    assert actions - set(labels) == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "accepted"), [("tk", "Kabul edildi"), ("ru", "Принято"), ("en", "Accepted")]
)
def test_a_reports_history_reads_in_the_readers_language(client, language, accepted):
    report = PilotReportFactory(accepted=True)
    reader = officer(language=language)
    audit.record(report, "return_for_revision", actor=reader, target_state="returned")
    audit.record(report, "accept", actor=reader, target_state="accepted", note="Checked.")
    sign_in(client, reader)

    html = client.get(reverse("grants:report", args=[report.pk])).content.decode()
    history = html[html.index('id="history-heading"') :]

    assert f"{accepted} ({reader}): Checked." in history
    with translation.override(language):
        assert f"{grant_labels.ACTIONS['return_for_revision']} ({reader})" in history
    assert "return_for_revision" not in history and "accept " not in history
