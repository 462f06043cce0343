"""The test databases of the mutation run (``make mutation``) on PostgreSQL.

mutmut runs the tests many times, several mutants side by side, each in a process forked from
one that has already run them. Every one of those test sessions gets its own copy of a template
database that only the migrations have touched (``python tests/mutation/database.py`` builds
it), and drops the copy when it ends: no session sees rows another one left, even a session
killed halfway.
"""

import functools
import os
import sys

import pytest

_copy = pytest.StashKey[str]()


@functools.cache
def _template():
    """The template's name, or None when not on PostgreSQL. Read once: a test session renames
    the database it uses in the settings."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        return None
    return f"test_{database['NAME']}_template"


def _names():
    """The template's name and this process's copy of it, or None when not on PostgreSQL."""
    template = _template()
    return None if template is None else (template, f"{template}_{os.getpid()}")


def _server(*statements):
    """Run SQL on the server's maintenance database, outside pytest-django's guard."""
    import psycopg
    from django.conf import settings

    database = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        autocommit=True,
    ) as server:
        for statement in statements:
            server.execute(statement)


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    names = _names()
    if names is None:
        return
    from django.conf import settings

    template, copy = names
    _server(f'DROP DATABASE IF EXISTS "{copy}"', f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = copy
    config.option.reuse_db = True
    config.option.create_db = False
    config.stash[_copy] = copy


def pytest_unconfigure(config):
    copy = config.stash.get(_copy, None)
    if copy is None:
        return
    from django.db import connections

    connections.close_all()
    _server(f'DROP DATABASE IF EXISTS "{copy}"')


def build_template():
    """Create the template afresh and migrate it, dropping any copies left by killed sessions."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    names = _names()
    if names is None:
        return
    template = names[0]
    _server(f'DROP DATABASE IF EXISTS "{template}"', f'CREATE DATABASE "{template}"')
    connection.settings_dict["NAME"] = template
    call_command("migrate", interactive=False, verbosity=0)
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{template}\\_%"])
        leftovers = [row[0] for row in cursor.fetchall()]
    _server(*(f'DROP DATABASE IF EXISTS "{name}"' for name in leftovers))


if __name__ == "__main__":
    sys.path.insert(0, str(os.path.dirname(os.path.dirname(os.path.dirname(__file__)))))
    build_template()
