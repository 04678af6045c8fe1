"""A theoretical gas floor per operation: what any implementation must pay for the same effect.

The model (whole-transaction gas, Cancun/Prague pricing, refunds at their most favourable)::

    floor(tx) = 21,000                                  intrinsic cost of a transaction
              + calldata(tx.input)                      EIP-2028: 16 per non-zero byte, 4 per zero byte
              + 22,100 x fresh                          zero -> non-zero slot, cold (20,000 set + 2,100 access)
              +  5,000 x updates                        non-zero -> non-zero slot, cold (2,900 reset + 2,100 access)
              +    200 x clears                         non-zero -> zero slot: 5,000 less the 4,800 refund
              + compute                                 unavoidable precompiles (ecrecover: 3,000)
              + sum over required logs of (375 + 375 x topics + 8 x data bytes), read from the receipt

Only the storage writes, logs and computation that the operation's *effect* requires are counted; reads, checks
(roles, pause, freeze, compliance), memory and the contract's own logic are not. The calldata term uses the
transaction actually sent, so the floor is for the same input. EIP-7623's calldata floor (Prague) only raises
the real cost, so leaving it out keeps this a lower bound. A floor above the measured gas means a spec is wrong:
``check_floor`` prints a warning then.

Specs (``SPECS``; "holder" is the token's recipient):

- ``register fresh holder``: 3 fresh slots (ownership + packed record, content-hash key, holder balance); logs
  ERC-721 ``Transfer`` and ``RightRegistered`` (with the metadata URI). The right id is the token id, so the
  official-number key costs no slot of its own, and the record rides in the ownership slot.
- ``register existing holder``: 2 fresh (ownership, content hash), 1 update (balance); same logs.
- ``registerBatch of N, fresh holder``: 2N fresh + 1 fresh (the balance, written once at best); N ``Transfer``
  and N ``RightRegistered``. ``existing holder``: 2N fresh + 1 update.
- ``registerWithVoucher``: register (as the holder) + 1 fresh (the recipient's nonce, first use) + ecrecover.
- ``reveal fresh holder``: register fresh holder + 1 clear (the commitment is consumed) + 1 fresh (the claim's
  commit block, which a later supersession compares).
- ``commit``: 1 fresh slot (the commitment's block); log ``ClaimCommitted``.
- ``ERC-721 transfer, fresh / existing recipient``: 1 update (ownership) + 1 update (sender balance) + the
  recipient balance, fresh or updated; log ``Transfer``. ``by approved``: + 1 clear (the approval).
  ``assign`` adds the ``Assigned`` log, ``forceTransfer`` the ``ForceTransferred`` log.
- ``ERC-721 mint, fresh / existing holder`` (the baselines): 1 fresh (ownership) + the balance; log ``Transfer``.
- ``ERC-721 approve``: 1 fresh (the approval); log ``Approval``.
- ``freeze`` / ``unfreeze``: 1 update (the record's frozen bit); log ``Frozen`` / ``Unfrozen``.
- ``setMetadataURI``: no storage (the URI lives in the log); log ``MetadataURIUpdated``.
- ``setTokenRoyalty``: 1 fresh; log ``RoyaltySet``. ``cancelVoucher``: 1 update (the nonce); log
  ``VoucherCancelled``. ``pause``: 1 fresh; log ``Paused``. ``unpause``: 1 clear; log ``Unpaused``.
- ``ERC-20 transfer, fresh / existing recipient``: 1 update (sender balance) + the recipient balance, fresh or
  updated; log ``Transfer``. Share-token transfers use the same floor: compliance is reads.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

from web3 import Web3

INTRINSIC = 21_000
CALLDATA_ZERO = 4
CALLDATA_NONZERO = 16
FRESH_SLOT = 22_100
UPDATED_SLOT = 5_000
CLEARED_SLOT = 200
ECRECOVER = 3_000
LOG = 375
LOG_TOPIC = 375
LOG_BYTE = 8

TRANSFER = "Transfer(address,address,uint256)"
APPROVAL = "Approval(address,address,uint256)"
RIGHT_REGISTERED = "RightRegistered(uint256,bytes32,address,uint96,string)"


@dataclass(frozen=True)
class FloorSpec:
    """The unavoidable effects of one operation."""

    fresh: int = 0
    updates: int = 0
    clears: int = 0
    compute: int = 0
    #: Event signatures whose logs are required; every log of each in the receipt is costed.
    events: tuple[str, ...] = ()

    def plus(self, *, fresh: int = 0, updates: int = 0, clears: int = 0, compute: int = 0) -> FloorSpec:
        return FloorSpec(
            self.fresh + fresh, self.updates + updates, self.clears + clears, self.compute + compute, self.events
        )

    def with_events(self, *events: str) -> FloorSpec:
        return FloorSpec(self.fresh, self.updates, self.clears, self.compute, self.events + events)


_REGISTER_EVENTS = (TRANSFER, RIGHT_REGISTERED)
_REGISTER_FRESH = FloorSpec(fresh=3, events=_REGISTER_EVENTS)
_REGISTER_EXISTING = FloorSpec(fresh=2, updates=1, events=_REGISTER_EVENTS)
_TRANSFER_721_FRESH = FloorSpec(fresh=1, updates=2, events=(TRANSFER,))
_TRANSFER_721_EXISTING = FloorSpec(updates=3, events=(TRANSFER,))

SPECS: dict[str, FloorSpec] = {
    "register fresh holder": _REGISTER_FRESH,
    "register existing holder": _REGISTER_EXISTING,
    "registerWithVoucher existing holder": _REGISTER_EXISTING.plus(fresh=1, compute=ECRECOVER),
    "reveal fresh holder": _REGISTER_FRESH.plus(clears=1, fresh=1),
    "commit": FloorSpec(fresh=1, events=("ClaimCommitted(bytes32,address)",)),
    "ERC-721 mint fresh holder": FloorSpec(fresh=2, events=(TRANSFER,)),
    "ERC-721 mint existing holder": FloorSpec(fresh=1, updates=1, events=(TRANSFER,)),
    "ERC-721 transfer fresh recipient": _TRANSFER_721_FRESH,
    "ERC-721 transfer existing recipient": _TRANSFER_721_EXISTING,
    "ERC-721 transfer by approved fresh recipient": _TRANSFER_721_FRESH.plus(clears=1),
    "assign existing recipient": _TRANSFER_721_EXISTING.with_events("Assigned(uint256,address,address,bytes32)"),
    "forceTransfer existing recipient": _TRANSFER_721_EXISTING.with_events(
        "ForceTransferred(uint256,address,address,address,bytes32)"
    ),
    "ERC-721 approve": FloorSpec(fresh=1, events=(APPROVAL,)),
    "freeze": FloorSpec(updates=1, events=("Frozen(uint256,address,bytes32)",)),
    "unfreeze": FloorSpec(updates=1, events=("Unfrozen(uint256,address,bytes32)",)),
    "setMetadataURI": FloorSpec(events=("MetadataURIUpdated(uint256,address,string)",)),
    "setTokenRoyalty": FloorSpec(fresh=1, events=("RoyaltySet(uint256,uint96)",)),
    "cancelVoucher": FloorSpec(updates=1, events=("VoucherCancelled(address,uint256,address)",)),
    "pause": FloorSpec(fresh=1, events=("Paused(address)",)),
    "unpause": FloorSpec(clears=1, events=("Unpaused(address)",)),
    "ERC-20 transfer fresh recipient": FloorSpec(fresh=1, updates=1, events=(TRANSFER,)),
    "ERC-20 transfer existing recipient": FloorSpec(updates=2, events=(TRANSFER,)),
}


def batch_spec(size: int, fresh_holder: bool) -> FloorSpec:
    """``registerBatch`` of ``size`` rights to one holder: two fresh slots per right, one balance write in all
    (the receipt's logs carry ``size`` ``Transfer`` and ``RightRegistered`` logs)."""
    return FloorSpec(
        fresh=2 * size + (1 if fresh_holder else 0), updates=0 if fresh_holder else 1, events=_REGISTER_EVENTS
    )


def check_floor(operation: str, floor: int, measured: int) -> bool:
    """Self-check: a floor must not exceed what was measured; prints a warning (stderr) when it does."""
    if floor <= measured:
        return True
    print(f"warning: floor of {operation!r} ({floor:,}) exceeds its measured gas ({measured:,})", file=sys.stderr)
    return False


def calldata_gas(data: bytes) -> int:
    """EIP-2028 calldata gas of a transaction input."""
    zeros = data.count(0)
    return zeros * CALLDATA_ZERO + (len(data) - zeros) * CALLDATA_NONZERO


def log_gas(log: Any) -> int:
    """LOG opcode gas of one receipt log, without memory expansion."""
    return LOG + LOG_TOPIC * len(log["topics"]) + LOG_BYTE * len(bytes(log["data"]))


def floor_gas(spec: FloorSpec, tx_input: bytes, receipt: Any) -> int:
    """The floor of the transaction whose input and receipt are given, under ``spec``."""
    topics = {Web3.keccak(text=signature): signature for signature in spec.events}
    required = [log for log in receipt["logs"] if log["topics"] and bytes(log["topics"][0]) in topics]
    missing = set(spec.events) - {topics[bytes(log["topics"][0])] for log in required}
    if missing:
        raise ValueError(f"floor spec names events the receipt lacks: {sorted(missing)}")
    return (
        INTRINSIC
        + calldata_gas(tx_input)
        + FRESH_SLOT * spec.fresh
        + UPDATED_SLOT * spec.updates
        + CLEARED_SLOT * spec.clears
        + spec.compute
        + sum(log_gas(log) for log in required)
    )
