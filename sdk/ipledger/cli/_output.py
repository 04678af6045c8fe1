"""Where output goes: data to stdout (JSON with ``--json``, rich tables otherwise), diagnostics to stderr.

Every command's ``--json`` output is one result model dumped by :func:`model_json`, and the command declares that
model with :func:`prints`; :func:`json_schema` derives the output's JSON schema from it (``ipledger schema COMMAND``).
One rule shapes the JSON beyond the model, the SDK's (``ipledger.to_json_document``), which the explorer's REST API
follows too: a token id is a 256-bit hash, so an object's integer ``token_id`` is printed as 0x hex with its decimal
string beside it (``token_id_dec``), and the models' ``token_id_hex`` is left out.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console, RenderableType
from rich.text import Text

from ipledger import json_document_schema as json_schema
from ipledger import to_json_document as model_json

from ._chain_options import current_options

if TYPE_CHECKING:  # `ipledger node status` and `--help` import neither web3 nor the SDK's models
    from ipledger import TransactionResult

__all__ = ["Output", "json_schema", "mined", "model_json", "output", "prints", "result_type"]

_Function = TypeVar("_Function", bound=Callable[..., Any])
#: The result type each command function prints with --json.
_RESULTS: dict[Callable[..., Any], Any] = {}


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


def mined(result: TransactionResult) -> dict[str, Any]:
    """A transaction's hash, block and gas: the fields of the records that name only those."""
    return result.model_dump(include={"tx_hash", "block", "gas_used"})


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
