"""Helpers for the royalty tests (fixtures live in this folder's conftest.py).

- ``Terms``: ILicenseRegistry.Terms as the tests grant them (worldwide, all fields, non-exclusive by default).
- ``RoyaltyModel``: the Python twin of the share token's royalty accounting, computed the slow, obvious way
  (every payment remembers the balances at that moment), to compare with the contract to the wei.
- ``reverted_frames``: the inner reverts of a mined transaction (what SafeTransferLib's own errors hide).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes
from registry_helpers import ZERO_ADDRESS, address_of, rpc

TERMS_HASH = keccak(text="licence agreement 2025-0007")
REPORT = keccak(text="sales report Q1 2025")
DAY = 86_400
USD = 10**6  # TestStablecoin has 6 decimals
MAX_ROYALTY_CURRENCIES = 4
SUPPLY_BOUND = 2**128
CUMULATIVE_BOUND = 2**120


@dataclass(frozen=True)
class Terms:
    """ILicenseRegistry.Terms."""

    licensee: str
    payment_token: str
    start: int
    royalty_bps: int = 500
    end: int = 0
    terms_hash: bytes = TERMS_HASH
    exclusivity: int = 0
    territories: tuple[bytes, ...] = ()
    field: bytes = b"\x00" * 32
    sublicensable: bool = False

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.licensee,
            self.terms_hash,
            self.exclusivity,
            list(self.territories),
            self.field,
            self.start,
            self.end,
            self.sublicensable,
            self.royalty_bps if self.payment_token != ZERO_ADDRESS else 0,
            self.payment_token,
        )


@dataclass
class RoyaltyModel:
    """What each holder is owed, computed from the history: floor(sum_i amount_i * balance_i(h) / S) per currency.

    ``balances`` follows every share movement (``move``); ``payments`` keeps, per currency, each payment with a
    copy of the balances when it arrived; ``claimed`` what each holder took out."""

    supply: int
    balances: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    payments: dict[str, list[tuple[int, dict[str, int]]]] = field(default_factory=lambda: defaultdict(list))
    claimed: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def mint(self, holder: Any, amount: int) -> None:
        self.balances[address_of(holder)] += amount

    def move(self, sender: Any, recipient: Any, amount: int) -> None:
        sender, recipient = address_of(sender), address_of(recipient)
        assert self.balances[sender] >= amount
        self.balances[sender] -= amount
        self.balances[recipient] += amount

    def pay(self, currency: Any, amount: int) -> None:
        self.payments[address_of(currency)].append((amount, dict(self.balances)))

    def claim(self, holder: Any, currency: Any, amount: int) -> None:
        self.claimed[address_of(holder), address_of(currency)] += amount

    def accrued(self, holder: Any, currency: Any) -> int:
        holder = address_of(holder)
        total = sum(amount * balances.get(holder, 0) for amount, balances in self.payments[address_of(currency)])
        return total // self.supply

    def owed(self, holder: Any, currency: Any) -> int:
        return self.accrued(holder, currency) - self.claimed[address_of(holder), address_of(currency)]

    def paid(self, currency: Any) -> int:
        return sum(amount for amount, _ in self.payments[address_of(currency)])


# --------------------------------------------------------------------------------------------- call traces


def reverted_frames(txid: Any) -> list[tuple[str, bytes]]:
    """Every call frame of a mined transaction that reverted, outermost first, as (callee, revert data), from
    anvil's callTracer. Solady's SafeTransferLib replaces a token's revert with its own error, so the inner
    frames show why the token's call failed (a reentrancy guard, say)."""
    frames: list[tuple[str, bytes]] = []

    def walk(frame: dict[str, Any]) -> None:
        if "error" in frame:
            frames.append((to_checksum_address(frame["to"]), bytes(HexBytes(frame.get("output", "0x")))))
        for child in frame.get("calls", []):
            walk(child)

    walk(rpc("debug_traceTransaction", [str(txid), {"tracer": "callTracer"}]))
    return frames
