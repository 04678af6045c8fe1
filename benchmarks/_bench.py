"""Shared pieces of the gas benchmarks: a fresh-anvil bench that deploys contracts and reads receipts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.contract import Contract

#: A 66-character ipfs URI, the length used by the gas targets.
URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"
EVIDENCE = b"\x0c" * 32


@dataclass
class Row:
    """One measured operation and the baseline it is compared with."""

    operation: str
    gas: int
    baseline: str | None = None
    baseline_gas: int | None = None

    @property
    def delta(self) -> int | None:
        return None if self.baseline_gas is None else self.gas - self.baseline_gas

    @property
    def ratio(self) -> float | None:
        return None if self.baseline_gas is None else self.gas / self.baseline_gas


class Bench:
    """Deploys contracts on a fresh anvil and measures receipts."""

    def __init__(self, rpc_url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(rpc_url))
        self.accounts = self.w3.eth.accounts
        self._serial = 0

    def deploy(self, abi: list[Any], bytecode: str, *args: Any) -> Contract:
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        receipt = self.w3.eth.wait_for_transaction_receipt(
            factory.constructor(*args).transact({"from": self.accounts[0]})
        )
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=abi)

    def gas(self, call: Any, sender: int = 0) -> int:
        receipt = self.w3.eth.wait_for_transaction_receipt(
            call.transact({"from": self.accounts[sender], "gas": 2_000_000})
        )
        if receipt["status"] != 1:
            raise RuntimeError(f"benchmark transaction reverted: {call.fn_name}")
        return int(receipt["gasUsed"])

    def registration(self) -> tuple[int, bytes, int, bytes, int, str]:
        self._serial += 1
        right = int.from_bytes(Web3.keccak(text=f"right {self._serial}"), "big")
        return (right, Web3.keccak(text=f"content {self._serial}"), 0, b"US", 2_200_000_000, URI)
