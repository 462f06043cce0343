"""Every user-facing string has a Turkmen and a Russian translation, and the compiled catalogues
the portal loads are the ones in the repository (English is the source language)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.conftest import require

LOCALE = Path(settings.BASE_DIR) / "portal" / "locale"
LANGUAGES = ["tk", "ru"]
APPS = ["portal", "providers", "tenders", "grants", "workflows"]


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """The catalogues as makemessages makes them from today's code, merged with the
    repository's translations: made in a copy of the project, so the repository is untouched."""
    require(shutil.which("xgettext") is not None, "GNU gettext (apt-get install gettext)")
    copy = tmp_path_factory.mktemp("project")
    root = Path(settings.BASE_DIR)
    shutil.copy(root / "manage.py", copy)
    for app in APPS:
        shutil.copytree(root / app, copy / app, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "-v", "0"]
        + [f"--locale={language}" for language in LANGUAGES],
        cwd=copy,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "PORTAL_VAR_DIR": str(copy / "var"),
        },
        check=True,
    )
    folder = copy / "portal" / "locale"
    return {
        language: polib.pofile(folder / language / "LC_MESSAGES" / "django.po")
        for language in LANGUAGES
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_in_the_code_is_translated(fresh_catalogues, language):
    catalogue = fresh_catalogues[language]
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} strings lack a {language} translation: {missing[:20]}"
    assert not fuzzy, f"{len(fuzzy)} {language} translations are marked fuzzy: {fuzzy[:20]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_committed_catalogue_holds_every_string_of_the_code(fresh_catalogues, language):
    committed = polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")
    ids = {(e.msgctxt, e.msgid) for e in committed if e.translated()}
    needed = {(e.msgctxt, e.msgid) for e in fresh_catalogues[language]}
    assert not needed - ids, sorted(needed - ids)[:20]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language, tmp_path):
    require(shutil.which("msgfmt") is not None, "GNU gettext (apt-get install gettext)")
    folder = LOCALE / language / "LC_MESSAGES"
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(compiled), str(folder / "django.po")], check=True
    )
    assert polib.mofile(compiled).translated_entries() and [
        (e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(compiled)
    ] == [
        (e.msgctxt, e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.mofile(folder / "django.mo")
    ]
