"""The submission deadline, decided inside the transaction that changes a bid.

On PostgreSQL the database decides: ``database_now`` reads its clock, and the deferred
constraint trigger of migration ``0002_bid_submission_rules`` refuses, at commit, any bid that
becomes submitted, is withdrawn or is re-confirmed once ``clock_timestamp()`` has reached the
tender's submission deadline. A bid is therefore accepted if and only if its transaction commits
before the deadline. On SQLite (development and the default test run) the application clock is
compared inside the transaction instead.

Every bid-changing transaction first takes ``lock_tender``: submissions share the tender row,
while closing the tender needs it exclusively, so a submission and the closing sweep never
overlap.
"""

from contextlib import contextmanager

from django.db import IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenders.models import Tender
from workflows.errors import DomainError

TRIGGER_CONSTRAINT = "bid_before_submission_deadline"
DEADLINE_PASSED = _("The submission deadline has passed.")


def database_now():
    """The current time by the database's clock on PostgreSQL, else the application's clock.

    ``clock_timestamp()`` rather than ``now()``: the moment of the call, not the start of the
    transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0]
    return timezone.now()


def lock_tender(tender_id):
    """Re-read the tender, locked against closing until the transaction ends.

    ``FOR SHARE`` on PostgreSQL (Django offers only exclusive locks): bids on one tender are
    submitted side by side, but the runner's ``FOR UPDATE`` when the tender closes waits for
    them, and they wait for it and then see it closed. SQLite serialises every write
    transaction anyway.
    """
    if connection.vendor == "postgresql":
        table = Tender._meta.db_table
        rows = list(
            Tender.objects.raw(f"SELECT * FROM {table} WHERE id = %s FOR SHARE", [tender_id])
        )
        if not rows:
            raise Tender.DoesNotExist
        return rows[0]
    return Tender.objects.select_for_update().get(pk=tender_id)


def check_open_for_bids(tender, now):
    """Refuse a bid change on a tender that is not published or whose deadline is reached."""
    if tender.state != Tender.State.PUBLISHED:
        raise DomainError("tender_not_open", _("This tender is not open for bids."))
    if tender.submission_deadline is None or now >= tender.submission_deadline:
        raise DomainError("deadline_passed", DEADLINE_PASSED)


def is_deadline_violation(error):
    """Whether ``error`` is the deadline trigger refusing a commit."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == TRIGGER_CONSTRAINT


@contextmanager
def deadline_enforced():
    """Turn the trigger's refusal at commit into the deadline's DomainError.

    Wrap the outermost ``transaction.atomic()`` of a service with it (``with
    deadline_enforced(), transaction.atomic():``). When the service runs inside a caller's
    transaction, the refusal reaches that caller's commit as an ``IntegrityError`` instead and
    nothing is stored either way.
    """
    try:
        yield
    except IntegrityError as error:
        if is_deadline_violation(error):
            raise DomainError("deadline_passed", DEADLINE_PASSED) from error
        raise
