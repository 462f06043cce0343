"""Finding files in the default storage that no row references.

A service stores a file before the transaction that records it and removes it when that
transaction fails, but a process killed in between leaves the file behind. Every
``FileField`` of every installed model is a reference (document models, file jobs...), found
generically so a new model is covered without a change here. Names are compared as stored:
paths relative to the storage root, such as ``tenders/bids/2026/05/<uuid>.pdf``.
"""

import datetime
import posixpath

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

# A file younger than this may belong to a transaction still running; it is never removed.
MIN_AGE = datetime.timedelta(days=1)


def file_fields():
    """``(model, field)`` for every concrete ``FileField`` (``ImageField`` included)."""
    return [
        (model, field)
        for model in apps.get_models()
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def referenced_names():
    """The storage names held by any ``FileField`` of any row."""
    names = set()
    for model, field in file_fields():
        values = model._base_manager.exclude(**{field.attname: ""}).exclude(
            **{f"{field.attname}__isnull": True}
        )
        names.update(values.values_list(field.attname, flat=True))
    return names


def stored_names(storage=default_storage, folder=""):
    """Every file name in ``storage`` under ``folder``, walking sub-folders."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name) if folder else name
    for sub in folders:
        yield from stored_names(storage, posixpath.join(folder, sub) if folder else sub)


def orphaned_names(storage=default_storage):
    """The stored names no row references, sorted."""
    referenced = referenced_names()
    return sorted(name for name in stored_names(storage) if name not in referenced)


def remove_orphans(names, *, now=None, storage=default_storage):
    """Delete those of ``names`` last modified more than ``MIN_AGE`` before ``now``; return
    the names deleted. Harmless to run twice."""
    cutoff = (now or timezone.now()) - MIN_AGE
    removed = []
    for name in names:
        if storage.exists(name) and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            removed.append(name)
    return removed
