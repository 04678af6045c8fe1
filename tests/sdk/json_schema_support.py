"""A JSON schema validator for the subset pydantic generates, shared by the CLI's and the REST API's tests (the
``jsonschema`` package is not a dependency)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["resolve_ref", "schema_errors"]

_JSON_TYPES: dict[str, Callable[[object], bool]] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
}


def schema_errors(
    value: object, schema: dict[str, Any], root: dict[str, Any] | None = None, where: str = "$"
) -> list[str]:
    """Where ``value`` breaks the JSON schema ``schema`` (the subset pydantic generates: $ref, anyOf, type, enum,
    const, pattern, properties, required, additionalProperties, items, prefixItems). Stricter than JSON Schema on one
    point: an object may hold only the properties its schema declares, unless it says additionalProperties. A
    ``$ref`` is a JSON pointer into ``root`` (default: ``schema``), e.g. ``#/$defs/X`` or, in an OpenAPI document,
    ``#/components/schemas/X``."""
    root = schema if root is None else root
    if "$ref" in schema:
        return schema_errors(value, resolve_ref(schema["$ref"], root), root, where)
    if "anyOf" in schema:
        failures = [schema_errors(value, option, root, where) for option in schema["anyOf"]]
        if all(failures):
            return [f"{where}: matches no variant ({'; '.join(min(failures, key=len))})"]
        return []
    errors: list[str] = []
    kinds = schema.get("type")
    if kinds is not None:
        allowed = [kinds] if isinstance(kinds, str) else kinds
        if not any(_JSON_TYPES[kind](value) for kind in allowed):
            return [f"{where}: {value!r} is not of type {kinds}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", not properties)
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{where}: no {name!r}")
        for name, item in value.items():
            if name in properties:
                errors += schema_errors(item, properties[name], root, f"{where}.{name}")
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, root, f"{where}.{name}")
            elif not extra:
                errors.append(f"{where}: {name!r} is not in the schema")
    if isinstance(value, list):
        prefix = schema.get("prefixItems", [])
        for index, item in enumerate(value):
            if index < len(prefix):
                errors += schema_errors(item, prefix[index], root, f"{where}[{index}]")
            elif isinstance(schema.get("items"), dict):
                errors += schema_errors(item, schema["items"], root, f"{where}[{index}]")
    return errors


def resolve_ref(reference: str, root: dict[str, Any]) -> dict[str, Any]:
    """The schema a local ``$ref`` (``#/a/b``) points at in ``root``."""
    assert reference.startswith("#/"), f"not a local reference: {reference}"
    node: Any = root
    for part in reference[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    assert isinstance(node, dict), reference
    return node
