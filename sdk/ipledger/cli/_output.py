"""Where output goes: data to stdout (JSON with ``--json``, rich tables otherwise), diagnostics to stderr."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, RenderableType
from rich.text import Text

if TYPE_CHECKING:  # annotations only: `ipledger node status` and `--help` import neither pydantic nor web3
    from pydantic import BaseModel

    from ipledger.models._numbers import OfficialNumber

__all__ = ["Output", "model_json", "token_json"]


def token_json(token_id: int) -> dict[str, str]:
    """A token id for JSON: ``token_id`` as 0x hex (it is a 256-bit hash), ``token_id_dec`` as a decimal string."""
    return {"token_id": hex(token_id), "token_id_dec": str(token_id)}


def number_json(number: OfficialNumber) -> dict[str, Any]:
    """An official number for JSON: its canonical form, office, series, whether it is a family link, and the packed
    uint256 the registry holds (0x hex)."""
    return {
        "number": number.canonical,
        "office": number.office,
        "series": number.series,
        "family": number.family,
        "packed": hex(number.packed),
    }


def _fix_token_ids(value: Any) -> Any:
    if isinstance(value, dict):
        fixed = {key: _fix_token_ids(item) for key, item in value.items() if key != "token_id_hex"}
        if isinstance(fixed.get("token_id"), int):
            fixed.update(token_json(fixed["token_id"]))
        return fixed
    if isinstance(value, list):
        return [_fix_token_ids(item) for item in value]
    return value


def model_json(model: BaseModel) -> dict[str, Any]:
    """A model as JSON-ready data (``by_alias``: ``from`` not ``from_``), token ids as in :func:`token_json`."""
    data: dict[str, Any] = _fix_token_ids(model.model_dump(mode="json", by_alias=True))
    return data


class Output:
    """The output of one command: JSON or human, and the diagnostics channel."""

    def __init__(self, json_mode: bool) -> None:
        self.json_mode = json_mode
        self.out = Console(highlight=False)
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)

    def result(self, payload: Mapping[str, Any], human: Callable[[], None]) -> None:
        """Prints ``payload`` as JSON with ``--json``, else calls ``human`` to render it."""
        if self.json_mode:
            typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        else:
            human()

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
