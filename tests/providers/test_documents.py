"""Adding and removing an organisation's documents."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from providers.models import DocumentType, MemberRole, ProviderDocument
from providers.services import document_add, document_remove
from tests.factories.documents import pdf_bytes, upload
from tests.factories.providers import ProviderDocumentFactory, ProviderFactory, admin_of, member_of
from workflows.audit import history
from workflows.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db


def stored_files():
    root = settings.MEDIA_ROOT / "providers" / "documents"
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def add(provider, actor=None, **overrides):
    arguments = {
        "document_type": DocumentType.CHARTER,
        "title": "Charter",
        "upload": upload("pdf", name="charter.pdf"),
        "expires_on": timezone.localdate() + timedelta(days=365),
        **overrides,
    }
    return document_add(actor=actor or admin_of(provider), provider=provider, **arguments)


@pytest.mark.parametrize("state", ["draft", "returned", "verified", "suspended"])
def test_an_admin_files_a_document_and_the_file_is_stored(state):
    provider = ProviderFactory(**{state: True})

    document = add(provider)

    assert document.provider == provider and document.mime == "application/pdf"
    assert document.original_name == "charter.pdf" and document.uploaded_by == admin_of(provider)
    with default_storage.open(document.file.name) as handle:
        assert handle.read() == pdf_bytes()
    entry = history(provider).get(action="document_add")
    assert entry.data["document"] == document.pk


def test_an_editor_may_file_a_document():
    provider = ProviderFactory()

    add(provider, actor=member_of(provider, MemberRole.EDITOR))

    assert provider.documents.count() == 1


@pytest.mark.parametrize("state", ["submitted", "rejected"])
def test_documents_cannot_be_filed_under_review_or_after_rejection(state):
    provider = ProviderFactory(**{state: True})
    before = stored_files()

    with pytest.raises(DomainError) as error:
        add(provider)

    assert error.value.code == "not_allowed"
    assert stored_files() == before
    assert not ProviderDocument.objects.exists()


def test_a_viewer_or_another_organisation_cannot_file_documents():
    provider = ProviderFactory()

    for actor in (member_of(provider, MemberRole.VIEWER), admin_of(ProviderFactory())):
        with pytest.raises(DomainError) as error:
            add(provider, actor=actor)
        assert error.value.code == "forbidden"
    assert not ProviderDocument.objects.exists()


def test_filing_the_same_file_twice_keeps_one_document_and_one_file():
    provider = ProviderFactory()
    before = stored_files()

    first = add(provider)
    second = add(provider)

    assert first == second
    assert len(stored_files()) == len(before) + 1
    assert history(provider).filter(action="document_add").count() == 1


def test_an_already_expired_document_is_refused_and_nothing_is_stored():
    provider = ProviderFactory()
    before = stored_files()

    with pytest.raises(DomainError) as error:
        add(provider, expires_on=timezone.localdate() - timedelta(days=1))

    assert (error.value.code, error.value.field) == ("expired", "expires_on")
    assert stored_files() == before


def test_a_file_that_is_not_a_document_is_refused_by_the_service_too():
    provider = ProviderFactory()
    before = stored_files()

    with pytest.raises(ValidationError):
        add(provider, upload=upload("pdf", name="charter.pdf", content=b"MZ\x90\x00binary"))

    assert stored_files() == before
    assert not ProviderDocument.objects.exists()


def test_a_stale_form_is_a_conflict():
    provider = ProviderFactory(submitted=True)

    with pytest.raises(ConflictError):
        add(provider, seen_state="draft")


def test_removing_a_document_deletes_its_file_after_commit(django_capture_on_commit_callbacks):
    provider = ProviderFactory()
    document = ProviderDocumentFactory(provider=provider)
    name = document.file.name

    with django_capture_on_commit_callbacks(execute=True):
        document_remove(actor=admin_of(provider), document=document)

    assert not ProviderDocument.objects.filter(pk=document.pk).exists()
    assert not default_storage.exists(name)
    assert history(provider).get(action="document_remove").data["document"] == document.pk


def test_a_rolled_back_removal_keeps_the_document_and_its_file():
    provider = ProviderFactory()
    document = ProviderDocumentFactory(provider=provider)

    with pytest.raises(RuntimeError), transaction.atomic():
        document_remove(actor=admin_of(provider), document=document)
        raise RuntimeError("the surrounding work failed")

    assert ProviderDocument.objects.filter(pk=document.pk).exists()
    assert default_storage.exists(document.file.name)


def test_removing_a_document_again_does_nothing():
    provider = ProviderFactory()
    document = ProviderDocumentFactory(provider=provider)

    document_remove(actor=admin_of(provider), document=document)
    document_remove(actor=admin_of(provider), document=document)

    assert history(provider).filter(action="document_remove").count() == 1


def test_a_viewer_cannot_remove_a_document_and_nothing_changes_under_review():
    provider = ProviderFactory()
    document = ProviderDocumentFactory(provider=provider)

    with pytest.raises(DomainError):
        document_remove(actor=member_of(provider, MemberRole.VIEWER), document=document)

    submitted = ProviderFactory(submitted=True)
    under_review = ProviderDocumentFactory(provider=submitted)
    with pytest.raises(DomainError):
        document_remove(actor=admin_of(submitted), document=under_review)
    assert ProviderDocument.objects.count() == 2
