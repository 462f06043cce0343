"""Back up the database and the document storage into a folder, with a manifest of hashes."""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from portal.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a backup into FOLDER (new or empty): the database (pg_dump on PostgreSQL, a copy "
        "of the file on SQLite), every file of the document storage, and manifest.json with "
        "the SHA-256 of each file and the row count of each table."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where to write the backup; new or empty.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *args, folder, database, **options):
        try:
            manifest = backup(folder, storage=default_storage, connection=connections[database])
        except BackupError as error:
            raise CommandError(str(error)) from error
        documents = len(manifest["files"]) - 1
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables ({rows} rows) and {documents} "
            f"documents to {folder}."
        )
