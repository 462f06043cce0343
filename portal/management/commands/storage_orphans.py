"""List, and with --delete remove, stored files that no row references."""

from django.core.management.base import BaseCommand

from portal.documents.orphans import orphaned_names, remove_orphans


class Command(BaseCommand):
    help = (
        "List the files in the default storage that no row references. With --delete, "
        "remove those last changed more than a day ago (younger ones may belong to an upload "
        "still being saved)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Remove orphaned files older than a day."
        )

    def handle(self, *args, delete=False, **options):
        orphans = orphaned_names()
        for name in orphans:
            self.stdout.write(name)
        summary = f"{len(orphans)} file(s) not referenced by any row."
        if delete:
            removed = remove_orphans(orphans)
            summary += f" {len(removed)} removed; {len(orphans) - len(removed)} kept (too recent)."
        self.stdout.write(summary)
