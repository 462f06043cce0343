import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.models import Etrap, ServiceType, User, Velayat
from tests.conftest import sign_in
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    sign_in(client, UserFactory(system_admin=True))
    return client


@pytest.mark.parametrize("model", ["user", "velayat", "etrap", "servicetype", "targetgroup"])
def test_admin_lists_open_with_search_and_filters(admin_client, model):
    url = reverse(f"admin:portal_{model}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "a"}).status_code == 200


def test_staff_without_admin_access_cannot_open_the_admin(client):
    sign_in(client, UserFactory(procurement_officer=True))
    response = client.get(reverse("admin:portal_user_changelist"))
    assert response.status_code == 302


def test_user_list_shows_roles_and_filters_by_role(admin_client):
    evaluator = UserFactory(evaluator=True, full_name="Merdan Evaluator")
    UserFactory(full_name="Plain Member")
    group = Group.objects.get(name="evaluator")
    response = admin_client.get(
        reverse("admin:portal_user_changelist"), {"groups__id__exact": group.pk}
    )
    html = response.content.decode()
    assert evaluator.full_name in html
    assert "Plain Member" not in html
    assert "Evaluator" in html


def test_an_administrator_creates_an_account_with_email_and_language(admin_client):
    response = admin_client.post(
        reverse("admin:portal_user_add"),
        {
            "username": "newofficer",
            "email": "newofficer@example.org",
            "full_name": "New Officer",
            "language": "ru",
            "usable_password": "true",
            "password1": "a-long-enough-secret-2026",
            "password2": "a-long-enough-secret-2026",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="newofficer")
    assert user.language == "ru"
    assert user.email == "newofficer@example.org"


def test_an_administrator_gives_a_user_a_role(admin_client):
    user = UserFactory()
    page = admin_client.get(reverse("admin:portal_user_change", args=[user.pk]))
    assert "Roles" in page.content.decode()
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None and name != "password"
    }
    data.update(
        groups=[Group.objects.get(name="approver").pk],
        user_permissions=[],
        last_login_0="",
        last_login_1="",
        date_joined_0="2026-01-01",
        date_joined_1="09:00:00",
        is_active="on",
    )
    response = admin_client.post(reverse("admin:portal_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(pk=user.pk)
    assert user.has_role("approver")


def test_an_administrator_corrects_an_etrap_name(admin_client):
    etrap = Etrap.objects.get(name_tk="Arkadag")
    response = admin_client.post(
        reverse("admin:portal_etrap_change", args=[etrap.pk]),
        {
            "velayat": etrap.velayat_id,
            "kind": etrap.kind,
            "name_tk": "Arkadag",
            "name_ru": "город Аркадаг",
            "name_en": "Arkadag City",
            "active": "on",
        },
    )
    assert response.status_code == 302
    etrap.refresh_from_db()
    assert etrap.name_en == "Arkadag City"


def test_an_administrator_adds_a_service_type(admin_client):
    response = admin_client.post(
        reverse("admin:portal_servicetype_add"),
        {
            "code": "respite-care",
            "name_tk": "Dynç alyş hyzmaty",
            "name_ru": "Временная передышка",
            "name_en": "Respite care",
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert ServiceType.objects.filter(code="respite-care", active=True).exists()


def test_retiring_reference_rows_keeps_them_but_marks_them_inactive(admin_client):
    mary = Velayat.objects.get(code="TM-M")
    response = admin_client.post(
        reverse("admin:portal_velayat_changelist"),
        {"action": "retire", "_selected_action": [mary.pk]},
        follow=True,
    )
    assert response.status_code == 200
    mary.refresh_from_db()
    assert mary.active is False
    admin_client.post(
        reverse("admin:portal_velayat_changelist"),
        {"action": "reactivate", "_selected_action": [mary.pk]},
    )
    mary.refresh_from_db()
    assert mary.active is True


def test_reference_rows_cannot_be_deleted(admin_client):
    etrap = Etrap.objects.first()
    response = admin_client.post(
        reverse("admin:portal_etrap_delete", args=[etrap.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Etrap.objects.filter(pk=etrap.pk).exists()


def test_retired_etraps_can_be_filtered(admin_client):
    Etrap.objects.filter(name_tk="Arkadag").update(active=False)
    response = admin_client.get(reverse("admin:portal_etrap_changelist"), {"active__exact": "0"})
    assert list(response.context["cl"].result_list) == list(Etrap.objects.filter(active=False))
