"""Racing many service calls, each in its own thread and database connection, with each one's
last steps released at a chosen moment and the database's clock read around its commit."""

import threading
import time
from contextlib import contextmanager

from django.db import connection
from django.db.models.signals import post_save

from tenders.services.bid_deadline import database_now

_moment = threading.local()


class Clocked:
    """What one call did; whether its work reached the hold before its moment (``on_time``);
    and the database's clock just before its transaction committed and just after the call
    returned: the moment of its commit lies between the two."""

    def __init__(self):
        self.outcome = None
        self.on_time = None
        self.before_commit = None
        self.after = None


@contextmanager
def held_at_save(model, state):
    """Pause each racing call's transaction when it saves a ``model`` row in ``state``, until
    that call's moment, as a slow request would; the rest of the transaction and its commit
    then run as usual."""

    def hold(sender, instance, **kwargs):
        record = getattr(_moment, "record", None)
        if record is None or instance.state != state:
            return
        wait = _moment.at - time.monotonic()
        record.on_time = wait >= 0
        time.sleep(max(0.0, wait))

    post_save.connect(hold, sender=model, weak=False)
    try:
        yield
    finally:
        post_save.disconnect(hold, sender=model)


def _clock_commits(record):
    # Only reads the clock: the commit is the real one, so the database's rules (the deadline
    # trigger) still decide at that commit.
    commit = connection._commit

    def clocked():
        with connection.connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            record.before_commit = cursor.fetchone()[0]
        return commit()

    connection._commit = clocked


def race_to(offsets, prepare, call, start):
    """Start ``call(prepared)`` at once in one thread and connection per offset; each call
    held by ``held_at_save`` is released ``offset`` seconds after the moment ``start()``
    returns (a ``time.monotonic`` value). ``prepare(index)`` runs in each thread first, and
    ``start`` once every thread is prepared. Return one ``Clocked`` per offset."""
    records = [Clocked() for _ in offsets]
    ready = threading.Barrier(len(offsets) + 1)
    go = threading.Event()
    base = []

    def run(index, offset):
        record = records[index]
        try:
            prepared = prepare(index)
            _clock_commits(record)
            ready.wait(timeout=60)
            go.wait(timeout=60)
            _moment.record, _moment.at = record, base[0] + offset
            try:
                record.outcome = call(prepared)
            except Exception as error:  # noqa: BLE001 - the outcome under test
                record.outcome = error
            record.after = database_now()
        finally:
            _moment.record = None
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, offset)) for index, offset in enumerate(offsets)
    ]
    for thread in threads:
        thread.start()
    ready.wait(timeout=60)
    base.append(start())
    go.set()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return records
