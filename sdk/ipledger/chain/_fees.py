"""The one fee policy of every transaction the SDK sends, one at a time or pipelined: EIP-1559 fees from the
latest block's base fee and the node's suggested tip, and the raise a stuck transaction's replacement needs."""

from __future__ import annotations

from dataclasses import dataclass

from ipledger.chain._rpc import Rpc

__all__ = ["Fees", "current_fees"]

#: A replacement must raise both fees by 10% (geth, anvil); 12.5% leaves room for rounding.
_BUMP_NUMERATOR, _BUMP_DENOMINATOR = 9, 8


@dataclass(frozen=True)
class Fees:
    """A transaction's EIP-1559 fees, in wei per gas."""

    max_priority_fee_per_gas: int
    max_fee_per_gas: int

    @classmethod
    def of(cls, base_fee: int, priority: int) -> Fees:
        """The policy: tip as the node suggests, and room for the base fee to double before the transaction is
        priced out (``2 * base_fee + tip``)."""
        return cls(max_priority_fee_per_gas=priority, max_fee_per_gas=2 * base_fee + priority)

    def fields(self) -> dict[str, int]:
        """The fee fields of a transaction dict (web3.py and eth-account spelling)."""
        return {"maxPriorityFeePerGas": self.max_priority_fee_per_gas, "maxFeePerGas": self.max_fee_per_gas}

    def bumped(self, current: Fees) -> Fees:
        """The fees of a replacement: both raised by 12.5%, or the ``current`` policy's if higher."""
        return Fees(
            max_priority_fee_per_gas=max(
                self.max_priority_fee_per_gas * _BUMP_NUMERATOR // _BUMP_DENOMINATOR + 1,
                current.max_priority_fee_per_gas,
            ),
            max_fee_per_gas=max(
                self.max_fee_per_gas * _BUMP_NUMERATOR // _BUMP_DENOMINATOR + 1, current.max_fee_per_gas
            ),
        )


def current_fees(rpc: Rpc) -> Fees:
    """The policy's fees now: the latest block's base fee and the node's suggested tip, in one batch."""
    block, priority = rpc.batch([("eth_getBlockByNumber", ["latest", False]), ("eth_maxPriorityFeePerGas", [])])
    return Fees.of(int(block.get("baseFeePerGas") or "0x0", 16), int(priority, 16))
