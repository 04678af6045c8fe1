"""Compiled contracts shipped inside the package (written by ``scripts/compile.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from ._exceptions import RegistryError

__all__ = ["ERROR_CATALOGUE", "SHIPPED_CONTRACTS", "Artifact", "load_artifact", "load_error_catalogue"]

#: The contracts a deployment is made of (the test stablecoin only on local chains).
SHIPPED_CONTRACTS = (
    "IPRegistry",
    "ComplianceRegistry",
    "FractionVault",
    "ShareToken",
    "SettlementDesk",
    "TestStablecoin",
    "TestCurrency",
    "LicenseRegistry",
    "AttestationRegistry",
    "DisputeManager",
    "RoyaltyVault",
)

#: The error catalogue beside the artifacts: every custom error declared in any source of the compilation (ours,
#: OpenZeppelin's and Solady's, libraries included), read from the compiler's ASTs by ``scripts/compile.py``.
ERROR_CATALOGUE = "errors"


@dataclass(frozen=True)
class Artifact:
    """ABI, bytecode and provenance of one compiled contract."""

    name: str
    abi: list[dict[str, Any]]
    bytecode: str
    deployed_bytecode: str
    immutable_references: dict[str, list[dict[str, int]]]
    compiler: dict[str, Any]

    def runtime_matches(self, code: bytes) -> bool:
        """Whether deployed ``code`` is this artifact's runtime code, immutables aside.

        Immutable values (chain id, address, deployment block) are written at deployment, so their byte
        ranges are compared as wildcards; every other byte, the metadata hash included, must be equal.
        """
        expected = bytes.fromhex(self.deployed_bytecode.removeprefix("0x"))
        if len(code) != len(expected):
            return False
        actual = bytearray(code)
        reference = bytearray(expected)
        for ranges in self.immutable_references.values():
            for span in ranges:
                start, length = span["start"], span["length"]
                actual[start : start + length] = bytes(length)
                reference[start : start + length] = bytes(length)
        return actual == reference


def _read_shipped(name: str) -> Any:
    try:
        text = resources.files("ipledger.artifacts").joinpath(f"{name}.json").read_text("utf-8")
    except FileNotFoundError:
        what = "error catalogue" if name == ERROR_CATALOGUE else f"compiled artifact for {name}"
        raise RegistryError(f"no {what}; run `make artifacts`") from None
    return json.loads(text)


@cache
def load_artifact(name: str) -> Artifact:
    """The shipped artifact of contract ``name``."""
    if name == ERROR_CATALOGUE:
        raise RegistryError(f"{name} is the error catalogue, not a contract: see load_error_catalogue")
    data = _read_shipped(name)
    return Artifact(
        name=data["contractName"],
        abi=data["abi"],
        bytecode=data["bytecode"],
        deployed_bytecode=data["deployedBytecode"],
        immutable_references=data.get("immutableReferences") or {},
        compiler=data["compiler"],
    )


@cache
def load_error_catalogue() -> tuple[dict[str, Any], ...]:
    """The shipped error catalogue: one ABI ``error`` entry per signature, with its ``signature``, ``selector``
    and ``declaredIn`` (source unit and contract of each declaration)."""
    return tuple(_read_shipped(ERROR_CATALOGUE)["errors"])
