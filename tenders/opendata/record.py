"""Compiling a contracting process's releases into its record, with OCDS's own merge library."""

import copy
import functools

import ocdsmerge

from tenders.opendata.validation import schema


@functools.cache
def _merger():
    # The local release schema gives the merge rules; without it ocdsmerge would fetch one.
    return ocdsmerge.Merger(schema=copy.deepcopy(schema("release-schema.json")))


def compiled_release(releases):
    """The latest state of every field across ``releases`` (release dicts, oldest first)."""
    return _merger().create_compiled_release(releases)
