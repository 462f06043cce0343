"""Score sheets: drafts, submission and locking, return for revision, and blind scoring."""

import itertools
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from tenders.models import ScoreSheet
from tenders.services.evaluation import sheet_return, sheet_save, sheet_submit
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.tenders import score_all, scoring_evaluation
from workflows.audit import history
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    evaluation, chair, evaluators, bids = scoring_evaluation()
    return {
        "evaluation": evaluation,
        "chair": chair,
        "evaluators": evaluators,
        "bids": bids,
        "criteria": list(evaluation.tender.criteria.all()),
    }


def _sheet(scene, user):
    return ScoreSheet.objects.get(evaluation=scene["evaluation"], member__user=user)


def _entries(scene, points="7", text="Clear plan"):
    return {
        (bid.pk, criterion.pk): (points, f"{text} {bid.pk}/{criterion.pk}")
        for bid in scene["bids"]
        for criterion in scene["criteria"]
    }


def test_a_draft_keeps_what_was_filled_in(scene):
    user = scene["evaluators"][0]
    bid, criterion = scene["bids"][0], scene["criteria"][0]
    sheet = sheet_save(
        actor=user, sheet=_sheet(scene, user), entries={(bid.pk, criterion.pk): ("7.5", "Good")}
    )
    score = sheet.scores.get()
    assert (score.points, score.justification) == (Decimal("7.5"), "Good")
    assert sheet.state == ScoreSheet.State.DRAFT


@pytest.mark.parametrize("points", ["-1", "10.1", "7.25", "abc"])
def test_points_outside_the_scale_are_refused(scene, points):
    user = scene["evaluators"][0]
    bid, criterion = scene["bids"][0], scene["criteria"][0]
    with pytest.raises(DomainError) as refused:
        sheet_save(
            actor=user,
            sheet=_sheet(scene, user),
            entries={(bid.pk, criterion.pk): (points, "x")},
        )
    assert refused.value.field == f"points_{bid.pk}_{criterion.pk}"
    assert not _sheet(scene, user).scores.exists()


def test_the_maximum_and_zero_are_allowed(scene):
    user = scene["evaluators"][0]
    bid, criterion = scene["bids"][0], scene["criteria"][0]
    for points in ("0", "10", "9.9"):
        sheet_save(
            actor=user, sheet=_sheet(scene, user), entries={(bid.pk, criterion.pk): (points, "x")}
        )


def test_nobody_writes_on_another_evaluators_sheet(scene):
    owner, other = scene["evaluators"][:2]
    with pytest.raises(DomainError) as refused:
        sheet_save(actor=other, sheet=_sheet(scene, owner), entries=_entries(scene))
    assert refused.value.code == "forbidden"
    with pytest.raises(DomainError):
        sheet_submit(actor=scene["chair"], sheet=_sheet(scene, owner))


def test_an_incomplete_sheet_cannot_be_submitted(scene):
    user = scene["evaluators"][0]
    entries = _entries(scene)
    first = next(iter(entries))
    entries[first] = ("7", "  ")
    sheet_save(actor=user, sheet=_sheet(scene, user), entries=entries)
    with pytest.raises(DomainError) as refused:
        sheet_submit(actor=user, sheet=_sheet(scene, user))
    assert refused.value.code == "incomplete"
    assert _sheet(scene, user).state == ScoreSheet.State.DRAFT


def test_a_submitted_sheet_is_locked_and_audited(scene, django_capture_on_commit_callbacks):
    user = scene["evaluators"][0]
    sheet_save(actor=user, sheet=_sheet(scene, user), entries=_entries(scene))
    sheet = sheet_submit(actor=user, sheet=_sheet(scene, user))
    assert sheet.state == ScoreSheet.State.SUBMITTED
    entry = history(sheet).get(action="submit")
    assert (entry.actor, entry.source_state, entry.target_state) == (user, "draft", "submitted")
    with pytest.raises(DomainError) as refused:
        sheet_save(actor=user, sheet=sheet, entries=_entries(scene, points="1"))
    assert refused.value.code == "sheet_locked"
    assert set(sheet.scores.values_list("points", flat=True)) == {Decimal("7.0")}
    assert sheet_submit(actor=user, sheet=sheet).state == ScoreSheet.State.SUBMITTED
    assert history(sheet).filter(action="submit").count() == 1


def test_the_chair_is_told_when_the_last_sheet_is_in(scene, django_capture_on_commit_callbacks):
    *first, last = scene["evaluators"]
    score_all(scene["evaluation"], {user: {b: [7, 7] for b in scene["bids"]} for user in first})
    assert not OutboxMessage.objects.filter(event="tenders.sheets_complete").exists()
    with django_capture_on_commit_callbacks() as callbacks:
        score_all(scene["evaluation"], {last: {b: [7, 7] for b in scene["bids"]}})
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    assert callbacks
    notice = OutboxMessage.objects.get(event="tenders.sheets_complete", channel="email")
    assert notice.recipient == scene["chair"]


def test_the_chair_returns_a_sheet_for_revision_with_a_reason(scene):
    user = scene["evaluators"][0]
    score_all(scene["evaluation"], {user: {b: [7, 7] for b in scene["bids"]}})
    sheet = sheet_return(
        actor=scene["chair"], sheet=_sheet(scene, user), reason="Justify the staffing score."
    )
    assert sheet.state == ScoreSheet.State.DRAFT
    assert sheet.returned_reason == "Justify the staffing score."
    entry = history(sheet).get(action="return_for_revision")
    assert (entry.actor, entry.note) == (scene["chair"], "Justify the staffing score.")
    notice = OutboxMessage.objects.get(event="tenders.sheet_returned", channel="email")
    assert notice.recipient == user
    sheet_save(actor=user, sheet=sheet, entries=_entries(scene, points="6"))
    again = sheet_return(actor=scene["chair"], sheet=sheet, reason="again")
    assert again.returned_reason == "Justify the staffing score."


def test_returning_needs_a_reason_and_the_chair(scene):
    user, other = scene["evaluators"][:2]
    score_all(scene["evaluation"], {user: {b: [7, 7] for b in scene["bids"]}})
    with pytest.raises(DomainError) as refused:
        sheet_return(actor=scene["chair"], sheet=_sheet(scene, user), reason="")
    assert refused.value.code == "reason_required"
    with pytest.raises(DomainError) as refused:
        sheet_return(actor=other, sheet=_sheet(scene, user), reason="no")
    assert refused.value.code == "forbidden"
    assert _sheet(scene, user).state == ScoreSheet.State.SUBMITTED


def test_the_sheet_page_saves_a_draft_and_shows_a_locked_sheet_read_only(client, scene):
    user = scene["evaluators"][0]
    bid, criterion = scene["bids"][0], scene["criteria"][0]
    sign_in(client, user)
    url = reverse("tenders:evaluation_sheet", args=[scene["evaluation"].pk])
    key = f"{bid.pk}_{criterion.pk}"
    assert client.post(url, {f"points_{key}": "8", f"justification_{key}": "Strong"}).status_code
    assert _sheet(scene, user).scores.get().points == Decimal("8.0")
    bad = client.post(url, {f"points_{key}": "11", f"justification_{key}": "Too much"})
    assert bad.status_code == 200 and "errorlist" in bad.content.decode()
    score_all(scene["evaluation"], {user: {b: [7, 7] for b in scene["bids"]}})
    client.post(url, {f"points_{key}": "1", f"justification_{key}": "Changed"})
    assert _sheet(scene, user).scores.get(bid=bid, criterion=criterion).points == Decimal("7.0")


def test_the_sheet_shows_a_page_of_bids_and_saving_one_page_keeps_the_others(
    client, scene, monkeypatch
):
    monkeypatch.setattr("tenders.views.evaluation_panel.SHEET_BIDS", 1)
    user = scene["evaluators"][0]
    first, second = scene["bids"][:2]
    criterion = scene["criteria"][0]
    sign_in(client, user)
    url = reverse("tenders:evaluation_sheet", args=[scene["evaluation"].pk])

    saved = client.post(url, {f"points_{first.pk}_{criterion.pk}": "8"})
    client.post(f"{url}?page=2", {f"points_{second.pk}_{criterion.pk}": "6"})

    assert saved.url == f"{url}?page=1"
    scores = _sheet(scene, user).scores.filter(criterion=criterion)
    assert {score.bid_id: score.points for score in scores} == {
        first.pk: Decimal("8.0"),
        second.pk: Decimal("6.0"),
    }
    second_page = client.get(f"{url}?page=2").content.decode()
    assert f'id="bid-{second.pk}"' in second_page
    assert f'id="bid-{first.pk}"' not in second_page
    assert 'rel="next"' in client.get(url).content.decode()


# Blind scoring, checked on every route of the portal.

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        text = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":
                yield from _routes(pattern, prefix + text)
        else:
            yield prefix + text.lstrip("^").rstrip("$")


def _urls(scene):
    evaluation = scene["evaluation"]
    ids = {
        "pk": {evaluation.pk, *ScoreSheet.objects.values_list("pk", flat=True)},
        "bid": {bid.pk for bid in scene["bids"]},
        "sheet": set(ScoreSheet.objects.values_list("pk", flat=True)),
        "criterion": {criterion.pk for criterion in scene["criteria"]},
        "tender": {evaluation.tender_id},
    }
    urls = set()
    for route in _routes():
        names = [name for _conv, name in PARAMETER.findall(route)]
        if any(conv in ("str", "slug", "path", "uuid") for conv, _ in PARAMETER.findall(route)):
            continue
        choices = [
            next((ids[key] for key in ids if key in name and key != "pk"), ids["pk"])
            for name in names
        ]
        for values in itertools.product(*choices):
            url = route
            for value in values:
                url = PARAMETER.sub(str(value), url, count=1)
            urls.add("/" + url)
    return sorted(urls)


def _seen_by(user, urls):
    client = Client(raise_request_exception=False)
    sign_in(client, user)
    return b"".join(_body(client.get(url)) for url in urls)


def _body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_until_their_sheet_is_submitted_an_evaluator_sees_no_one_elses_scores(scene):
    first, second, third = scene["evaluators"]
    evaluation = scene["evaluation"]
    score_all(evaluation, {first: {b: [7, 7] for b in scene["bids"]}}, submit=True)
    score_all(evaluation, {second: {b: [6, 6] for b in scene["bids"]}}, submit=False)
    urls = _urls(scene)
    assert any("/scores/" in url for url in urls) and any("/report/" in url for url in urls)
    first_text = f"Justified by {first.pk}".encode()
    second_text = f"Justified by {second.pk}".encode()

    seen = _seen_by(second, urls)
    assert first_text not in seen
    assert second_text in seen  # their own draft, on their own sheet
    assert first_text not in _seen_by(third, urls)
    # A draft is never shown to anyone but its evaluator.
    assert second_text not in _seen_by(first, urls)
    assert second_text not in _seen_by(scene["chair"], urls)
    assert first_text in _seen_by(scene["chair"], urls)

    sheet_submit(actor=second, sheet=_sheet(scene, second))
    assert first_text in _seen_by(second, urls)
    assert first_text not in _seen_by(third, urls)


def test_the_officer_sees_no_score_before_the_evaluation_is_completed(scene):
    first = scene["evaluators"][0]
    score_all(scene["evaluation"], {first: {b: [7, 7] for b in scene["bids"]}})
    seen = _seen_by(scene["evaluation"].tender.created_by, _urls(scene))
    assert f"Justified by {first.pk}".encode() not in seen
    outsider = UserFactory(evaluator=True)
    assert f"Justified by {first.pk}".encode() not in _seen_by(outsider, _urls(scene))
