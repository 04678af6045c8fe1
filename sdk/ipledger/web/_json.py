"""The REST API's JSON: the CLI's ``--json`` rule (``ipledger.json_document``: token ids as 0x strings with
``token_id_dec``, no ``token_id_hex``), in the answers and in the OpenAPI document that describes them.

:class:`JsonDocumentRoute` is the ``/api`` router's route class: it sends each answer through
:class:`JsonDocumentResponse` and annotates the response model with the :data:`JSON_DOCUMENT` marker, so FastAPI still
validates the answer against the model and generates its schema, which the marker rewrites as the rule says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi.datastructures import DefaultPlaceholder
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from ipledger import json_document, rewrite_token_id_schema

__all__ = ["JSON_DOCUMENT", "JsonDocumentResponse", "JsonDocumentRoute", "JsonDocumentSchema"]


class JsonDocumentResponse(JSONResponse):
    """A JSON answer as the CLI prints it with ``--json`` (the model's JSON dump, token ids rewritten)."""

    def render(self, content: Any) -> bytes:
        return super().render(json_document(content))


class JsonDocumentSchema:
    """An ``Annotated`` marker: the serialization schema of the annotated type, and of every schema it refers to,
    rewritten by ``ipledger.rewrite_token_id_schema`` (the validation schema is left as it is)."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        if handler.mode != "serialization":
            return schema
        pending: list[JsonSchemaValue] = [schema]
        seen: set[str] = set()
        while pending:
            node = pending.pop()
            rewrite_token_id_schema(node)
            for reference in _references(node):
                if reference not in seen:
                    seen.add(reference)
                    pending.append(handler.resolve_ref_schema({"$ref": reference}))
        return schema


def _references(node: Any) -> Iterator[str]:
    """Every ``$ref`` in a JSON schema, depth first."""
    if isinstance(node, list):
        for item in node:
            yield from _references(item)
    elif isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for item in node.values():
            yield from _references(item)


#: The marker every ``/api`` response model is annotated with.
JSON_DOCUMENT = JsonDocumentSchema()


class JsonDocumentRoute(APIRoute):
    """An ``/api`` route: its answer follows the JSON rule, and so does its response schema in ``/openapi.json``."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **options: Any) -> None:
        model = options.get("response_model")
        if model is not None and not isinstance(model, DefaultPlaceholder):
            options["response_model"] = Annotated[model, JSON_DOCUMENT]
        if isinstance(options.get("response_class", DefaultPlaceholder(None)), DefaultPlaceholder):
            options["response_class"] = JsonDocumentResponse
        super().__init__(path, endpoint, **options)
