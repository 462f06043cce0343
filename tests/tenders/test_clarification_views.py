"""Asking a question from a tender's notice and answering it on the officer's page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from providers.models import MemberRole, ProviderState
from tenders.models import Clarification
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, admin_of, member_of
from tests.factories.tenders import ClarificationFactory, TenderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(procurement_officer=True)


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


def test_the_officer_sees_who_asked_and_answers(officer_client, officer):
    tender = TenderFactory(created_by=officer, published=True)
    provider = ProviderFactory(verified=True, name_en="Yenme association")
    question = ClarificationFactory(tender=tender, provider=provider)

    page = officer_client.get(reverse("tenders:questions", args=[tender.pk])).content.decode()
    response = officer_client.post(
        reverse("tenders:answer", args=[question.pk]), {f"answer-{question.pk}-answer": "Yes."}
    )

    assert "Yenme association" in page and question.question in page
    assert response.status_code == 302
    assert Clarification.objects.get(pk=question.pk).answer == "Yes."


def test_an_empty_answer_is_shown_next_to_the_field(officer_client, officer):
    question = ClarificationFactory(tender=TenderFactory(created_by=officer, published=True))

    response = officer_client.post(
        reverse("tenders:answer", args=[question.pk]), {f"answer-{question.pk}-answer": ""}
    )

    assert response.status_code == 200
    assert Clarification.objects.get(pk=question.pk).answered_at is None


def test_another_officer_cannot_answer(officer_client):
    question = ClarificationFactory()

    response = officer_client.post(
        reverse("tenders:answer", args=[question.pk]), {f"answer-{question.pk}-answer": "No"}
    )

    assert response.status_code == 404


def test_a_provider_editor_asks_from_the_notice(client):
    tender = TenderFactory(published=True)
    provider = ProviderFactory(verified=True)
    sign_in(client, member_of(provider, MemberRole.EDITOR))

    form_page = client.get(tender.get_absolute_url()).content.decode()
    response = client.post(reverse("tenders:ask", args=[tender.pk]), {"question": "Transport?"})

    assert 'name="question"' in form_page
    assert response.status_code == 302
    assert Clarification.objects.get().provider == provider


def test_a_question_after_the_deadline_is_refused_with_a_clear_message(client, time_machine):
    tender = TenderFactory(
        published=True, questions_deadline=timezone.now() + datetime.timedelta(days=2)
    )
    provider = ProviderFactory(verified=True)
    sign_in(client, admin_of(provider))
    time_machine.move_to(tender.questions_deadline + datetime.timedelta(minutes=1), tick=False)

    response = client.post(
        reverse("tenders:ask", args=[tender.pk]), {"question": "Transport?"}, follow=True
    )

    assert "The deadline for questions was" in response.content.decode()
    assert not Clarification.objects.exists()


def test_an_unverified_organisation_is_told_it_cannot_ask(client):
    tender = TenderFactory(published=True)
    provider = ProviderFactory(state=ProviderState.SUBMITTED)
    sign_in(client, admin_of(provider))

    page = client.get(tender.get_absolute_url()).content.decode()
    response = client.post(
        reverse("tenders:ask", args=[tender.pk]), {"question": "Transport?"}, follow=True
    )

    assert "Only verified organisations may ask questions about tenders." in page
    assert "Only verified organisations may ask questions about tenders." in (
        response.content.decode()
    )
    assert not Clarification.objects.exists()
