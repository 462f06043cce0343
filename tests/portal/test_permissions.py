import pytest
from django.contrib.auth.models import AnonymousUser

from portal import permissions
from tests.factories.portal import UserFactory

pytestmark = pytest.mark.django_db

ROLE_CHECKS = {
    "procurement_officer": permissions.is_procurement_officer,
    "evaluator": permissions.is_evaluator,
    "approver": permissions.is_approver,
    "grant_officer": permissions.is_grant_officer,
}


@pytest.mark.parametrize("trait", sorted(ROLE_CHECKS))
def test_each_role_check_answers_yes_only_for_its_own_role(trait):
    user = UserFactory(**{trait: True})
    answers = {name: check(user) for name, check in ROLE_CHECKS.items()}
    assert answers == {name: name == trait for name in ROLE_CHECKS}
    assert permissions.is_staff_member(user)
    assert not permissions.is_system_admin(user)


def test_a_user_without_roles_is_not_staff():
    user = UserFactory()
    assert not permissions.is_staff_member(user)
    assert not any(check(user) for check in ROLE_CHECKS.values())


def test_anonymous_visitors_hold_no_role():
    visitor = AnonymousUser()
    assert not permissions.is_staff_member(visitor)
    assert not permissions.is_system_admin(visitor)
    assert not permissions.is_evaluator(visitor)
    assert not permissions.is_evaluator(None)


def test_an_inactive_user_loses_their_roles():
    user = UserFactory(evaluator=True, inactive=True)
    assert not permissions.is_evaluator(user)
    assert not permissions.is_staff_member(user)


def test_system_admins_are_staff_members_and_may_use_the_admin_site():
    admin = UserFactory(system_admin=True)
    assert permissions.is_system_admin(admin)
    assert permissions.is_staff_member(admin)
    assert permissions.can_use_admin_site(admin)


def test_a_superuser_counts_as_system_admin_without_the_group():
    assert permissions.is_system_admin(UserFactory(is_superuser=True))


def test_the_system_admin_role_alone_does_not_open_the_admin_site():
    user = UserFactory(roles=["system_admin"])
    assert permissions.is_system_admin(user)
    assert not permissions.can_use_admin_site(user)
