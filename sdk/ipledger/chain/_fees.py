"""The one fee policy of every transaction the SDK sends, one at a time or pipelined, deployments included.

- A chain whose latest block has a base fee (London and later): an EIP-1559 (type 2) transaction, tipping what the
  node suggests, with room for the base fee to double (:class:`DynamicFees`).
- A chain without one (before London, or a chain that never adopted EIP-1559): a legacy (type 0) transaction at the
  node's suggested gas price (:class:`LegacyFees`); such a chain refuses every type-2 transaction.

A stuck transaction's replacement keeps its kind and raises its price by 12.5% (nodes require 10%: both fees of a
type-2 transaction, the gas price of a legacy one), or to the policy's current price if that is higher.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from ipledger.chain._rpc import Rpc, RpcResponseError

__all__ = ["DynamicFees", "Fees", "LegacyFees", "current_fees", "fees_of"]

#: A replacement must raise its fees by 10% (geth, anvil); 12.5% leaves room for rounding.
_BUMP_NUMERATOR, _BUMP_DENOMINATOR = 9, 8


def _bump(value: int) -> int:
    return value * _BUMP_NUMERATOR // _BUMP_DENOMINATOR + 1


@dataclass(frozen=True)
class DynamicFees:
    """An EIP-1559 (type 2) transaction's fees, in wei per gas."""

    max_priority_fee_per_gas: int
    max_fee_per_gas: int

    @classmethod
    def of(cls, base_fee: int, priority: int) -> DynamicFees:
        """The policy: tip as the node suggests, and room for the base fee to double before the transaction is
        priced out (``2 * base_fee + tip``)."""
        return cls(max_priority_fee_per_gas=priority, max_fee_per_gas=2 * base_fee + priority)

    def fields(self) -> dict[str, int]:
        """The type and fee fields of a transaction dict (web3.py and eth-account spelling)."""
        return {
            "type": 2,
            "maxPriorityFeePerGas": self.max_priority_fee_per_gas,
            "maxFeePerGas": self.max_fee_per_gas,
        }

    def bumped(self, current: Fees) -> DynamicFees:
        """The fees of a replacement: both raised by 12.5%, or to the ``current`` policy's if higher."""
        tip, cap = _tip_and_cap(current)
        return DynamicFees(
            max_priority_fee_per_gas=max(_bump(self.max_priority_fee_per_gas), tip),
            max_fee_per_gas=max(_bump(self.max_fee_per_gas), cap),
        )


@dataclass(frozen=True)
class LegacyFees:
    """A legacy (type 0) transaction's gas price, in wei per gas: all of it is paid, there is no base fee to refund."""

    gas_price: int

    def fields(self) -> dict[str, int]:
        """The fee field of a transaction dict; no ``type``: eth-account signs a dict with ``gasPrice`` and no
        ``type`` as a legacy transaction (it refuses ``type: 0``)."""
        return {"gasPrice": self.gas_price}

    def bumped(self, current: Fees) -> LegacyFees:
        """The price of a replacement: raised by 12.5%, or to the ``current`` policy's if higher."""
        return LegacyFees(gas_price=max(_bump(self.gas_price), _tip_and_cap(current)[1]))


#: A transaction's fees: EIP-1559 on a chain with a base fee, legacy on one without.
Fees: TypeAlias = DynamicFees | LegacyFees


def _tip_and_cap(fees: Fees) -> tuple[int, int]:
    """What ``fees`` offer the block producer at most per gas (the tip) and pay at most per gas (the cap); a legacy
    gas price is both."""
    if isinstance(fees, LegacyFees):
        return fees.gas_price, fees.gas_price
    return fees.max_priority_fee_per_gas, fees.max_fee_per_gas


def fees_of(transaction: Mapping[str, Any]) -> Fees:
    """The fees a transaction dict carries (legacy when it has a ``gasPrice``)."""
    if transaction.get("gasPrice") is not None:
        return LegacyFees(int(transaction["gasPrice"]))
    return DynamicFees(int(transaction["maxPriorityFeePerGas"]), int(transaction["maxFeePerGas"]))


def fees_for_block(block: Mapping[str, Any], *, priority: int | None, gas_price: int | None) -> Fees:
    """The policy for a chain whose latest block is ``block`` (its JSON-RPC form): EIP-1559 fees when it has a
    ``baseFeePerGas`` (``priority`` is the node's suggested tip), else the legacy ``gas_price``."""
    base_fee = block.get("baseFeePerGas")
    if base_fee is None:
        if gas_price is None:
            raise ValueError("a block without a base fee needs the node's gas price")
        return LegacyFees(gas_price)
    if priority is None:
        raise ValueError("a block with a base fee needs the node's suggested tip")
    return DynamicFees.of(int(base_fee, 16) if isinstance(base_fee, str) else int(base_fee), priority)


def current_fees(rpc: Rpc) -> Fees:
    """The policy's fees now: the latest block and the node's suggested tip, in one batch; on a chain without a base
    fee (whose node may not know ``eth_maxPriorityFeePerGas``), the node's gas price, asked then."""
    block, priority = rpc.batch_settled([("eth_getBlockByNumber", ["latest", False]), ("eth_maxPriorityFeePerGas", [])])
    if isinstance(block, RpcResponseError):
        raise block
    if block.get("baseFeePerGas") is None:
        return fees_for_block(block, priority=None, gas_price=int(rpc.call("eth_gasPrice", []), 16))
    if isinstance(priority, RpcResponseError):
        raise priority
    return fees_for_block(block, priority=int(priority, 16), gas_price=None)
