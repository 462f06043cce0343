"""Walk the audit log's hash chain and say whether it is intact."""

from django.core.management.base import BaseCommand, CommandError

from workflows import verification


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain, compare it with the latest checkpoint file, "
        "record the result for the administrators and exit non-zero when an entry does not match."
    )

    def handle(self, *args, **options):
        result = verification.verify()
        if result.ok:
            self.stdout.write(f"OK {result.count} entries, head {result.head_hash}")
            return
        raise CommandError(
            f"FAILED at entry {result.entry_sequence} (row id {result.entry_id}): "
            f"{result.get_problem_display()} {result.count} entries matched before it.",
            returncode=1,
        )
