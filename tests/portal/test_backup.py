"""Backing up the demo programme and restoring it into a new database and a new document
storage, on the local file system and on an S3 bucket; damaged backups and full targets are
refused before anything is written."""

import copy
import io
import json
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.utils import load_backend

from portal.backup import BackupError, backup, restore, row_counts, sha256_of, stored_names
from portal.documents.storage import store
from tests.factories.documents import upload
from tests.factories.providers import ProviderDocumentFactory
from tests.storage import BUCKET

pytestmark = pytest.mark.django_db(transaction=True)


def run(command, *args, **options):
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def new_database(postgres):
    """A connection to an empty PostgreSQL database created beside the test database."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    settings_dict = {**copy.deepcopy(connection.settings_dict), "NAME": name}
    restored = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "restored")
    yield restored
    restored.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}"')


@pytest.fixture
def new_storage(media, settings, tmp_path):
    """Point the default storage at a new, empty place of the same backend as ``media``; return
    a function that does it (the backup is taken before)."""
    original = settings.STORAGES["default"]
    switched = []

    def switch():
        if media.backend == "local":
            default = {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "restored-media")},
            }
        else:
            location = f"{media.location}-restored"
            default = {**original, "OPTIONS": {**original["OPTIONS"], "location": location}}
            switched.append(location)
        settings.STORAGES = {**settings.STORAGES, "default": default}
        return default_storage

    yield switch
    for location in switched:
        for name in stored_names(default_storage):
            media.server.client.delete_object(Bucket=BUCKET, Key=f"{location}/{name}")


def hashes(storage):
    result = {}
    for name in stored_names(storage):
        with storage.open(name, "rb") as stream:
            result[name] = sha256_of(stream)
    return result


def test_the_demo_programme_comes_back_whole_in_a_new_database_and_storage(
    media, new_database, new_storage, tmp_path
):
    run("load_demo", force=True)
    folder = tmp_path / "backup"
    output = run("backup", str(folder))
    before_rows = row_counts(connection)
    before_documents = hashes(default_storage)
    assert before_documents, "the demo programme stores documents"
    assert f"{len(before_documents)} documents" in output

    restored_storage = new_storage()
    restore(folder, storage=restored_storage, connection=new_database)

    after_rows = row_counts(new_database)
    after_documents = hashes(restored_storage)
    print(
        f"\n{media.backend}: {len(after_rows)} tables, {sum(after_rows.values())} rows and "
        f"{len(after_documents)} documents restored; counts and hashes equal"
    )
    assert after_rows == before_rows
    assert sum(after_rows.values()) > 0
    assert after_documents == before_documents
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"] == before_rows
    assert {
        name.removeprefix("documents/"): digest
        for name, digest in manifest["files"].items()
        if name.startswith("documents/")
    } == before_documents


@pytest.mark.parametrize("media", ["local"], indirect=True)
def test_a_backup_with_one_byte_changed_is_refused_naming_the_file(
    media, new_database, new_storage, tmp_path
):
    ProviderDocumentFactory()
    store(upload("pdf"), prefix="tests")
    folder = tmp_path / "backup"
    run("backup", str(folder))
    damaged = sorted((folder / "documents").rglob("*.pdf"))[0]
    content = bytearray(damaged.read_bytes())
    content[len(content) // 2] ^= 0x01
    damaged.write_bytes(bytes(content))
    name = damaged.relative_to(folder).as_posix()

    restored_storage = new_storage()
    with pytest.raises(BackupError, match=f"{name} does not match its SHA-256"):
        restore(folder, storage=restored_storage, connection=new_database)
    assert row_counts(new_database) == {}
    assert stored_names(restored_storage) == []


@pytest.mark.parametrize("media", ["local"], indirect=True)
def test_restoring_into_a_database_that_is_not_empty_is_refused(media, postgres, tmp_path):
    store(upload("pdf"), prefix="tests")
    folder = tmp_path / "backup"
    run("backup", str(folder))
    before = row_counts(connection)
    with pytest.raises(CommandError, match="is not empty .* restore only into an empty database"):
        run("restore", str(folder))
    assert row_counts(connection) == before


@pytest.mark.parametrize("media", ["local"], indirect=True)
def test_backing_up_into_a_folder_that_is_not_empty_is_refused(media, postgres, tmp_path):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "notes.txt").write_text("keep me")
    with pytest.raises(CommandError, match="not empty; back up into a new or empty folder"):
        run("backup", str(tmp_path / "backup"))
    assert [p.name for p in Path(tmp_path / "backup").iterdir()] == ["notes.txt"]


def embedded_database(path):
    """A connection to the embedded SQLite database in the file ``path``."""
    settings_dict = {
        **copy.deepcopy(connection.settings_dict),
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {},
        **dict.fromkeys(("HOST", "PORT", "USER", "PASSWORD"), ""),
    }
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "embedded")


def test_the_embedded_sqlite_database_is_backed_up_and_restored_with_its_documents(tmp_path):
    source = embedded_database(tmp_path / "portal.sqlite3")
    with source.cursor() as cursor:
        cursor.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        cursor.execute("CREATE TABLE empty_notes (id INTEGER PRIMARY KEY)")
        cursor.executemany("INSERT INTO notes (body) VALUES (%s)", [("one",), ("two",), ("3",)])
    documents = FileSystemStorage(location=tmp_path / "media")
    documents.save("tenders/2026/12/plan.pdf", ContentFile(b"%PDF-1.4 plan"))
    folder = tmp_path / "backup"
    backup(folder, storage=documents, connection=source)
    source.close()

    target = embedded_database(tmp_path / "restored.sqlite3")
    restored_documents = FileSystemStorage(location=tmp_path / "restored-media")
    restore(folder, storage=restored_documents, connection=target)

    assert row_counts(target) == {"empty_notes": 0, "notes": 3}
    assert hashes(restored_documents) == hashes(documents)
    target.close()
