"""Eligibility screening: the portal's findings at the deadline, confirmed or overridden."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from providers.models import ProviderState
from providers.services.verification import provider_suspend, provider_verify
from tenders.models import Evaluation, ScreeningLine
from tenders.services.evaluation import evaluation_create, screening_decide
from tenders.services.evaluation.screening import prefill_screenings, verified_state_at
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, StaffMemberFactory
from tests.factories.tenders import (
    BidFactory,
    EvaluationFactory,
    PanelMemberFactory,
    TenderFactory,
)
from workflows.audit import history
from workflows.errors import DomainError

pytestmark = pytest.mark.django_db


def _officer():
    return UserFactory(procurement_officer=True)


def _tender(**kwargs):
    kwargs.setdefault("required_document_types", ["charter", "tax_certificate"])
    kwargs.setdefault("min_trained_staff", 2)
    return TenderFactory(closed=True, **kwargs)


def _open(tender):
    return evaluation_create(
        actor=tender.created_by, tender=tender, deadline=timezone.now() + timedelta(days=7)
    )


def _lines(evaluation, bid):
    return {line.code: line for line in evaluation.screenings.get(bid=bid).lines.all()}


def test_the_portal_prefills_each_requirement_from_its_records_at_the_deadline():
    tender = _tender()
    provider = ProviderFactory(verified=True, documents=["charter"], trained_staff=1)
    bid = BidFactory(tender=tender, provider=provider, submitted=True)
    lines = _lines(_open(tender), bid)
    assert list(lines) == [
        "verified",
        "document:charter",
        "document:tax_certificate",
        "trained_staff",
    ]
    assert lines["verified"].portal_passed
    assert lines["document:charter"].portal_passed
    assert not lines["document:tax_certificate"].portal_passed
    # The bid's own trained staff member (see fill_bid) and the one above.
    assert lines["trained_staff"].portal_detail == {"trained": 2, "required": 2}
    assert lines["trained_staff"].portal_passed


def test_staff_trained_after_the_deadline_do_not_count():
    tender = _tender(min_trained_staff=1, required_document_types=[])
    provider = ProviderFactory(verified=True)
    bid = BidFactory(tender=tender, provider=provider, submitted=True, complete=False)
    person = StaffMemberFactory(provider=provider, trained=True)
    person.training_records.update(completed_on=timezone.localdate())
    lines = _lines(_open(tender), bid)
    assert lines["trained_staff"].portal_detail["trained"] == 0
    assert not lines["trained_staff"].portal_passed


def test_verification_is_read_as_it_stood_at_the_deadline():
    officer = _officer()
    deadline = timezone.now() - timedelta(days=1)
    verified_late = ProviderFactory(submitted=True)
    suspended_late = ProviderFactory(submitted=True)
    with time_machine.travel(deadline - timedelta(days=10)):
        provider_verify(actor=officer, provider=suspended_late)
    with time_machine.travel(deadline + timedelta(hours=2)):
        provider_verify(actor=officer, provider=verified_late)
        suspended_late.refresh_from_db()
        provider_suspend(actor=officer, provider=suspended_late, reason="Audit report overdue.")
    verified_late.refresh_from_db()
    suspended_late.refresh_from_db()
    assert verified_late.state == "verified" and suspended_late.state == "suspended"
    assert verified_state_at(verified_late, deadline) == "submitted"
    assert verified_state_at(suspended_late, deadline) == "verified"


def test_without_any_recorded_change_the_current_state_is_taken():
    provider = ProviderFactory(verified=True)
    assert verified_state_at(provider, timezone.now() - timedelta(days=3)) == "verified"


@pytest.fixture
def scene():
    tender = _tender(required_document_types=["charter"], min_trained_staff=0)
    good = BidFactory(
        tender=tender,
        provider=ProviderFactory(verified=True, documents=["charter"]),
        submitted=True,
    )
    lacking = BidFactory(tender=tender, submitted=True)
    return tender, _open(tender), good, lacking


def _decide(actor, evaluation, bid, overrides=None):
    screening = evaluation.screenings.get(bid=bid)
    decisions = {line.pk: (line.portal_passed, "") for line in screening.lines.all()}
    for code, decision in (overrides or {}).items():
        decisions[screening.lines.get(code=code).pk] = decision
    return screening_decide(actor=actor, screening=screening, decisions=decisions)


def test_confirming_the_findings_decides_eligibility_and_is_audited(scene):
    tender, evaluation, good, lacking = scene
    assert _decide(tender.created_by, evaluation, good).eligible is True
    assert _decide(tender.created_by, evaluation, lacking).eligible is False
    entry = history(evaluation).filter(action="screening_decided").last()
    assert entry.data["bid"] == lacking.pk
    assert {"code": "document:charter", "portal": False, "decided": False, "reason": ""} in (
        entry.data["lines"]
    )


def test_an_override_needs_a_reason(scene):
    tender, evaluation, _good, lacking = scene
    with pytest.raises(DomainError) as refused:
        _decide(tender.created_by, evaluation, lacking, {"document:charter": (True, "")})
    assert refused.value.code == "override_reason"
    screening = _decide(
        tender.created_by,
        evaluation,
        lacking,
        {"document:charter": (True, "The charter was filed on paper before the deadline.")},
    )
    assert screening.eligible is True
    line = screening.lines.get(code="document:charter")
    assert line.overridden and line.reason.startswith("The charter")


def test_every_line_must_be_decided(scene):
    tender, evaluation, good, _lacking = scene
    screening = evaluation.screenings.get(bid=good)
    with pytest.raises(DomainError) as refused:
        screening_decide(actor=tender.created_by, screening=screening, decisions={})
    assert refused.value.code == "line_undecided"


def test_the_cleared_chair_may_screen_and_an_evaluator_may_not(scene):
    _tender, evaluation, good, _lacking = scene
    chair = PanelMemberFactory(evaluation=evaluation, chair=True, cleared=True).user
    evaluator = PanelMemberFactory(evaluation=evaluation, cleared=True).user
    assert _decide(chair, evaluation, good).decided_by == chair
    with pytest.raises(DomainError) as refused:
        _decide(evaluator, evaluation, good)
    assert refused.value.code == "forbidden"


def test_screening_is_closed_once_scoring_starts():
    evaluation = EvaluationFactory(scoring=True)
    bid = BidFactory(tender=evaluation.tender, submitted=True)
    prefill_screenings(evaluation)
    with pytest.raises(DomainError) as refused:
        _decide(evaluation.created_by, evaluation, bid)
    assert refused.value.code == "not_allowed"


def test_deciding_the_same_way_twice_writes_one_audit_entry(scene):
    tender, evaluation, good, _lacking = scene
    _decide(tender.created_by, evaluation, good)
    _decide(tender.created_by, evaluation, good)
    assert history(evaluation).filter(action="screening_decided").count() == 1


def test_the_screening_page_records_an_override_with_its_reason(client, scene):
    tender, evaluation, _good, lacking = scene
    screening = evaluation.screenings.get(bid=lacking)
    lines = {line.code: line for line in screening.lines.all()}
    sign_in(client, tender.created_by)
    url = reverse("tenders:evaluation_screening", args=[evaluation.pk, lacking.pk])
    data = {f"passed_{line.pk}": "yes" if line.portal_passed else "no" for line in lines.values()}
    data[f"passed_{lines['document:charter'].pk}"] = "yes"
    page = client.post(url, data)
    assert page.status_code == 200
    assert "Give the reason for overriding" in page.content.decode()
    data[f"reason_{lines['document:charter'].pk}"] = "Seen on paper."
    assert client.post(url, data).status_code == 302
    assert ScreeningLine.objects.get(pk=lines["document:charter"].pk).passed is True


def test_the_screening_page_is_not_found_for_an_evaluator(client, scene):
    _tender, evaluation, good, _lacking = scene
    evaluator = PanelMemberFactory(evaluation=evaluation, cleared=True).user
    sign_in(client, evaluator)
    url = reverse("tenders:evaluation_screening", args=[evaluation.pk, good.pk])
    assert client.get(url).status_code == 404
    assert Evaluation.objects.get(pk=evaluation.pk).state == "screening"


@pytest.mark.parametrize("language", ["tk", "ru", "en"])
def test_the_organisations_state_at_the_deadline_is_named_in_the_readers_language(language):
    line = ScreeningLine(code=ScreeningLine.VERIFIED, portal_detail={"state": "verified"})

    with translation.override(language):
        finding, state = str(line.finding), str(ProviderState.VERIFIED.label)

    assert finding.endswith(f": {state}")
    assert language == "en" or "verified" not in finding
