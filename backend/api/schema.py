"""Make the OpenAPI schema say what the API really answers (issue 13).

A drf-spectacular postprocessing hook: every operation lists the error statuses any call can
get (bad input, no or wrong credentials, refused, not found, conflict, body too large,
unsupported media type, throttled) in the API's error format, and `time` values are
described by a pattern (JSON Schema's "time" format demands a UTC offset DRF never writes).
"""

from typing import Any

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA: dict[str, Any] = {
    "description": (
        'DRF\'s error format: {"detail": "..."} or {"field": ["message", ...]}, '
        "or a list of messages."
    ),
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {}},
    ],
}
ERRORS = {
    "400": "The input is not valid: a message per field.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "Not allowed for this user.",
    "404": "Not found (or not visible to this user).",
    "405": "Method not allowed.",
    "406": "The Accept header asks for a format the API does not write.",
    "409": "Conflicts with the current state (e.g. still referred to).",
    "413": "The request body is larger than CIVIC311_MAX_BODY_BYTES.",
    "415": "The Content-Type is not JSON, a form or multipart.",
    "429": "Throttled: try again after Retry-After seconds.",
}
TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"


def _times_as_patterns(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("format") == "time" and node.get("type") == "string":
            del node["format"]
            node["pattern"] = TIME_PATTERN
        for value in node.values():
            _times_as_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _times_as_patterns(value)


def add_error_responses(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    _times_as_patterns(result)
    return result
