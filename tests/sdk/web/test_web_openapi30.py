"""The 3.0 rendition of the OpenAPI document the docs page reads: only the spelling changes."""

from __future__ import annotations

from ipledger.web._openapi30 import as_openapi_30


def test_3_1_constructs_are_spelt_as_3_0_says() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "summary": "s", "version": "1"},
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {
                        "text": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Text"},
                        "ref": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
                        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]},
                        "listed": {"type": ["integer", "null"]},
                        "fixed": {"const": "index"},
                        "sample": {"type": "string", "examples": ["x", "y"]},
                        "positive": {"type": "integer", "exclusiveMinimum": 0},
                    },
                }
            }
        },
    }
    shown = as_openapi_30(document)
    assert shown["openapi"] == "3.0.3" and shown["info"] == {"title": "t", "version": "1", "description": "s"}
    properties = shown["components"]["schemas"]["A"]["properties"]
    assert properties["text"] == {"type": "string", "title": "Text", "nullable": True}
    assert properties["ref"] == {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": True}
    assert properties["either"] == {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": True}
    assert properties["listed"] == {"type": "integer", "nullable": True}
    assert properties["fixed"] == {"enum": ["index"]}
    assert properties["sample"] == {"type": "string", "example": "x"}
    assert properties["positive"] == {"type": "integer", "minimum": 0, "exclusiveMinimum": True}
    assert document["openapi"] == "3.1.0"  # the original is left as it was
