"""The OpenAPI schema's shared parts: every operation documents the refusals any request may
meet (not signed in, not allowed, not found, too many requests), and ids are database ids."""

from portal.api.errors import REFUSAL_STATUSES

MAX_ID = 2**63 - 1

REFUSAL = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "failures": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["code", "detail"],
}


def add_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Refusal"] = REFUSAL
    reference = {"$ref": "#/components/schemas/Refusal"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in REFUSAL_STATUSES.items():
                responses.setdefault(
                    str(status),
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter["schema"].get("type") == "integer":
                    parameter["schema"].update({"minimum": 1, "maximum": MAX_ID})
    return result
