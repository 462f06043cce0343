"""Lists of names carrying numbers read as people count: "Staff 2" before "Staff 10"."""

import pytest
from django.urls import reverse

from providers.models import MemberRole
from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from tests.factories.providers import ProviderFactory, StaffMemberFactory, admin_of, member_of

pytestmark = pytest.mark.django_db


def positions(page, names):
    return sorted(names, key=page.index)


def test_the_staff_page_lists_staff_2_before_staff_10(client):
    provider = ProviderFactory()
    for name in ("Staff 10", "Staff 2", "Staff 1", "Staff 11"):
        StaffMemberFactory(provider=provider, full_name=name)
    sign_in(client, admin_of(provider))

    page = client.get(reverse("providers:staff")).content.decode()

    names = [f"<h3>{name}" for name in ("Staff 1", "Staff 2", "Staff 10", "Staff 11")]
    assert positions(page, names) == names


def test_inactive_staff_follow_the_active_ones_each_in_natural_order(client):
    provider = ProviderFactory()
    StaffMemberFactory(provider=provider, full_name="Staff 10", active=False)
    StaffMemberFactory(provider=provider, full_name="Staff 2", active=False)
    StaffMemberFactory(provider=provider, full_name="Staff 30")
    StaffMemberFactory(provider=provider, full_name="Staff 4")
    sign_in(client, admin_of(provider))

    roster = client.get(reverse("providers:staff")).context["roster"]

    assert [member.full_name for member in roster] == ["Staff 4", "Staff 30", "Staff 2", "Staff 10"]


def test_the_review_page_lists_the_staff_in_natural_order(client):
    provider = ProviderFactory(submitted=True)
    StaffMemberFactory(provider=provider, full_name="Staff 10")
    StaffMemberFactory(provider=provider, full_name="Staff 2")
    sign_in(client, UserFactory(procurement_officer=True))

    roster = client.get(reverse("providers:review", args=[provider.pk])).context["roster"]

    assert [member.full_name for member in roster] == ["Staff 2", "Staff 10"]


def test_the_members_page_lists_user2_before_user10(client):
    provider = ProviderFactory()
    member_of(provider, MemberRole.VIEWER, username="staff10")
    member_of(provider, MemberRole.VIEWER, username="staff2")
    sign_in(client, admin_of(provider))

    rows = client.get(reverse("providers:members")).context["memberships"]

    usernames = [membership.user.username for membership, _form in rows]
    assert usernames.index("staff2") < usernames.index("staff10")
