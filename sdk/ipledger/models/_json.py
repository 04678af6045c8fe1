"""The JSON the CLI's ``--json`` prints and the explorer's REST API sends: a result model dumped in JSON mode by
alias (``from``, not ``from_``), and one rule beyond the model. A token id is a 256-bit hash, beyond the integers a
JavaScript client reads exactly, so an object's integer ``token_id`` is sent as 0x hex with its decimal string beside
it (``token_id_dec``), and the models' ``token_id_hex`` is left out. :func:`json_document_schema` (and
:func:`rewrite_token_id_schema` for a schema generated elsewhere, such as an OpenAPI document's) describes that JSON.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel, TypeAdapter

__all__ = ["json_document", "json_document_schema", "rewrite_token_id_schema", "to_json_document"]

_HEX_ID = {"type": "string", "pattern": "^0x[0-9a-f]+$", "description": "The token id (256 bits) in 0x hex."}
_DECIMAL_ID = {"type": "string", "pattern": "^[0-9]+$", "description": "The token id as a decimal string."}


def json_document(data: Any) -> Any:
    """JSON data (a model dumped in JSON mode, by alias) with its token ids as the module docstring says."""
    if isinstance(data, dict):
        fixed = {key: json_document(item) for key, item in data.items() if key != "token_id_hex"}
        token = fixed.get("token_id")
        if isinstance(token, int) and not isinstance(token, bool):
            fixed.update({"token_id": hex(token), "token_id_dec": str(token)})
        return fixed
    if isinstance(data, list):
        return [json_document(item) for item in data]
    return data


def to_json_document(model: BaseModel) -> dict[str, Any]:
    """``model`` as JSON-ready data: what ``--json`` prints and the REST API sends."""
    data: dict[str, Any] = json_document(model.model_dump(mode="json", by_alias=True))
    return data


def _is_integer(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "integer"


def rewrite_token_id_schema(node: Any) -> None:
    """The schema side of :func:`json_document`, applied in place to every object schema in ``node`` (a JSON
    schema, its ``$defs``, or an OpenAPI document's component schemas); applying it twice changes nothing more."""
    if isinstance(node, list):
        for item in node:
            rewrite_token_id_schema(item)
        return
    if not isinstance(node, dict):
        return
    for item in node.values():
        rewrite_token_id_schema(item)
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return
    required: list[str] = node.get("required", [])
    if "token_id_hex" in properties:
        del properties["token_id_hex"]
        node["required"] = required = [name for name in required if name != "token_id_hex"]
    token: dict[str, Any] = properties.get("token_id") or {}
    options: list[Any] = token.get("anyOf", [])
    nullable = any(_is_integer(option) for option in options) and {"type": "null"} in options
    if not (_is_integer(token) or nullable):
        return
    title = {"title": token["title"]} if "title" in token else {}
    hex_id: dict[str, Any] = dict(_HEX_ID)
    decimal: dict[str, Any] = dict(_DECIMAL_ID)
    if nullable:
        hex_id, decimal = {"anyOf": [hex_id, {"type": "null"}]}, {"anyOf": [decimal, {"type": "null"}]}
    shown = {"token_id": {**title, **hex_id}, "token_id_dec": {"title": "Token Id Dec", **decimal}}
    reordered = {name: shown.get(name, value) for name, value in properties.items() if name != "token_id_dec"}
    at = list(reordered).index("token_id") + 1
    items = list(reordered.items())
    node["properties"] = dict([*items[:at], ("token_id_dec", shown["token_id_dec"]), *items[at:]])
    if "token_id" in required and "token_id_dec" not in required:
        required.insert(required.index("token_id") + 1, "token_id_dec")


def json_document_schema(result: Any) -> dict[str, Any]:
    """The JSON schema of what :func:`to_json_document` makes of ``result`` (a model, or a union of models)."""
    schema = copy.deepcopy(TypeAdapter(result).json_schema(mode="serialization", by_alias=True))
    rewrite_token_id_schema(schema)
    return schema
