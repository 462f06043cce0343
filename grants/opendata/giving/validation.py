"""Validating the 360Giving package against the schemas kept in ``grants/opendata/schemas/``
(JSON Schema 2020-12), offline.

The package schema refers to the grant schema by its 1.4.2 URL, the grant schema names itself
by its 1.4.3 URL: it is registered under both, so no reference is ever fetched.
"""

import functools
import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "360giving"
PACKAGE = "360-giving-package-schema.json"
GRANT = "360-giving-schema.json"


@functools.cache
def schema(name):
    """One of the schema files, parsed."""
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@functools.cache
def _validator():
    package = schema(PACKAGE)
    grant = Resource.from_contents(schema(GRANT), default_specification=DRAFT202012)
    registry = Registry().with_resources(
        [(grant.id(), grant), (package["properties"]["grants"]["items"]["$ref"], grant)]
    )
    return Draft202012Validator(
        package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def errors(package):
    """Every way ``package`` breaks the 360Giving package schema, as ``"path: message"`` texts."""
    return [
        f"{'/'.join(str(part) for part in error.absolute_path) or '(package)'}: {error.message}"
        for error in sorted(_validator().iter_errors(package), key=str)
    ]
