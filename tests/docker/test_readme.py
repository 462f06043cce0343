"""The README documents every environment variable the settings read, and the set-up commands."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
READ = r"env\.(?:str|bool|list|int|db_url|email_url)\(\s*\"([A-Z0-9_]+)\""


def documented():
    return set(re.findall(r"^\| `([A-Z0-9_]+)`", README, flags=re.MULTILINE))


def test_every_variable_the_settings_read_has_a_row_in_the_readme_table():
    read = set()
    for path in (ROOT / "portal" / "settings").glob("*.py"):
        read |= set(re.findall(READ, path.read_text()))
    assert read, "no variables found: the pattern no longer matches the settings"
    assert read - documented() == set()


def test_the_readme_gives_the_two_set_up_commands_each_on_its_own_line():
    lines = README.splitlines()
    assert "make run" in lines
    assert "make test" in lines
