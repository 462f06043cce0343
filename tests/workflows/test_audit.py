"""The audit log is append-only: through the ORM, the admin and (on PostgreSQL) raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from tests.conftest import sign_in
from tests.example_app.models import Ticket
from tests.example_app.services import ticket_submit
from tests.factories.example_app import TicketFactory
from tests.factories.portal import UserFactory
from workflows import audit
from workflows.delivery import deliver
from workflows.models import AuditEntry, Notification, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    ticket = TicketFactory()
    ticket_submit(actor=ticket.owner, ticket=ticket, note="First version")
    return AuditEntry.objects.get()


def unchanged(entry):
    stored = AuditEntry.objects.get(pk=entry.pk)
    return (stored.note, stored.target_state) == ("First version", "submitted")


def test_saving_an_existing_entry_is_refused(entry):
    entry.note = "Rewritten"

    with pytest.raises(PermissionError):
        entry.save()

    assert unchanged(entry)


def test_deleting_an_entry_is_refused(entry):
    with pytest.raises(PermissionError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_updating_entries_through_a_queryset_is_refused(entry):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="Rewritten")
    with pytest.raises(PermissionError):
        AuditEntry.objects.bulk_update([entry], ["note"])

    assert unchanged(entry)


def test_deleting_entries_through_a_queryset_is_refused(entry):
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.count() == 1


def test_the_actor_of_an_entry_cannot_be_deleted(entry):
    with pytest.raises(ProtectedError):
        entry.actor.delete()


def test_postgresql_refuses_raw_updates_and_deletes_of_entries(postgres, entry):
    for statement in (
        "UPDATE workflows_auditentry SET note = 'Rewritten'",
        "DELETE FROM workflows_auditentry",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)

    assert unchanged(entry)


def test_recording_a_decision_outside_a_transition_appends_an_entry():
    ticket = TicketFactory()
    actor = UserFactory()

    audit.record(ticket, "reminded", actor=actor, note="Deadline soon", data={"days": 2})

    entry = audit.history(ticket).get()
    assert (entry.action, entry.actor, entry.source_state, entry.target_state) == (
        "reminded",
        actor,
        "",
        "",
    )
    assert entry.data == {"days": 2}
    assert Ticket.objects.get(pk=ticket.pk).state == Ticket.State.DRAFT


@pytest.fixture
def admin_client_of_superuser(client):
    sign_in(client, UserFactory(system_admin=True))
    return client


ADMIN_PAGES = ["auditentry", "outboxmessage", "notification"]


@pytest.fixture
def delivered(entry):
    for message in OutboxMessage.objects.all():
        deliver(message.pk)
    return {
        "auditentry": entry,
        "outboxmessage": OutboxMessage.objects.first(),
        "notification": Notification.objects.get(),
    }


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_the_admin_lists_and_shows_but_offers_no_add_change_or_delete(
    admin_client_of_superuser, delivered, model
):
    client, row = admin_client_of_superuser, delivered[model]
    changelist = client.get(reverse(f"admin:workflows_{model}_changelist"))
    change = client.get(reverse(f"admin:workflows_{model}_change", args=[row.pk]))

    assert changelist.status_code == change.status_code == 200
    assert b"delete_selected" not in changelist.content
    assert b'name="_save"' not in change.content
    assert client.get(reverse(f"admin:workflows_{model}_add")).status_code == 403
    assert client.get(reverse(f"admin:workflows_{model}_delete", args=[row.pk])).status_code == 403


def test_posting_a_change_or_a_delete_to_the_admin_is_refused(admin_client_of_superuser, entry):
    client = admin_client_of_superuser
    change_url = reverse("admin:workflows_auditentry_change", args=[entry.pk])
    delete_url = reverse("admin:workflows_auditentry_delete", args=[entry.pk])

    assert client.post(change_url, {"note": "Rewritten"}).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert unchanged(entry)
    changelist = reverse("admin:workflows_auditentry_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]})
    assert unchanged(entry)
