"""Where output goes: data to stdout (JSON with ``--json``, rich tables otherwise), diagnostics to stderr.

Every command's ``--json`` output is one result model dumped by :func:`model_json`, and the command declares that
model with :func:`prints`; :func:`json_schema` derives the output's JSON schema from it (``ipledger schema COMMAND``).
One rule shapes the JSON beyond the model: a token id is a 256-bit hash, so an object's integer ``token_id`` is
printed as 0x hex with its decimal string beside it (``token_id_dec``), and the models' ``token_id_hex`` is left out.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pydantic import BaseModel, TypeAdapter
from rich.console import Console, RenderableType
from rich.text import Text

from ._chain_options import current_options

if TYPE_CHECKING:  # `ipledger node status` and `--help` import neither web3 nor the SDK's models
    from ipledger import TransactionResult

__all__ = ["Output", "json_schema", "mined", "model_json", "output", "prints", "result_type"]

_Function = TypeVar("_Function", bound=Callable[..., Any])
#: The result type each command function prints with --json.
_RESULTS: dict[Callable[..., Any], Any] = {}
_HEX_ID = {"type": "string", "pattern": "^0x[0-9a-f]+$", "description": "The token id (256 bits) in 0x hex."}
_DECIMAL_ID = {"type": "string", "pattern": "^[0-9]+$", "description": "The token id as a decimal string."}


def prints(result: Any) -> Callable[[_Function], _Function]:
    """Declares what a command prints with --json: a model, or a union of models when it has several answers."""

    def declare(function: _Function) -> _Function:
        _RESULTS[function] = result
        return function

    return declare


def result_type(callback: Callable[..., Any] | None) -> Any | None:
    """The result type declared with :func:`prints` for a command's callback (typer's wrapper of the function)."""
    function = getattr(callback, "__wrapped__", callback)
    return _RESULTS.get(function) if function is not None else None


def _fix_token_ids(value: Any) -> Any:
    if isinstance(value, dict):
        fixed = {key: _fix_token_ids(item) for key, item in value.items() if key != "token_id_hex"}
        token = fixed.get("token_id")
        if isinstance(token, int) and not isinstance(token, bool):
            fixed.update({"token_id": hex(token), "token_id_dec": str(token)})
        return fixed
    if isinstance(value, list):
        return [_fix_token_ids(item) for item in value]
    return value


def mined(result: TransactionResult) -> dict[str, Any]:
    """A transaction's hash, block and gas: the fields of the records that name only those."""
    return result.model_dump(include={"tx_hash", "block", "gas_used"})


def model_json(model: BaseModel) -> dict[str, Any]:
    """A model as JSON-ready data (``by_alias``: ``from`` not ``from_``), token ids as the module docstring says."""
    data: dict[str, Any] = _fix_token_ids(model.model_dump(mode="json", by_alias=True))
    return data


def _is_integer(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "integer"


def _fix_token_id_schema(node: Any) -> None:
    """The schema side of :func:`_fix_token_ids`, applied in place to every object schema."""
    if isinstance(node, list):
        for item in node:
            _fix_token_id_schema(item)
        return
    if not isinstance(node, dict):
        return
    for item in node.values():
        _fix_token_id_schema(item)
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


def json_schema(result: Any) -> dict[str, Any]:
    """The JSON schema of what :func:`model_json` prints for ``result`` (a model, or a union of models)."""
    schema = copy.deepcopy(TypeAdapter(result).json_schema(mode="serialization", by_alias=True))
    _fix_token_id_schema(schema)
    return schema


class Output:
    """The output of one command: JSON or human, and the diagnostics channel."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode
        self.out = Console(highlight=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def result(self, result: BaseModel, human: Callable[[], None]) -> None:
        """Prints ``result`` as JSON with ``--json``, else calls ``human`` to render it."""
        if self.json_mode:
            typer.echo(json.dumps(model_json(result), indent=2, ensure_ascii=False))
        else:
            human()

    def act(self, result: BaseModel, sentence: Text | str, transaction: TransactionResult) -> None:
        """Prints an act's ``result`` as JSON with ``--json``, else ``sentence`` and its transaction's line."""

        def human() -> None:
            self.line(sentence)
            from ._render import tx_line  # the SDK's models: only once a transaction was sent

            self.line(tx_line(transaction))

        self.result(result, human)

    def print(self, *renderables: RenderableType) -> None:
        """Human output on stdout (never in JSON mode)."""
        if not self.json_mode:
            self.out.print(*renderables)

    def line(self, text: Text | str) -> None:
        """One sentence on stdout that does not wrap, so it can be grepped and copied."""
        if not self.json_mode:
            self.out.print(text, soft_wrap=True)

    def note(self, message: Text | str) -> None:
        """A diagnostic on stderr (also in JSON mode: stdout stays pure JSON)."""
        self.err.print(message, style="dim" if isinstance(message, str) else None)

    @contextlib.contextmanager
    def progress(self, message: str) -> Iterator[None]:
        """A spinner on stderr while a long step runs; nothing in JSON mode or when stderr is not a terminal."""
        if self.json_mode or not self.err.is_terminal:
            yield
            return
        with self.err.status(message, spinner="dots"):
            yield


def output() -> Output:
    """The running command's output: JSON with ``--json`` (given before or after the command)."""
    return Output(current_options().json_)
