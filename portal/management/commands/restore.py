"""Restore a backup folder into an empty database and an empty document storage."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portal.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore the backup in FOLDER (written by the backup command) into an empty database "
        "and an empty document storage. Every file is checked against its SHA-256 in the "
        "manifest first; a damaged backup or a target that is not empty is refused and "
        "nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="The backup folder.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="The empty database to restore into."
        )

    def handle(self, *args, folder, database, **options):
        try:
            manifest = restore(folder, storage=default_storage, connection=connections[database])
        except BackupError as error:
            raise CommandError(str(error)) from error
        documents = len(manifest["files"]) - 1
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored {len(manifest['tables'])} tables ({rows} rows, counts checked) and "
            f"{documents} documents with their hashes checked, from {folder}."
        )
