"""Custom errors of a set of contracts, for asserting reverts by name and arguments (shared by the module helpers).

A catalogue reads the errors of the named contracts from the loaded Brownie project (plus ``Error(string)``,
``Panic(uint256)``, Solady's ``TransferFailed()``/``TransferFromFailed()`` raised from assembly, and any extra ABI
entries a test registers). A name may have overloads across contracts (Solady ERC20's ``InsufficientBalance()`` and
OpenZeppelin's ``InsufficientBalance(uint256,uint256)``): ``encode`` picks the one taking ``len(args)`` arguments.
The same error declared in two interfaces is one error; any other selector clash fails loudly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_abi_to_4byte_selector
from registry_helpers import RevertCapture, address_of, b, reverts_with_data

_BUILTIN_ERRORS: tuple[dict[str, Any], ...] = (
    {"type": "error", "name": "Error", "inputs": [{"type": "string"}]},
    {"type": "error", "name": "Panic", "inputs": [{"type": "uint256"}]},
    {"type": "error", "name": "TransferFromFailed", "inputs": []},
    {"type": "error", "name": "TransferFailed", "inputs": []},
)

Tables = tuple[dict[bytes, tuple[str, list[str]]], dict[str, list[tuple[bytes, list[str]]]]]


def abi_value(value: Any, abi_type: str) -> Any:
    """A test value in the form ``eth_abi`` encodes for ``abi_type`` (checksummed addresses, raw bytes)."""
    if abi_type == "address":
        return address_of(value)
    if abi_type.startswith("bytes"):
        return b(value)
    return value


class ErrorCatalog:
    """The custom errors of ``contracts`` (names in the Brownie project) and of ``extra`` ABI entries, which a test
    may extend before the first use."""

    def __init__(self, contracts: Sequence[str], extra: list[dict[str, Any]] | None = None) -> None:
        self._contracts = tuple(contracts)
        self.extra: list[dict[str, Any]] = [] if extra is None else extra
        self._tables: Tables | None = None
        self._extra_seen = -1

    def tables(self) -> Tables:
        """Selector -> (name, types) and name -> [(selector, types)], rebuilt when ``extra`` grew."""
        if self._tables is None or self._extra_seen != len(self.extra):
            from brownie import project

            (loaded,) = project.get_loaded_projects()
            entries = [e for name in self._contracts for e in loaded[name].abi if e["type"] == "error"]
            entries += [*self.extra, *_BUILTIN_ERRORS]
            by_selector: dict[bytes, tuple[str, list[str]]] = {}
            by_name: dict[str, list[tuple[bytes, list[str]]]] = {}
            for entry in entries:
                types = [i["type"] for i in entry["inputs"]]
                selector = function_abi_to_4byte_selector(entry)
                if selector in by_selector:
                    assert by_selector[selector] == (entry["name"], types), f"selector clash {entry['name']}"
                    continue
                by_selector[selector] = (entry["name"], types)
                by_name.setdefault(entry["name"], []).append((selector, types))
            self._tables, self._extra_seen = (by_selector, by_name), len(self.extra)
        return self._tables

    def encode(self, name: str, *args: Any) -> bytes:
        """ABI encoding of the custom error ``name(args)``; among overloads, the one taking ``len(args)``."""
        overloads = self.tables()[1][name]
        candidates = [c for c in overloads if len(c[1]) == len(args)]
        assert len(candidates) == 1, f"{name} with {len(args)} arguments: {overloads}"
        selector, types = candidates[0]
        return selector + encode(types, [abi_value(a, t) for a, t in zip(args, types, strict=True)])

    def describe(self, data: bytes) -> str:
        """``Name(arg, ...)`` of revert ``data``, for failure messages."""
        if not data:
            return "<no revert data>"
        entry = self.tables()[0].get(data[:4])
        if entry is None:
            return f"<unknown selector 0x{data[:4].hex()}> [data 0x{data.hex()}]"
        name, types = entry
        shown = ", ".join(f"0x{a.hex()}" if isinstance(a, bytes) else repr(a) for a in decode(types, data[4:]))
        return f"{name}({shown})"

    @contextmanager
    def reverts(self, name: str, *args: Any) -> Iterator[RevertCapture]:
        """Asserts that the block reverts with exactly the custom error ``name(*args)`` (name and every
        argument), using ``registry_helpers.reverts_with_data`` for the capture."""
        expected = self.encode(name, *args)
        capture: RevertCapture | None = None
        completed = False
        try:
            with reverts_with_data(expected) as capture:
                yield capture
                completed = True
        except AssertionError:
            if completed:
                raise AssertionError(f"expected revert {self.describe(expected)}, but nothing reverted") from None
            if capture is None or capture.exception is None:
                raise  # the block's own assertion failed
            raise AssertionError(
                f"expected revert {self.describe(expected)}, got {self.describe(capture.data)}"
            ) from None
