"""Validating packages against the OCDS 1.1.5 schemas kept in ``schemas/`` (draft-04), offline.

The package schemas refer to the release schema by its published URL; the release schema is
registered under that URL, so no reference is ever fetched.
"""

import functools
import json
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).resolve().parent / "schemas" / "ocds-1.1.5"
RELEASE_PACKAGE = "release-package-schema.json"
RECORD_PACKAGE = "record-package-schema.json"


@functools.cache
def schema(name):
    """One of the schema files, parsed."""
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@functools.cache
def _validator(name):
    release = schema("release-schema.json")
    registry = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(
        schema(name), registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER
    )


def errors(package, schema_name):
    """Every way ``package`` breaks the schema ``schema_name``, as ``"path: message"`` texts."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(package)'}: {error.message}"
        for error in sorted(_validator(schema_name).iter_errors(package), key=str)
    ]
