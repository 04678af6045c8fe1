"""The salts of a registry's rights: of unpublished applications' commitments (docs/numbers.md) and of confidential
fields of public records (docs/metadata.md).

A right whose application is not yet published is registered under ``unpublished_number(number, salt)``: the
chain holds a commitment that reveals nothing of the number until its owner opens it (``openNumber``) once the
office publishes the application. The salt is the only way to open it, so the SDK writes it to
``$IPLEDGER_HOME/salts/<chain_id>-<registry>.json`` *before* the registration is sent (a crash after sending loses
nothing) and reads it back when the number is opened. A confidential field's salt is kept the same way, under
``fields``, until the owner opens the field. The file holds secrets: it is created readable by its owner only. Back
it up with the keystore.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ipledger.node._node import ipledger_home

from ._exceptions import InvalidInputError

__all__ = ["SaltBook"]


class SaltBook:
    """Salts by token id (hex): the number commitment's with the canonical number it commits to, and each
    confidential field's."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def for_registry(cls, chain_id: int, registry: str, *, home: Path | None = None) -> SaltBook:
        """The salt book of one registry on one chain, in ``$IPLEDGER_HOME/salts`` (or ``home``/salts)."""
        return cls((home or ipledger_home()) / "salts" / f"{chain_id}-{registry.lower()}.json")

    def _entries(self) -> dict[str, dict[str, object]]:
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
        entries.setdefault(hex(token_id), {}).update({"number": number, "salt": "0x" + salt.hex()})
        self._write(entries)

    def save_fields(self, token_id: int, salts: dict[str, bytes]) -> None:
        """Records the salt of each confidential field of ``token_id``'s public record that has none yet: a salt
        already kept may seal a record on chain, so it is never replaced (an opened one is moved aside first)."""
        entries = self._entries()
        fields = entries.setdefault(hex(token_id), {}).setdefault("fields", {})
        assert isinstance(fields, dict)
        added = {name: "0x" + salt.hex() for name, salt in salts.items() if name not in fields}
        if added:
            fields.update(added)
            self._write(entries)

    def mark_opened(self, token_id: int, names: list[str]) -> None:
        """Moves the salts of ``names`` to ``opened``: they are public now, and a field sealed again needs a new one."""
        entries = self._entries()
        entry = entries.get(hex(token_id), {})
        fields = entry.get("fields") or {}
        assert isinstance(fields, dict)
        spent = entry.setdefault("opened", [])
        assert isinstance(spent, list)
        for name in names:
            if name in fields:
                spent.append({name: fields.pop(name)})
        self._write(entries)

    def field_salts(self, token_id: int) -> dict[str, bytes]:
        """The salts of ``token_id``'s confidential fields still sealed (empty when none)."""
        fields = self._entries().get(hex(token_id), {}).get("fields") or {}
        assert isinstance(fields, dict)
        return {str(name): bytes.fromhex(str(salt).removeprefix("0x")) for name, salt in fields.items()}

    def _write(self, entries: dict[str, dict[str, object]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(entries, handle, ensure_ascii=False, indent=2)
        temporary.replace(self.path)

    def salt(self, token_id: int) -> bytes | None:
        """The salt recorded for ``token_id``, or ``None``."""
        entry = self._entries().get(hex(token_id))
        if entry is None or "salt" not in entry:
            return None
        return bytes.fromhex(str(entry["salt"]).removeprefix("0x"))
