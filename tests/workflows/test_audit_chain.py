"""The audit log is a hash chain: a row changed, deleted or slipped in with SQL is found and
named, a lost tail is caught by the daily checkpoint, and the administrators are told."""

import json
import time
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from portal.documents.orphans import orphaned_names
from tests.factories.example_app import TicketFactory
from tests.factories.portal import UserFactory
from tests.portal.home_support import home
from tests.races import race
from workflows import audit, chain, sweeps, verification
from workflows.delivery import render
from workflows.models import AuditCheckpoint, AuditEntry, AuditVerification, OutboxMessage

pytestmark = pytest.mark.django_db

Problem = AuditVerification.Problem


@pytest.fixture(autouse=True)
def no_checkpoint_files():
    """Checkpoint files live in the test run's media folder, shared by every test."""

    def clear():
        if default_storage.exists(verification.CHECKPOINT_FOLDER):
            for name in default_storage.listdir(verification.CHECKPOINT_FOLDER)[1]:
                default_storage.delete(f"{verification.CHECKPOINT_FOLDER}/{name}")

    clear()
    yield
    clear()


def write_entries(count):
    ticket = TicketFactory()
    return [
        audit.record(ticket, "commented", actor=ticket.owner, note=f"Note {i}", data={"i": i})
        for i in range(count)
    ]


def tamper(sql, params=()):
    """Run ``sql`` on the audit table as someone with database rights: on PostgreSQL the
    append-only trigger is switched off first, as a superuser could."""
    trigger = "workflows_auditentry_append_only"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test's own inserts leave foreign key checks pending, which ALTER TABLE refuses.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE workflows_auditentry DISABLE TRIGGER {trigger}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE workflows_auditentry ENABLE TRIGGER {trigger}")


def test_each_entry_carries_its_place_and_the_hash_of_the_one_before():
    entries = write_entries(3)

    assert [e.sequence for e in entries] == [1, 2, 3]
    assert [e.previous_hash for e in entries] == ["", entries[0].entry_hash, entries[1].entry_hash]
    assert len({e.entry_hash for e in entries}) == 3


def test_verify_audit_reports_an_intact_log_with_its_count_and_head(capsys):
    entries = write_entries(3)

    call_command("verify_audit")

    assert capsys.readouterr().out.strip() == f"OK 3 entries, head {entries[-1].entry_hash}"
    check = AuditVerification.objects.get()
    assert (check.ok, check.count, check.head_hash) == (True, 3, entries[-1].entry_hash)


def test_an_entry_edited_in_sql_is_named_as_changed():
    entries = write_entries(4)
    tamper("UPDATE workflows_auditentry SET data = %s WHERE id = %s", ['{"i": 99}', entries[1].pk])

    with pytest.raises(CommandError, match="FAILED at entry 2") as failure:
        call_command("verify_audit")

    assert failure.value.returncode == 1
    check = AuditVerification.objects.get()
    assert (check.ok, check.problem, check.entry_id, check.count) == (
        False,
        Problem.CHANGED,
        entries[1].pk,
        1,
    )


def test_a_deleted_entry_is_found_at_the_gap_it_leaves():
    entries = write_entries(4)
    tamper("DELETE FROM workflows_auditentry WHERE id = %s", [entries[1].pk])

    check = verification.verify()

    assert (check.ok, check.problem, check.entry_sequence, check.entry_id) == (
        False,
        Problem.MISSING,
        3,
        entries[2].pk,
    )


def test_a_forged_entry_slipped_into_the_middle_is_named_as_inserted():
    entries = write_entries(4)
    forged = AuditEntry(
        content_type_id=entries[0].content_type_id,
        object_id=entries[0].object_id,
        object_repr=entries[0].object_repr,
        action="approved",
        data={},
        created_at=entries[1].created_at,
        sequence=2,
        previous_hash=entries[0].entry_hash,
    )
    forged.entry_hash = chain.entry_digest(forged, "example_app.ticket")
    forged.save(force_insert=True)

    check = verification.verify()

    assert (check.ok, check.problem, check.entry_sequence, check.entry_id) == (
        False,
        Problem.INSERTED,
        2,
        forged.pk,
    )


def test_a_tail_deleted_after_a_checkpoint_is_caught():
    entries = write_entries(4)
    checkpoint = verification.checkpoint_write()
    stored = json.loads(default_storage.open(checkpoint.file.name).read())
    assert (stored["count"], stored["head_hash"]) == (4, entries[-1].entry_hash)
    tamper("DELETE FROM workflows_auditentry WHERE sequence > 2")

    with pytest.raises(CommandError, match="FAILED at entry 3"):
        call_command("verify_audit")

    check = AuditVerification.objects.get()
    assert (check.problem, check.count) == (Problem.TRUNCATED, 2)


def test_a_tail_rewritten_after_a_checkpoint_is_caught():
    entries = write_entries(3)
    verification.checkpoint_write()
    tamper("DELETE FROM workflows_auditentry WHERE sequence = 3")
    audit.record(entries[0].subject, "commented", actor=None, note="Written over")

    check = verification.verify()

    assert (check.problem, check.entry_sequence) == (Problem.REWRITTEN, 3)


def test_a_failed_check_tells_every_system_administrator_once_per_run():
    admins = [UserFactory(system_admin=True), UserFactory(system_admin=True, is_superuser=False)]
    UserFactory(evaluator=True)
    entries = write_entries(2)
    tamper("UPDATE workflows_auditentry SET note = 'x' WHERE id = %s", [entries[0].pk])

    first, second = verification.verify(), verification.verify()

    emails = OutboxMessage.objects.filter(
        event=verification.VERIFICATION_FAILED, channel=OutboxMessage.Channel.EMAIL
    )
    for check in (first, second):
        run = emails.filter(key__startswith=f"audit-verification:{check.pk}:")
        assert sorted(run.values_list("recipient", flat=True)) == sorted(a.pk for a in admins)
    subject, body = render(
        emails.get(recipient=admins[0], key__startswith=f"audit-verification:{first.pk}:")
    )
    assert subject == "The audit log check failed: entries may have been tampered with"
    assert f"row id {entries[0].pk}" in body and "it was changed" in body


def test_an_intact_check_tells_nobody():
    UserFactory(system_admin=True)
    write_entries(2)

    assert verification.verify().ok
    assert not OutboxMessage.objects.filter(event=verification.VERIFICATION_FAILED).exists()


def test_the_admin_home_shows_the_last_check(client):
    admin = UserFactory(system_admin=True)
    entries = write_entries(2)
    assert "not been checked yet" in home(client, admin)
    verification.verify()
    assert "intact, 2 entries" in home(client, admin)
    tamper("UPDATE workflows_auditentry SET note = 'x' WHERE id = %s", [entries[1].pk])

    verification.verify()

    page = home(client, admin)
    assert "failed at entry 2" in page
    assert "it was changed" in page


def test_the_daily_sweep_checks_the_log_and_writes_one_checkpoint_a_day():
    entries = write_entries(2)
    sweep = sweeps.registered()["workflows.audit_daily_check"]
    now = timezone.now()

    assert sweeps.run(sweep, now) == 1
    assert sweeps.run(sweep, now) == 0

    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.count, checkpoint.head_hash) == (2, entries[-1].entry_hash)
    assert default_storage.exists(f"audit-checkpoints/{timezone.localdate(now)}.json")
    assert AuditVerification.objects.get().ok


def test_a_log_emptied_after_a_checkpoint_is_caught_by_the_next_daily_check():
    write_entries(2)
    sweep = sweeps.registered()["workflows.audit_daily_check"]
    sweeps.run(sweep, timezone.now() - timedelta(days=1))
    tamper("DELETE FROM workflows_auditentry")

    assert sweeps.run(sweep, timezone.now()) == 1

    check = AuditVerification.objects.latest("checked_at")
    assert (check.ok, check.problem, check.count) == (False, Problem.TRUNCATED, 0)


def test_the_storage_clean_up_keeps_the_checkpoint_files():
    write_entries(1)
    checkpoint = verification.checkpoint_write()

    assert checkpoint.file.name not in orphaned_names()


def test_a_failed_daily_check_writes_no_checkpoint_file():
    entries = write_entries(2)
    tamper("UPDATE workflows_auditentry SET note = 'x' WHERE id = %s", [entries[0].pk])

    sweeps.run(sweeps.registered()["workflows.audit_daily_check"], timezone.now())

    assert not AuditVerification.objects.get().ok
    assert not AuditCheckpoint.objects.get().file
    assert verification.latest_checkpoint_file() is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_unbroken_chain(postgres):
    ticket = TicketFactory()

    def writer(name):
        def job():
            for i in range(10):
                with transaction.atomic():
                    audit.record(ticket, "commented", actor=None, note=f"{name} {i}")
                    # Keeps the transaction open so the other writer reads the head meanwhile.
                    time.sleep(0.01)

        return job

    outcomes = race(writer("a"), writer("b"))

    assert outcomes == [None, None]
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, 21))
    check = verification.verify()
    assert (check.ok, check.count) == (True, 20)


def test_the_last_check_and_its_mail_are_in_the_administrators_language(client):
    admin = UserFactory(system_admin=True, language="tk")
    entries = write_entries(2)
    tamper("UPDATE workflows_auditentry SET note = 'x' WHERE id = %s", [entries[0].pk])

    verification.verify()

    assert "ol üýtgedilipdir" in home(client, admin)
    subject, body = render(OutboxMessage.objects.get(recipient=admin, channel="email"))
    assert subject == "Audit žurnalynyň barlagy şowsuz boldy: ýazgylar bozulan bolmagy mümkin"
    assert "Onuň mazmuny heşine gabat gelmeýär" in body
