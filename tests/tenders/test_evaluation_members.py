"""The officer replaces a recused member and invites new evaluators from the panel page."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from portal.models import Role, User
from tenders.models import PanelMember
from tenders.services.evaluation import (
    panel_member_add,
    panel_member_invite,
    panel_member_replace,
)
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.tenders import EvaluationFactory, PanelMemberFactory, TenderFactory
from workflows.audit import history
from workflows.delivery import render
from workflows.errors import DomainError
from workflows.models import OutboxMessage

pytestmark = pytest.mark.django_db


def english(message):
    with translation.override("en"):
        return str(message)


@pytest.fixture
def evaluation():
    return EvaluationFactory(tender=TenderFactory(closed=True), screening=True)


def _recused(evaluation, **kwargs):
    return PanelMemberFactory(evaluation=evaluation, conflicted=True, **kwargs)


def _invite(evaluation, *, email="aylar.berdiyeva@example.org", role="evaluator", **kwargs):
    return panel_member_invite(
        actor=kwargs.pop("actor", evaluation.created_by),
        evaluation=evaluation,
        full_name=kwargs.pop("full_name", "Aýlar Berdiýewa"),
        email=email,
        role=role,
        language=kwargs.pop("language", "tk"),
    )


# Replacing a recused member.


def test_the_officer_replaces_a_recused_evaluator(evaluation):
    recused = _recused(evaluation)
    person = UserFactory(evaluator=True)
    seat = panel_member_replace(
        actor=evaluation.created_by, evaluation=evaluation, member=recused, user=person
    )
    assert (seat.user, seat.role, seat.is_active) == (person, PanelMember.Role.EVALUATOR, True)
    entry = history(evaluation).get(action="member_replaced")
    assert entry.data == {"replaced": recused.pk, "member": seat.pk, "user": person.pk}
    assert OutboxMessage.objects.filter(event="tenders.panel_appointed", recipient=person).exists()


def test_a_recused_chair_is_replaced_by_a_chair(evaluation):
    recused = _recused(evaluation, chair=True)
    seat = panel_member_replace(
        actor=evaluation.created_by,
        evaluation=evaluation,
        member=recused,
        user=UserFactory(evaluator=True),
    )
    assert seat.role == PanelMember.Role.CHAIR


def test_a_sitting_member_is_not_replaced(evaluation):
    sitting = PanelMemberFactory(evaluation=evaluation)
    with pytest.raises(DomainError) as refused:
        panel_member_replace(
            actor=evaluation.created_by,
            evaluation=evaluation,
            member=sitting,
            user=UserFactory(evaluator=True),
        )
    assert refused.value.code == "not_recused"
    assert evaluation.members.count() == 1


def test_a_recused_member_is_replaced_once(evaluation):
    recused = _recused(evaluation)
    first = UserFactory(evaluator=True)
    seat = panel_member_replace(
        actor=evaluation.created_by, evaluation=evaluation, member=recused, user=first
    )
    again = panel_member_replace(
        actor=evaluation.created_by, evaluation=evaluation, member=recused, user=first
    )
    assert again == seat
    with pytest.raises(DomainError) as refused:
        panel_member_replace(
            actor=evaluation.created_by,
            evaluation=evaluation,
            member=recused,
            user=UserFactory(evaluator=True),
        )
    assert refused.value.code == "already_replaced"
    assert history(evaluation).filter(action="member_replaced").count() == 1


def test_a_sitting_member_does_not_replace_a_recused_one(evaluation):
    recused = _recused(evaluation)
    sitting = PanelMemberFactory(evaluation=evaluation)
    with pytest.raises(DomainError) as refused:
        panel_member_replace(
            actor=evaluation.created_by, evaluation=evaluation, member=recused, user=sitting.user
        )
    assert refused.value.code == "already_named"
    assert not history(evaluation).filter(action="member_replaced").exists()


def test_someone_who_declared_a_conflict_is_not_named_again(evaluation):
    recused = _recused(evaluation)
    with pytest.raises(DomainError) as refused:
        panel_member_add(
            actor=evaluation.created_by, evaluation=evaluation, user=recused.user, role="chair"
        )
    assert refused.value.code == "conflict_declared"
    assert "declared a conflict of interest" in english(refused.value.message)


def test_another_officer_may_not_replace_a_member(evaluation):
    recused = _recused(evaluation)
    with pytest.raises(DomainError) as refused:
        panel_member_replace(
            actor=UserFactory(procurement_officer=True),
            evaluation=evaluation,
            member=recused,
            user=UserFactory(evaluator=True),
        )
    assert refused.value.code == "forbidden"


def test_no_one_replaces_a_member_once_scoring_is_finished():
    evaluation = EvaluationFactory(completed=True)
    recused = _recused(evaluation)
    with pytest.raises(DomainError) as refused:
        panel_member_replace(
            actor=evaluation.created_by,
            evaluation=evaluation,
            member=recused,
            user=UserFactory(evaluator=True),
        )
    assert refused.value.code == "panel_closed"
    assert "scoring is finished" in english(refused.value.message)


# Inviting a new evaluator.


def test_an_invited_person_gets_an_evaluator_account_without_a_password_and_a_seat(evaluation):
    seat = _invite(evaluation, role="chair")
    user = seat.user
    assert (user.full_name, user.email, user.language) == (
        "Aýlar Berdiýewa",
        "aylar.berdiyeva@example.org",
        "tk",
    )
    assert user.is_active and not user.has_usable_password()
    assert user.has_role(Role.EVALUATOR)
    assert seat.role == PanelMember.Role.CHAIR
    assert history(user).get(action="invited").data == {
        "evaluation": evaluation.pk,
        "member": seat.pk,
    }
    assert history(evaluation).get(action="panel_member_added").data["user"] == user.pk


def test_the_invitation_mail_leaves_through_the_outbox_after_commit(
    evaluation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        user = _invite(evaluation).user
        assert not OutboxMessage.objects.filter(published_at__isnull=False).exists()
    assert callbacks
    mail = OutboxMessage.objects.get(event="tenders.evaluator_invited")
    assert (mail.recipient, mail.channel) == (user, OutboxMessage.Channel.EMAIL)
    assert mail.context["username"] == user.username
    appointed = OutboxMessage.objects.filter(event="tenders.panel_appointed", recipient=user)
    assert list(appointed.values_list("channel", flat=True)) == [OutboxMessage.Channel.IN_APP]


def test_the_invitation_mail_is_written_in_the_invited_persons_language(evaluation):
    _invite(evaluation, language="ru")
    message = OutboxMessage.objects.get(event="tenders.evaluator_invited")
    subject, body = render(message)
    assert subject == "Вас приглашают оценивать заявки на портале социального заказа"
    assert message.context["set_password_url"] in body
    assert evaluation.tender.reference in body


def test_the_mailed_link_lets_the_invited_evaluator_choose_a_password_and_log_in(
    client, evaluation
):
    user = _invite(evaluation).user
    link = OutboxMessage.objects.get(event="tenders.evaluator_invited").context["set_password_url"]
    form_page = client.get(urlsplit(link).path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Ashgabat-panel-2026", "new_password2": "Ashgabat-panel-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ashgabat-panel-2026")
    signed_in = client.post(
        reverse("login"), {"username": user.username, "password": "Ashgabat-panel-2026"}
    )
    assert signed_in.status_code == 302


def test_an_address_of_an_account_without_the_evaluator_role_is_refused(evaluation):
    UserFactory(approver=True, email="aylar.berdiyeva@example.org")
    users = User.objects.count()
    with pytest.raises(DomainError) as refused:
        _invite(evaluation, email="Aylar.Berdiyeva@EXAMPLE.org")
    assert (refused.value.code, refused.value.field) == ("email_taken", "email")
    assert "without the evaluator role" in english(refused.value.message)
    assert User.objects.count() == users
    assert not evaluation.members.exists()
    assert not OutboxMessage.objects.exists()


def test_an_address_of_an_evaluator_names_that_evaluator(evaluation):
    person = UserFactory(evaluator=True, email="aylar.berdiyeva@example.org")
    seat = _invite(evaluation)
    assert seat.user == person
    assert not OutboxMessage.objects.filter(event="tenders.evaluator_invited").exists()


def test_inviting_someone_with_a_declared_conflict_is_refused(evaluation):
    recused = _recused(evaluation)
    with pytest.raises(DomainError) as refused:
        _invite(evaluation, email=recused.user.email)
    assert refused.value.code == "conflict_declared"


def test_inviting_someone_already_on_the_panel_in_another_role_is_refused(evaluation):
    chair = PanelMemberFactory(evaluation=evaluation, chair=True)
    with pytest.raises(DomainError) as refused:
        _invite(evaluation, email=chair.user.email, role="evaluator")
    assert refused.value.code == "already_named"


def test_inviting_twice_gives_one_account_one_seat_and_one_mail(evaluation):
    first = _invite(evaluation)
    second = _invite(evaluation)
    assert first == second
    assert User.objects.filter(email="aylar.berdiyeva@example.org").count() == 1
    assert OutboxMessage.objects.filter(event="tenders.evaluator_invited").count() == 1


def test_no_one_is_invited_once_scoring_is_finished():
    evaluation = EvaluationFactory(completed=True)
    with pytest.raises(DomainError) as refused:
        _invite(evaluation)
    assert refused.value.code == "panel_closed"
    assert not User.objects.filter(email="aylar.berdiyeva@example.org").exists()


def test_another_officer_may_not_invite(evaluation):
    with pytest.raises(DomainError) as refused:
        _invite(evaluation, actor=UserFactory(procurement_officer=True))
    assert refused.value.code == "forbidden"
    assert not User.objects.filter(email="aylar.berdiyeva@example.org").exists()


# The panel page.


def test_the_officer_invites_from_the_panel_page(client, evaluation):
    sign_in(client, evaluation.created_by)
    page = client.get(reverse("tenders:evaluation_manage", args=[evaluation.tender_id]))
    assert "Invite a new evaluator" in page.content.decode()
    response = client.post(
        reverse("tenders:evaluation_member_invite", args=[evaluation.tender_id]),
        {
            "invite-full_name": "Aýlar Berdiýewa",
            "invite-email": "aylar.berdiyeva@example.org",
            "invite-role": "evaluator",
            "invite-language": "ru",
        },
    )
    assert response.status_code == 302
    seat = evaluation.members.get()
    assert (seat.user.email, seat.user.language) == ("aylar.berdiyeva@example.org", "ru")


def test_a_refused_invitation_keeps_what_the_officer_typed(client, evaluation):
    UserFactory(approver=True, email="aylar.berdiyeva@example.org")
    sign_in(client, evaluation.created_by)
    response = client.post(
        reverse("tenders:evaluation_member_invite", args=[evaluation.tender_id]),
        {
            "invite-full_name": "Aýlar Berdiýewa",
            "invite-email": "aylar.berdiyeva@example.org",
            "invite-role": "evaluator",
            "invite-language": "tk",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "without the evaluator role" in page
    assert 'value="Aýlar Berdiýewa"' in page
    assert not evaluation.members.exists()


def test_an_invited_name_with_a_bidi_override_is_refused_and_no_account_is_made(client, evaluation):
    sign_in(client, evaluation.created_by)
    response = client.post(
        reverse("tenders:evaluation_member_invite", args=[evaluation.tender_id]),
        {
            "invite-full_name": "Aýlar \u202eBerdiýewa",
            "invite-email": "aylar.berdiyeva@example.org",
            "invite-role": "evaluator",
            "invite-language": "en",
        },
    )
    assert response.status_code == 200
    assert "Remove the invisible control characters" in response.content.decode()
    assert not User.objects.filter(email="aylar.berdiyeva@example.org").exists()


def test_the_officer_replaces_a_recused_member_from_the_panel_page(client, evaluation):
    recused = _recused(evaluation)
    person = UserFactory(evaluator=True)
    sign_in(client, evaluation.created_by)
    page = client.get(reverse("tenders:evaluation_manage", args=[evaluation.tender_id]))
    assert "Replace a recused member" in page.content.decode()
    response = client.post(
        reverse("tenders:evaluation_member_replace", args=[evaluation.tender_id]),
        {"replace-member": recused.pk, "replace-user": person.pk},
    )
    assert response.status_code == 302
    assert evaluation.members.get(user=person).role == recused.role


def test_a_page_without_a_recused_member_to_replace_offers_no_replacement(client, evaluation):
    PanelMemberFactory(evaluation=evaluation)
    panel_member_replace(
        actor=evaluation.created_by,
        evaluation=evaluation,
        member=_recused(evaluation),
        user=UserFactory(evaluator=True),
    )
    sign_in(client, evaluation.created_by)
    page = client.get(reverse("tenders:evaluation_manage", args=[evaluation.tender_id]))
    assert "Replace a recused member" not in page.content.decode()
