"""The OpenAPI document as OpenAPI 3.0 for the documentation page: the Swagger UI the ``swagger-ui-bundle`` package
ships (4.x) renders 3.0 only, while FastAPI writes 3.1. ``/openapi.json`` stays the 3.1 original; this copy differs
only where 3.0 spells a thing otherwise (a nullable value, an example, a constant, an exclusive bound, the info's
summary)."""

from __future__ import annotations

from typing import Any

__all__ = ["as_openapi_30"]

_NULL = {"type": "null"}


def as_openapi_30(document: dict[str, Any]) -> dict[str, Any]:
    """A 3.0.3 rendition of the 3.1 ``document`` (a new dict; the original is not changed)."""
    converted: dict[str, Any] = _convert(document)
    converted["openapi"] = "3.0.3"
    info = dict(converted.get("info", {}))
    summary = info.pop("summary", None)
    if summary and not info.get("description"):
        info["description"] = summary
    converted["info"] = info
    return converted


def _convert(value: Any) -> Any:
    if isinstance(value, list):
        return [_convert(item) for item in value]
    if not isinstance(value, dict):
        return value
    node = {key: _convert(item) for key, item in value.items()}
    for key in ("anyOf", "oneOf"):
        options = node.get(key)
        if isinstance(options, list) and _NULL in options:
            rest = [option for option in options if option != _NULL]
            del node[key]
            if len(rest) == 1 and "$ref" not in rest[0]:
                node.update(rest[0])
            elif len(rest) == 1:
                node["allOf"] = rest
            else:
                node[key] = rest
            node["nullable"] = True
    if isinstance(node.get("type"), list):
        types = [kind for kind in node["type"] if kind != "null"]
        node["nullable"] = len(types) != len(node["type"]) or node.get("nullable", False)
        node["type"] = types[0] if len(types) == 1 else node["type"]
    if "const" in node:
        node["enum"] = [node.pop("const")]
    if isinstance(node.get("examples"), list):  # a schema's (3.1); a media type's or parameter's are maps
        examples = node.pop("examples")
        if examples:
            node["example"] = examples[0]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(node.get(bound), int | float) and not isinstance(node.get(bound), bool):
            node[plain] = node.pop(bound)
            node[bound] = True
    return node
