"""Domain error messages are translated in the language of whoever reads them."""

import struct

import pytest
from django.test import override_settings
from django.utils import translation

from tests.example_app.services import ticket_approve
from tests.factories.example_app import TicketFactory
from workflows.errors import ConflictError, DomainError, forbidden

NOT_ALLOWED = "This action is not possible while the item is %(state)s."
RUSSIAN = {
    NOT_ALLOWED: "Это действие невозможно, пока объект в состоянии «%(state)s».",
    "draft": "черновик",
    "You may not do this.": "Вам нельзя это делать.",
    "This item was changed by someone else; reload the page and try again.": (
        "Объект изменён другим пользователем; обновите страницу и повторите."
    ),
}


def write_mo(path, messages):
    """A GNU gettext catalogue of ``messages`` (msgid -> msgstr), as msgfmt would write it."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\n", **messages}
    keys = sorted(entries)
    ids = [key.encode() for key in keys]
    strs = [entries[key].encode() for key in keys]
    header = 7 * 4
    ids_table = header
    strs_table = ids_table + len(keys) * 8
    data_start = strs_table + len(keys) * 8
    offsets, data = [], b""
    for chunk in ids + strs:
        offsets.append((len(chunk), data_start + len(data)))
        data += chunk + b"\0"
    tables = b"".join(struct.pack("<2I", *pair) for pair in offsets)
    path.write_bytes(
        struct.pack("<7I", 0x950412DE, 0, len(keys), ids_table, strs_table, 0, 0) + tables + data
    )


@pytest.fixture
def russian_catalogue(tmp_path):
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    write_mo(folder / "django.mo", RUSSIAN)
    with override_settings(LOCALE_PATHS=[tmp_path]):
        yield


@pytest.mark.django_db
def test_a_refusal_raised_in_english_reads_in_russian_when_shown_to_a_russian_reader(
    russian_catalogue,
):
    ticket = TicketFactory()

    with translation.override("en"), pytest.raises(DomainError) as refused:
        ticket_approve(actor=ticket.reviewer, ticket=ticket)

    with translation.override("ru"):
        assert str(refused.value.message) == (
            "Это действие невозможно, пока объект в состоянии «черновик»."
        )
    with translation.override("en"):
        assert str(refused.value.message) == "This action is not possible while the item is draft."


def test_conflict_and_forbidden_messages_follow_the_active_language(russian_catalogue):
    conflict, refused = ConflictError(), forbidden()

    with translation.override("ru"):
        assert str(conflict.message) == (
            "Объект изменён другим пользователем; обновите страницу и повторите."
        )
        assert str(refused.message) == "Вам нельзя это делать."
    with translation.override("en"):
        assert str(refused.message) == "You may not do this."


def test_a_domain_error_keeps_its_code_and_field_for_programs():
    error = DomainError("late", "Too late", field="deadline")

    assert (error.code, error.message, error.field) == ("late", "Too late", "deadline")
    assert str(error) == "late: Too late"
