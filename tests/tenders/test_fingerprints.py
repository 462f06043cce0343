"""A confirmation acts only on what its page showed: a bid, a score sheet, an award decision
and a draft tender changed in another tab are refused as stale, naming what changed."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tenders.models import AwardDecision, Bid, BidBudgetLine, ScoreSheet, Tender
from tenders.services.award import award_approve, award_propose
from tenders.services.bid import bid_budget_line_add
from tenders.services.bid_submission import bid_submit
from tenders.services.evaluation import sheet_save, sheet_submit
from tenders.services.fingerprints import (
    bid_fingerprint,
    decision_fingerprint,
    sheet_fingerprint,
    tender_fingerprint,
)
from tenders.services.tender import tender_publish, tender_update
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import (
    BidFactory,
    TenderFactory,
    bid_ready_tender,
    completed_evaluation,
    eligible_provider,
    score_all,
    scoring_evaluation,
)
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def bid():
    tender = bid_ready_tender()
    return BidFactory(tender=tender, provider=eligible_provider(tender), complete=True)


def _signed_in(client, user, language="en"):
    user.language = language
    user.save(update_fields=["language"])
    sign_in(client, user)
    return client


def _add_line(bid, amount="5000.00"):
    return bid_budget_line_add(
        actor=admin_of(bid.provider),
        bid=bid,
        category=BidBudgetLine.Category.OTHER,
        description="Transport",
        amount=Decimal(amount),
    )


def _submit_page(client, bid, data):
    return client.post(reverse("tenders:bid_submit", args=[bid.pk]), data)


def test_a_bid_submits_when_its_content_is_what_the_page_showed(bid):
    submitted = bid_submit(actor=admin_of(bid.provider), bid=bid, seen=bid_fingerprint(bid))
    assert submitted.state == Bid.State.SUBMITTED


def test_a_bid_changed_after_its_submit_page_opened_is_not_sealed(bid):
    seen = bid_fingerprint(bid)
    _add_line(bid)
    with pytest.raises(DomainError) as refused, translation.override("en"):
        bid_submit(actor=admin_of(bid.provider), bid=bid, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert refused.value.code == "stale"
    assert message == (
        "The bid changed after you opened this page: budget lines changed; the total is now "
        "125,000.00 TMT. Check it and submit again."
    )
    bid.refresh_from_db()
    assert (bid.state, bid.content_sha256, bid.submitted_at) == (Bid.State.DRAFT, "", None)
    assert not AuditEntry.objects.filter(action="submit").exists()


def test_each_changed_part_of_a_bid_is_named(bid):
    seen = bid_fingerprint(bid)
    section = bid.sections.first()
    section.text = "Another approach"
    section.save()
    bid.documents.update(title="Another charter")
    with pytest.raises(DomainError) as refused:
        bid_submit(actor=admin_of(bid.provider), bid=bid, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert "the technical proposal changed; the documents changed; the total is now" in message
    assert "budget lines" not in message


def test_a_stale_submit_page_is_shown_again_with_the_new_total_in_the_users_language(client, bid):
    client = _signed_in(client, admin_of(bid.provider), "ru")
    seen = bid_fingerprint(bid)
    _add_line(bid)
    response = _submit_page(client, bid, {"seen_state": "draft", "seen": seen})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Заявка изменилась после того, как вы открыли эту страницу" in text
    assert "125\xa0000,00 TMT" in text or "125 000,00 TMT" in text
    assert "Transport" in text
    assert response.context["form"]["seen"].value() == bid_fingerprint(bid)
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT


def test_submitting_again_from_the_page_shown_after_a_refusal_seals_the_bid(client, bid):
    client = _signed_in(client, admin_of(bid.provider))
    seen = bid_fingerprint(bid)
    _add_line(bid)
    refused = _submit_page(client, bid, {"seen_state": "draft", "seen": seen})
    fresh = refused.context["form"]["seen"].value()
    response = _submit_page(client, bid, {"seen_state": "draft", "seen": fresh})
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.state == Bid.State.SUBMITTED
    assert bid.budget_lines.count() == 2


@pytest.mark.parametrize("seen", [None, "", "v1.0000000000000000", "not a fingerprint"])
def test_a_missing_or_forged_bid_fingerprint_is_refused_as_stale(client, bid, seen):
    client = _signed_in(client, admin_of(bid.provider))
    data = {"seen_state": "draft"} if seen is None else {"seen_state": "draft", "seen": seen}
    response = _submit_page(client, bid, data)
    assert response.status_code == 200
    assert "The bid changed after you opened this page" in response.content.decode()
    bid.refresh_from_db()
    assert bid.state == Bid.State.DRAFT


def test_the_submit_page_shows_what_it_fingerprints(client, bid):
    client = _signed_in(client, admin_of(bid.provider))
    response = client.get(reverse("tenders:bid_submit", args=[bid.pk]))
    text = response.content.decode()
    assert f'name="seen" value="{bid_fingerprint(bid)}"' in text
    assert bid.sections.first().text in text
    assert bid.budget_lines.get().description in text
    assert bid.documents.get().sha256 in text
    assert bid.staff.get().staff_member.full_name in text


def test_a_second_click_after_the_bid_is_sealed_changes_nothing(client, bid):
    client = _signed_in(client, admin_of(bid.provider))
    data = {"seen_state": "draft", "seen": bid_fingerprint(bid)}
    assert _submit_page(client, bid, data).status_code == 302
    bid.refresh_from_db()
    sealed = (bid.content_sha256, bid.submitted_at)
    again = _submit_page(client, bid, data)
    bid.refresh_from_db()
    assert again.status_code == 302
    assert (bid.content_sha256, bid.submitted_at) == sealed
    assert AuditEntry.objects.filter(action="submit").count() == 1


# Score sheets


@pytest.fixture
def sheet_scene():
    evaluation, _chair, evaluators, bids = scoring_evaluation()
    user = evaluators[0]
    score_all(evaluation, {user: {bid: [7, 7] for bid in bids}}, submit=False)
    return evaluation, user, ScoreSheet.objects.get(member__user=user)


def _rescore(sheet, user, points="4"):
    score = sheet.scores.order_by("pk").first()
    sheet_save(
        actor=user,
        sheet=sheet,
        entries={(score.bid_id, score.criterion_id): (Decimal(points), "Second thoughts")},
    )


def test_a_sheet_submits_when_its_scores_are_what_the_page_showed(sheet_scene):
    _evaluation, user, sheet = sheet_scene
    submitted = sheet_submit(actor=user, sheet=sheet, seen=sheet_fingerprint(sheet))
    assert submitted.state == ScoreSheet.State.SUBMITTED


def test_a_sheet_rescored_in_another_tab_is_not_submitted(sheet_scene):
    _evaluation, user, sheet = sheet_scene
    seen = sheet_fingerprint(sheet)
    _rescore(sheet, user)
    with pytest.raises(DomainError) as refused:
        sheet_submit(actor=user, sheet=sheet, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert refused.value.code == "stale"
    assert message == (
        "The score sheet changed after you opened this page: scores or justifications changed. "
        "Check it and submit again."
    )
    sheet.refresh_from_db()
    assert sheet.state == ScoreSheet.State.DRAFT
    assert not history(sheet).filter(action="submit").exists()


def test_a_stale_sheet_page_is_refused_and_shown_again_in_the_users_language(client, sheet_scene):
    evaluation, user, sheet = sheet_scene
    client = _signed_in(client, user, "tk")
    seen = sheet_fingerprint(sheet)
    _rescore(sheet, user)
    response = client.post(
        reverse("tenders:evaluation_sheet_submit", args=[evaluation.pk]),
        {"seen_state": "draft", "seen": seen},
        follow=True,
    )
    text = response.content.decode()
    assert "Siz bu sahypany açanyňyzdan soň baha sahypasy üýtgedi" in text
    assert f'name="seen" value="{sheet_fingerprint(sheet)}"' in text
    assert ScoreSheet.objects.get(pk=sheet.pk).state == ScoreSheet.State.DRAFT


@pytest.mark.parametrize("seen", [None, "", "v1.0.0"])
def test_a_missing_or_forged_sheet_fingerprint_is_refused_as_stale(client, sheet_scene, seen):
    evaluation, user, sheet = sheet_scene
    client = _signed_in(client, user)
    data = {"seen_state": "draft"} if seen is None else {"seen_state": "draft", "seen": seen}
    response = client.post(
        reverse("tenders:evaluation_sheet_submit", args=[evaluation.pk]), data, follow=True
    )
    assert "The score sheet changed after you opened this page" in response.content.decode()
    assert ScoreSheet.objects.get(pk=sheet.pk).state == ScoreSheet.State.DRAFT


def test_a_second_click_on_a_submitted_sheet_changes_nothing(client, sheet_scene):
    evaluation, user, sheet = sheet_scene
    client = _signed_in(client, user)
    data = {"seen_state": "draft", "seen": sheet_fingerprint(sheet)}
    url = reverse("tenders:evaluation_sheet_submit", args=[evaluation.pk])
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "changed after you opened" not in again.content.decode()
    assert ScoreSheet.objects.get(pk=sheet.pk).state == ScoreSheet.State.SUBMITTED
    assert history(sheet).filter(action="submit").count() == 1


# Award approval


@pytest.fixture
def proposed():
    evaluation, _chair, _evaluators, _bids = completed_evaluation(points=[9, 7])
    return award_propose(actor=evaluation.created_by, evaluation=evaluation)


def test_an_award_is_approved_when_it_is_what_the_page_showed(proposed):
    approved = award_approve(
        actor=UserFactory(approver=True), decision=proposed, seen=decision_fingerprint(proposed)
    )
    assert approved.state == AwardDecision.State.APPROVED


def test_an_award_changed_after_its_page_opened_is_not_approved(proposed):
    seen = decision_fingerprint(proposed)
    proposed.lines.filter(proposed=True).update(amount=Decimal("99000.00"))
    with pytest.raises(DomainError) as refused:
        award_approve(actor=UserFactory(approver=True), decision=proposed, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert refused.value.code == "stale"
    assert message == (
        "The award decision changed after you opened this page: the proposed award changed. "
        "Check it and approve again."
    )
    proposed.refresh_from_db()
    assert (proposed.state, proposed.decided_by, proposed.standstill_ends_at) == (
        AwardDecision.State.PROPOSED,
        None,
        None,
    )
    assert not OutboxMessage.objects.filter(event="tenders.award_approved").exists()


def test_a_stale_award_page_is_refused_with_what_changed(client, proposed):
    client = _signed_in(client, UserFactory(approver=True), "ru")
    seen = decision_fingerprint(proposed)
    proposed.evaluation.standstill_days += 5
    proposed.evaluation.save(update_fields=["standstill_days"])
    response = client.post(
        reverse("tenders:award_approve", args=[proposed.pk]),
        {"seen_state": "proposed", "seen": seen},
        follow=True,
    )
    text = response.content.decode()
    assert "Решение о присуждении изменилось после того, как вы открыли эту страницу" in text
    assert "изменились условия конкурса" in text
    assert f'name="seen" value="{decision_fingerprint(proposed)}"' in text
    assert AwardDecision.objects.get(pk=proposed.pk).state == AwardDecision.State.PROPOSED


@pytest.mark.parametrize("seen", [None, "", "v1.forged.forged"])
def test_a_missing_or_forged_award_fingerprint_is_refused_as_stale(client, proposed, seen):
    client = _signed_in(client, UserFactory(approver=True))
    data = {"seen_state": "proposed"} if seen is None else {"seen_state": "proposed", "seen": seen}
    response = client.post(reverse("tenders:award_approve", args=[proposed.pk]), data, follow=True)
    assert "The award decision changed after you opened this page" in response.content.decode()
    assert AwardDecision.objects.get(pk=proposed.pk).state == AwardDecision.State.PROPOSED


def test_a_second_click_on_an_approved_award_changes_nothing(client, proposed):
    client = _signed_in(client, UserFactory(approver=True))
    data = {"seen_state": "proposed", "seen": decision_fingerprint(proposed)}
    url = reverse("tenders:award_approve", args=[proposed.pk])
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "changed after you opened" not in again.content.decode()
    assert history(proposed).filter(action="approve").count() == 1


# Publishing a tender


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


def _edit_ceiling(tender, officer, ceiling="400000.00"):
    criteria = [
        {
            "id": c.pk,
            "title_tk": c.title_tk,
            "title_ru": c.title_ru,
            "title_en": c.title_en,
            "guidance": c.guidance,
            "weight": c.weight,
            "max_points": c.max_points,
        }
        for c in tender.criteria.all()
    ]
    tender_update(
        actor=officer, tender=tender, values={"budget_ceiling": Decimal(ceiling)}, criteria=criteria
    )


def test_a_tender_is_published_when_it_is_what_the_page_showed(officer):
    tender = TenderFactory(created_by=officer)
    published = tender_publish(actor=officer, tender=tender, seen=tender_fingerprint(tender))
    assert published.state == Tender.State.PUBLISHED


def test_a_tender_edited_in_another_tab_is_not_published(officer):
    tender = TenderFactory(created_by=officer)
    seen = tender_fingerprint(tender)
    _edit_ceiling(tender, officer)
    with pytest.raises(DomainError) as refused:
        tender_publish(actor=officer, tender=tender, seen=seen)
    with translation.override("en"):
        message = str(refused.value.message)
    assert refused.value.code == "stale"
    assert message == (
        "The tender changed after you opened this page: the tender's terms changed. Check it "
        "and publish again."
    )
    tender.refresh_from_db()
    assert (tender.state, tender.published_at) == (Tender.State.DRAFT, None)
    assert not OutboxMessage.objects.exists()


def test_a_stale_publish_is_refused_on_the_page(client, officer):
    tender = TenderFactory(created_by=officer)
    client = _signed_in(client, officer)
    seen = tender_fingerprint(tender)
    tender.criteria.first().delete()
    response = client.post(
        reverse("tenders:publish", args=[tender.pk]),
        {"seen_state": "draft", "seen": seen},
        follow=True,
    )
    text = response.content.decode()
    assert "the evaluation criteria changed" in text
    assert f'name="seen" value="{tender_fingerprint(tender)}"' in text
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.DRAFT


@pytest.mark.parametrize("seen", [None, "", "v1.a.b.c"])
def test_a_missing_or_forged_tender_fingerprint_is_refused_as_stale(client, officer, seen):
    tender = TenderFactory(created_by=officer)
    client = _signed_in(client, officer)
    data = {"seen_state": "draft"} if seen is None else {"seen_state": "draft", "seen": seen}
    response = client.post(reverse("tenders:publish", args=[tender.pk]), data, follow=True)
    assert "The tender changed after you opened this page" in response.content.decode()
    assert Tender.objects.get(pk=tender.pk).state == Tender.State.DRAFT


def test_a_second_click_on_a_published_tender_changes_nothing(client, officer):
    tender = TenderFactory(created_by=officer)
    client = _signed_in(client, officer)
    data = {"seen_state": "draft", "seen": tender_fingerprint(tender)}
    url = reverse("tenders:publish", args=[tender.pk])
    client.post(url, data)
    again = client.post(url, data, follow=True)
    assert "changed after you opened" not in again.content.decode()
    assert history(tender).filter(action="publish").count() == 1


def test_the_submit_page_shows_staff_as_the_submission_will_seal_them(client):
    tender = bid_ready_tender()
    bid = BidFactory(tender=tender, provider=eligible_provider(tender), withdrawn=True)
    person = bid.staff.get().staff_member
    person.full_name = "Maral Ataýewa"
    person.save(update_fields=["full_name"])
    client = _signed_in(client, admin_of(bid.provider))
    text = client.get(reverse("tenders:bid_submit", args=[bid.pk])).content.decode()
    assert "Maral Ataýewa" in text
