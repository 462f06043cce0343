"""The evaluation report: the page, the PDF and the spreadsheet, in the reader's language."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from tenders.reports.evaluation import generate
from tenders.services.evaluation import evaluation_complete
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import admin_of
from tests.factories.tenders import PanelMemberFactory, TenderFactory, score_all, scoring_evaluation
from tests.workflows.file_jobs import run_and_download

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def scene():
    tender = TenderFactory(closed=True, criteria=[60, 40])
    evaluation, chair, evaluators, (first, second) = scoring_evaluation(tender)
    PanelMemberFactory(evaluation=evaluation, conflicted=True)
    # first: (8/10)*60 + (6/10)*40 = 72.00; second: (9/10)*60 + (5/10)*40 = 74.00
    score_all(
        evaluation,
        {user: {first: [8, 6], second: [9, 5]} for user in evaluators},
    )
    evaluation = evaluation_complete(actor=chair, evaluation=evaluation)
    return evaluation, chair, evaluators, first, second


def _pdf_text(content):
    """The PDF's text with line breaks and runs of spaces made single spaces."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_report_page_shows_scores_ranking_and_declarations(client, scene):
    evaluation, _chair, evaluators, first, second = scene
    sign_in(client, evaluation.created_by)
    page = client.get(reverse("tenders:evaluation_report", args=[evaluation.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for needle in (
        "72.00",
        "74.00",
        f"Justified by {evaluators[0].pk} on {first.pk}",
        "No conflict of interest with the tender or its bidders",
        "My brother chairs a bidder.",
        first.provider.name,
        "Eligibility screening",
    ):
        assert needle in text, needle
    ranking = text[text.index('id="report-ranking"') :]
    assert ranking.index(second.provider.name) < ranking.index(first.provider.name)


def test_the_pdf_holds_the_scores_and_the_ranking(client, scene):
    evaluation, _chair, evaluators, first, second = scene
    sign_in(client, evaluation.created_by)
    started = client.post(reverse("tenders:evaluation_report_pdf", args=[evaluation.pk]))
    response = run_and_download(client, started)
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Evaluation report" in text
    assert "Ranking" in text
    assert "74.00" in text and "72.00" in text
    assert f"Justified by {evaluators[1].pk} on {second.pk}" in text
    assert "My brother chairs a bidder." in text


def test_the_pdf_is_written_in_the_readers_language(scene):
    evaluation, *_rest = scene
    russian = _pdf_text(generate(evaluation.pk, "pdf", "ru").content)
    assert evaluation.tender.title_ru in russian
    assert evaluation.tender.title_en not in russian
    assert evaluation.tender.title_en in _pdf_text(generate(evaluation.pk, "pdf", "en").content)


def test_the_spreadsheet_holds_the_scores_and_the_ranking(client, scene):
    evaluation, _chair, evaluators, first, second = scene
    sign_in(client, evaluation.created_by)
    started = client.post(reverse("tenders:evaluation_report_xlsx", args=[evaluation.pk]))
    response = run_and_download(client, started)
    book = load_workbook(io.BytesIO(response.content))
    ranking = book["Ranking"]
    rows = [row for row in ranking.iter_rows(values_only=True) if row and row[0] in (1, 2)]
    assert rows[0][:5] == (1, second.provider.name, 74.0, None, 74.0)
    assert rows[1][:5] == (2, first.provider.name, 72.0, None, 72.0)
    scores = list(book["Scores"].iter_rows(values_only=True))
    assert scores[0][:5] == ("Organisation", "Criterion", "Evaluator", "Points", "Justification")
    assert (
        second.provider.name,
        evaluation.tender.criteria.first().title,
        str(evaluators[0]),
        9.0,
        f"Justified by {evaluators[0].pk} on {second.pk}",
    ) in [row[:5] for row in scores]
    declarations = [row[2] for row in book["Declarations"].iter_rows(values_only=True)]
    assert declarations.count("no conflict") == 4
    assert "conflict of interest" in declarations


def test_the_report_is_for_the_officer_the_panel_and_approvers_only(client, scene):
    evaluation, chair, evaluators, first, _second = scene
    urls = [
        reverse(name, args=[evaluation.pk])
        for name in (
            "tenders:evaluation_report",
            "tenders:evaluation_report_pdf",
            "tenders:evaluation_report_xlsx",
        )
    ]
    for user in (chair, evaluators[0], UserFactory(approver=True), evaluation.created_by):
        sign_in(client, user)
        assert client.get(urls[0]).status_code == 200
        assert [client.post(url).status_code for url in urls[1:]] == [302, 302]
    for user in (
        admin_of(first.provider),
        UserFactory(evaluator=True),
        UserFactory(procurement_officer=True),
        UserFactory(grant_officer=True),
    ):
        sign_in(client, user)
        assert client.get(urls[0]).status_code == 404
        assert [client.post(url).status_code for url in urls[1:]] == [404, 404]
    client.logout()
    assert client.get(urls[0]).status_code == 302


def test_no_report_before_the_evaluation_is_completed(client):
    evaluation, chair, *_rest = scoring_evaluation()
    sign_in(client, evaluation.created_by)
    assert client.get(reverse("tenders:evaluation_report", args=[evaluation.pk])).status_code == 404
