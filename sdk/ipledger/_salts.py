"""The salts of rights registered under an unpublished application's commitment (docs/numbers.md).

A right whose application is not yet published is registered under ``unpublished_number(number, salt)``: the
chain holds a commitment that reveals nothing of the number until its owner opens it (``openNumber``) once the
office publishes the application. The salt is the only way to open it, so the SDK writes it to
``$IPLEDGER_HOME/salts/<chain_id>-<registry>.json`` *before* the registration is sent (a crash after sending loses
nothing) and reads it back when the number is opened. The file holds secrets: it is created readable by its owner
only. Back it up with the keystore.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ._exceptions import InvalidInputError
from ._node import ipledger_home

__all__ = ["SaltBook"]


class SaltBook:
    """Salts by token id (hex) with the canonical number each one commits to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_registry(cls, chain_id: int, registry: str, *, home: Path | None = None) -> SaltBook:
        """The salt book of one registry on one chain, in ``$IPLEDGER_HOME/salts`` (or ``home``/salts)."""
        return cls((home or ipledger_home()) / "salts" / f"{chain_id}-{registry.lower()}.json")

    def _entries(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidInputError(f"salt book {self.path}: unreadable ({exc})") from None
        return loaded if isinstance(loaded, dict) else {}

    def save(self, token_id: int, number: str, salt: bytes) -> None:
        """Records ``salt`` for ``token_id`` (the commitment to ``number``); the file is rewritten atomically."""
        entries = self._entries()
        entries[hex(token_id)] = {"number": number, "salt": "0x" + salt.hex()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(entries, handle, ensure_ascii=False, indent=2)
        temporary.replace(self.path)

    def salt(self, token_id: int) -> bytes | None:
        """The salt recorded for ``token_id``, or ``None``."""
        entry = self._entries().get(hex(token_id))
        if entry is None:
            return None
        return bytes.fromhex(str(entry["salt"]).removeprefix("0x"))
