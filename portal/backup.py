"""Backing up the portal to a folder, and restoring such a folder into an empty installation.

A backup folder holds the database (``database.dump``, a ``pg_dump`` custom-format archive on
PostgreSQL, or ``database.sqlite3``, a copy of the embedded SQLite database), every file of the
document storage under ``documents/`` by its storage name, and ``manifest.json``: the SHA-256
of every file in the folder and the row count of every table.

On PostgreSQL the row counts and the dump are taken from one snapshot (``pg_dump --snapshot``),
so they agree while the portal keeps running. Documents are copied after the snapshot; their
names are never reused, so a file stored meanwhile is copied too and merely has no row.

A restore checks every hash before it touches anything, refuses a database that has tables or
a storage that holds files, then loads the database, stores the documents under their names
and checks that every table has the row count the manifest gives.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.utils import timezone

MANIFEST = "manifest.json"
DOCUMENTS = "documents"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


def backup(folder, *, storage, connection):
    """Write a backup of ``connection``'s database and of ``storage`` into ``folder``, which
    must be empty or not exist yet. Returns the manifest. Reads only; safe to repeat into a
    new folder."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty; back up into a new or empty folder.")
    folder.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(connection)
    dump = folder / DUMPS[vendor]
    if vendor == "postgresql":
        tables = _dump_postgresql(connection, dump)
    else:
        tables = _dump_sqlite(connection, dump)
    files = {dump.name: _file_sha256(dump)}
    for name in stored_names(storage):
        target = folder / DOCUMENTS / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy, CHUNK)
        files[f"{DOCUMENTS}/{name}"] = _file_sha256(target)
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": dump.name},
        "tables": tables,
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def restore(folder, *, storage, connection):
    """Restore the backup in ``folder`` into ``connection``'s database and ``storage``, both
    of which must be empty. Refuses, naming the file, a backup whose files do not match their
    hashes in the manifest, before anything is written. Returns the manifest."""
    folder = Path(folder)
    manifest = verify(folder)
    vendor = _vendor(connection)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']['vendor']} database; the target database "
            f"is {vendor}. Restore into the same kind of database."
        )
    tables = table_names(connection)
    if tables:
        raise BackupError(
            f"The target database {connection.settings_dict['NAME']} is not empty "
            f"({len(tables)} tables); restore only into an empty database."
        )
    names = stored_names(storage)
    if names:
        raise BackupError(
            f"The target document storage is not empty ({len(names)} files); restore only "
            "into an empty storage."
        )
    dump = folder / manifest["database"]["file"]
    if vendor == "postgresql":
        _load_postgresql(connection, dump)
    else:
        _load_sqlite(connection, dump)
    prefix = f"{DOCUMENTS}/"
    for entry in sorted(manifest["files"]):
        if not entry.startswith(prefix):
            continue
        name = entry[len(prefix) :]
        with (folder / entry).open("rb") as source:
            saved = storage.save(name, File(source, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}; the restore is incomplete.")
    counts = row_counts(connection)
    if counts != manifest["tables"]:
        differing = sorted(
            table
            for table in set(counts) | set(manifest["tables"])
            if counts.get(table) != manifest["tables"].get(table)
        )
        raise BackupError(f"Row counts differ from the manifest in: {', '.join(differing)}.")
    return manifest


def verify(folder):
    """The manifest of the backup in ``folder``, once every file it lists is present with its
    SHA-256 and no other file is there; else ``BackupError`` naming the file."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}; it is not a backup folder.")
    try:
        manifest = json.loads(path.read_text())
        files, database = manifest["files"], manifest["database"]
        manifest["tables"]
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} cannot be read ({error}); the backup is damaged.") from error
    if database.get("file") not in files:
        raise BackupError(f"{MANIFEST} lists no database file; the backup is damaged.")
    present = {
        entry.relative_to(folder).as_posix()
        for entry in Path(folder).rglob("*")
        if entry.is_file() and entry.name != MANIFEST
    }
    for name in sorted(set(files) - present):
        raise BackupError(f"{name} is missing from the backup; nothing was restored.")
    for name in sorted(present - set(files)):
        raise BackupError(f"{name} is not listed in {MANIFEST}; nothing was restored.")
    for name, expected in sorted(files.items()):
        if _file_sha256(Path(folder) / name) != expected:
            raise BackupError(
                f"{name} does not match its SHA-256 in {MANIFEST}: the backup is damaged; "
                "nothing was restored."
            )
    return manifest


def stored_names(storage, path=""):
    """Every file name in ``storage`` under ``path``, sorted; none when a local storage's
    folder does not exist yet."""
    try:
        folders, files = storage.listdir(path)
    except FileNotFoundError:
        return []
    names = [f"{path}/{name}" if path else name for name in files]
    for folder in folders:
        names += stored_names(storage, f"{path}/{folder}" if path else folder)
    return sorted(names)


def table_names(connection):
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def row_counts(connection):
    """``{table: rows}`` for every table of ``connection``'s database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def sha256_of(stream):
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _file_sha256(path):
    with path.open("rb") as stream:
        return sha256_of(stream)


def _vendor(connection):
    if connection.vendor not in DUMPS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _dump_postgresql(connection, path):
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        tables = row_counts(connection)
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            connection,
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={path}",
        )
    return tables


def _load_postgresql(connection, path):
    _run(
        connection,
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        str(path),
    )


def _run(connection, program, *arguments):
    settings = connection.settings_dict
    options = [f"--dbname={settings['NAME']}"]
    options += [f"--host={settings['HOST']}"] if settings.get("HOST") else []
    options += [f"--port={settings['PORT']}"] if settings.get("PORT") else []
    options += [f"--username={settings['USER']}"] if settings.get("USER") else []
    environment = dict(os.environ)
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    try:
        subprocess.run(
            [program, *arguments, *options],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError as error:
        raise BackupError(f"{program} is not installed (PostgreSQL client tools).") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{program} failed: {error.stderr.strip()}") from error


def _dump_sqlite(connection, path):
    connection.ensure_connection()
    tables = row_counts(connection)
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return tables


def _load_sqlite(connection, path):
    connection.close()
    shutil.copyfile(path, connection.settings_dict["NAME"])
