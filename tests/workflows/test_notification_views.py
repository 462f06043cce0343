"""The notification centre: a user sees, opens and marks read only their own notifications."""

import pytest
from django.urls import reverse

from tests.conftest import sign_in
from tests.factories.portal import UserFactory
from workflows import delivery, outbox, services
from workflows.errors import DomainError
from workflows.models import Notification, OutboxMessage
from workflows.outbox import Notice
from workflows.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

LIST = reverse("workflows:notifications")
READ_ALL = reverse("workflows:notifications_read_all")


def notify(user, count=1, url="/tickets/5/"):
    for n in range(count):
        outbox.enqueue(
            [
                Notice(
                    event="example_app.ticket_decided",
                    recipients=(user,),
                    context={"title": f"Ticket {n}", "state": "approved"},
                    url=url,
                    channels=("in_app",),
                )
            ],
            key=f"view-test:{user.pk}:{n}",
        )
    for message in OutboxMessage.objects.filter(recipient=user, delivered_at__isnull=True):
        delivery.deliver(message.pk)
    return list(Notification.objects.filter(recipient=user))


def read_url(notification):
    return reverse("workflows:notification_read", args=[notification.pk])


@pytest.fixture
def alice(client):
    user = UserFactory()
    sign_in(client, user)
    return user


def test_the_list_needs_a_signed_in_user(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_list_shows_only_my_notifications_newest_first_with_the_unread_count(client, alice):
    mine = notify(alice, 2)
    notify(UserFactory(), 1)

    response = client.get(LIST)

    assert response.status_code == 200
    assert [n.pk for n in response.context["page"].object_list] == [n.pk for n in mine]
    assert response.context["unread_notifications"]() == 2
    assert "2 unread notifications" in response.content.decode()


def test_the_list_is_paginated(client, alice):
    notify(alice, PAGE_SIZE + 3)

    first = client.get(LIST)
    second = client.get(LIST, {"page": 2})

    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert len(second.context["page"].object_list) == 3
    assert 'rel="next"' in first.content.decode()


def test_marking_one_read_marks_only_that_one_and_goes_back(client, alice):
    first, second = notify(alice, 2)

    response = client.post(read_url(first), {"next": f"{LIST}?page=1"})

    assert response.status_code == 302 and response["Location"] == f"{LIST}?page=1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, alice):
    (notification,) = notify(alice)

    response = client.post(read_url(notification), {"open": "1"})

    assert response["Location"] == "/tickets/5/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_foreign_next_or_link_is_not_followed(client, alice):
    (notification,) = notify(alice, url="https://evil.example/")

    opened = client.post(read_url(notification), {"open": "1"})
    back = client.post(read_url(notification), {"next": "https://evil.example/"})

    assert opened["Location"] == back["Location"] == LIST


@pytest.mark.parametrize("target", ["é", "logout", "tickets", "javascript:alert(1)"])
def test_a_next_that_is_no_path_goes_back_to_the_list(client, alice, target):
    (notification,) = notify(alice)

    back = client.post(read_url(notification), {"next": target})
    back_from_all = client.post(READ_ALL, {"next": target})

    assert back["Location"] == back_from_all["Location"] == LIST


def test_marking_read_twice_keeps_the_first_time(client, alice):
    (notification,) = notify(alice)
    client.post(read_url(notification))
    notification.refresh_from_db()
    first_read = notification.read_at

    client.post(read_url(notification))

    notification.refresh_from_db()
    assert notification.read_at == first_read


def test_someone_elses_notification_is_not_found_and_stays_unread(client, alice):
    (theirs,) = notify(UserFactory())

    response = client.post(read_url(theirs))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_a_post(client, alice):
    (notification,) = notify(alice)

    assert client.get(read_url(notification)).status_code == 405
    assert client.get(READ_ALL).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_read_marks_only_mine(client, alice):
    notify(alice, 3)
    (theirs,) = notify(UserFactory())

    response = client.post(READ_ALL, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "3 notifications marked as read." in response.content.decode()
    assert response.context["unread_notifications"]() == 0


def test_the_mark_read_service_refuses_a_notification_of_someone_else():
    (theirs,) = notify(UserFactory())

    with pytest.raises(DomainError):
        services.notification_mark_read(actor=UserFactory(), notification=theirs)
