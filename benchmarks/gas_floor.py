"""A theoretical gas floor per operation: what any implementation must pay for the same effect.

The model (whole-transaction gas, Cancun/Prague pricing, refunds at their most favourable)::

    floor(tx) = 21,000                                  intrinsic cost of a transaction
              + calldata(tx.input)                      EIP-2028: 16 per non-zero byte, 4 per zero byte
              + 22,100 x fresh                          zero -> non-zero slot, cold (20,000 set + 2,100 access)
              +  5,000 x updates                        non-zero -> non-zero slot, cold (2,900 reset + 2,100 access)
              +    200 x clears                         non-zero -> zero slot: 5,000 less the 4,800 refund
              +  2,100 x reads                          a slot the design must read and does not write (cold SLOAD)
              + compute                                 unavoidable precompiles (ecrecover: 3,000)
              + sum over required logs of (375 + 375 x topics + 8 x data bytes), read from the receipt

As ../shared/GAS.md asks, the floor counts every slot the design must read and write: the storage writes the
operation's *effect* requires, and the reads without which the design could not be kept (a number is reserved for
at most one right, so the reservation slots of the numbers named must be read even when nothing is written there).
Reads of a slot the operation also writes are inside its write's 2,100 access charge. Not counted: reads for
authorization and status (roles, owner, pause, freeze, compliance), the contract's computation (hashing the number
key, the canonical-form check, ABI decoding), memory and jumps. The calldata term uses the transaction actually sent,
so the floor is for the same input. EIP-7623's calldata floor (Prague) only raises the real cost, so leaving it out
keeps this a lower bound. A floor above the measured gas means a spec is wrong: ``check_floor`` prints a warning then.

Specs (``SPECS``, ``register_spec``, ``batch_spec``; "holder" is the token's recipient):

- The right's history commitment (``IRightHistory``, docs/trustless.md) is part of the design: a right's first event
  creates its history word (1 fresh slot), every later event rewrites it (1 update), and the first event of a right
  in a new block logs ``HistoryLinked`` (its receipt log is costed). The specs of the registry's operations below
  include it; the OpenZeppelin and Solady baselines (``ERC-721 ...``) do not have one.

- ``register fresh holder`` (one official number): 4 fresh slots (ownership + packed record, content-hash key, holder
  balance, history word) + 1 read (the primary number's ``_tokenOfNumber`` slot: the number must not be another
  right's reserved number); logs ERC-721 ``Transfer`` and ``RightRegistered`` (with the numbers and the public
  record). The token id is derived from the primary number, so its uniqueness costs no slot of its own (the
  ownership slot is written anyway), and the packed record rides in the ownership slot.
- The public record (``Registration.metadata``, canonical JSON) is never stored: it costs its calldata (16 per
  non-zero byte, 4 per zero byte, ABI padding included) and 8 per byte of ``RightRegistered`` data, both taken from
  the transaction and its receipt, so a longer record raises the floor by at least 24 gas per (non-zero) byte. The
  contract's copy of it into memory (3 per word and memory expansion) is computation, not counted.
- ``register existing holder``: 3 fresh (ownership, content hash, history word), 1 update (balance), 1 read; same
  logs.
- Each further number of the right's office (a reserved alias: application, publication, grant number), by
  ``register_spec``: + 1 fresh (its ``_tokenOfNumber`` slot, cold-read then written) + 1 read (the ownership slot of
  its key: it must not be another right's primary number, i.e. token id). A family link (PCT, WO, priority) adds no
  storage: only its calldata and log bytes, which the receipt-driven terms count.
- ``registerBatch of N, fresh holder``: 3N fresh + 1 fresh (the balance, written once at best) + N reads (each
  primary number's reservation slot); N ``Transfer`` and N ``RightRegistered``. ``existing holder``: 2N fresh + 1
  update + N reads (3N: ownership, content hash and history word of each right).
- ``registerWithVoucher``: register (as the holder) + 1 fresh (the recipient's nonce, first use) + ecrecover.
- ``reveal fresh holder``: register fresh holder + 1 clear (the commitment is consumed) + 1 fresh (the claim's
  commit block, which a later supersession compares).
- ``addNumbers`` of one number to a registrar-verified right: by a registrar, the record's kind and expiry changed,
  1 fresh (its ``_tokenOfNumber`` slot) + 1 read (its key's ownership slot) + 1 update (the record); by the owner,
  who may not change the record, the same without the update + 1 fresh more (``_ownerDeclared``: a number an owner
  adds is provisional, and nothing else can say so: the reservation slot holds a whole 256-bit token id). Log
  ``NumbersAdded``.
- ``openNumber`` (the unpublished application opened): 1 fresh (its ``_tokenOfNumber`` slot) + 1 read (its key's
  ownership slot); log ``NumbersAdded``. The record is not changed.
- ``commit``: 1 fresh slot (the commitment's block); log ``ClaimCommitted``.
- ``ERC-721 transfer, fresh / existing recipient``: 1 update (ownership) + 1 update (sender balance) + the
  recipient balance, fresh or updated; log ``Transfer``. ``by approved``: + 1 clear (the approval).
  ``assign`` adds the ``Assigned`` log, ``forceTransfer`` the ``ForceTransferred`` log.
- ``ERC-721 mint, fresh / existing holder`` (the baselines): 1 fresh (ownership) + the balance; log ``Transfer``.
- ``ERC-721 approve``: 1 fresh (the approval); log ``Approval``.
- ``freeze`` / ``unfreeze``: 1 update (the record's frozen bit); log ``Frozen`` / ``Unfrozen``.
- ``publishMetadata``: no storage (the record lives in the log): its calldata and log ``MetadataPublished``.
- ``setTokenRoyalty``: 1 fresh; log ``RoyaltySet``. ``cancelVoucher``: 1 update (the nonce); log
  ``VoucherCancelled``. ``pause``: 1 fresh; log ``Paused``. ``unpause``: 1 clear; log ``Unpaused``.
- ``ERC-20 transfer, fresh / existing recipient``: 1 update (sender balance) + the recipient balance, fresh or
  updated; log ``Transfer``. Share-token transfers use the same floor: compliance is reads.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from typing import Any

from web3 import Web3

INTRINSIC = 21_000
CALLDATA_ZERO = 4
CALLDATA_NONZERO = 16
FRESH_SLOT = 22_100
UPDATED_SLOT = 5_000
CLEARED_SLOT = 200
COLD_READ = 2_100
ECRECOVER = 3_000
LOG = 375
LOG_TOPIC = 375
LOG_BYTE = 8

TRANSFER = "Transfer(address,address,uint256)"
APPROVAL = "Approval(address,address,uint256)"
RIGHT_REGISTERED = "RightRegistered(uint256,bytes32,address,uint96,uint256[],bytes)"
NUMBERS_ADDED = "NumbersAdded(uint256,address,uint256[],uint96)"
HISTORY_LINKED = "HistoryLinked(uint256,uint256)"


@dataclass(frozen=True)
class FloorSpec:
    """The unavoidable effects of one operation."""

    fresh: int = 0
    updates: int = 0
    clears: int = 0
    #: Slots the design must read without writing them (cold SLOADs).
    reads: int = 0
    compute: int = 0
    #: Event signatures whose logs are required; every log of each in the receipt is costed.
    events: tuple[str, ...] = ()

    def plus(self, *, fresh: int = 0, updates: int = 0, clears: int = 0, reads: int = 0, compute: int = 0) -> FloorSpec:
        return replace(
            self,
            fresh=self.fresh + fresh,
            updates=self.updates + updates,
            clears=self.clears + clears,
            reads=self.reads + reads,
            compute=self.compute + compute,
        )

    def with_events(self, *events: str) -> FloorSpec:
        return replace(self, events=self.events + events)


_REGISTER_EVENTS = (TRANSFER, RIGHT_REGISTERED)
#: One number: its token id is the key of the number; its reservation slot is read (it may be another right's alias).
_REGISTER_FRESH = FloorSpec(fresh=4, reads=1, events=_REGISTER_EVENTS)
_REGISTER_EXISTING = FloorSpec(fresh=3, updates=1, reads=1, events=_REGISTER_EVENTS)
#: One reserved alias: its reservation slot (read, then written) and its key's ownership slot (not a token id).
_RESERVED_NUMBER = FloorSpec(fresh=1, reads=1)
_TRANSFER_721_FRESH = FloorSpec(fresh=1, updates=2, events=(TRANSFER,))
_TRANSFER_721_EXISTING = FloorSpec(updates=3, events=(TRANSFER,))
#: A registry move: the baseline's effects and the right's history word rewritten, linked to its previous block.
_MOVE_FRESH = _TRANSFER_721_FRESH.plus(updates=1).with_events(HISTORY_LINKED)
_MOVE_EXISTING = _TRANSFER_721_EXISTING.plus(updates=1).with_events(HISTORY_LINKED)

SPECS: dict[str, FloorSpec] = {
    "register fresh holder": _REGISTER_FRESH,
    "register existing holder": _REGISTER_EXISTING,
    "registerWithVoucher existing holder": _REGISTER_EXISTING.plus(fresh=1, compute=ECRECOVER),
    "reveal fresh holder": _REGISTER_FRESH.plus(clears=1, fresh=1),
    "addNumbers by a registrar (one number, kind and expiry set)": _RESERVED_NUMBER.plus(updates=2).with_events(
        NUMBERS_ADDED, HISTORY_LINKED
    ),
    "addNumbers by the owner (one number, record unchanged)": _RESERVED_NUMBER.plus(fresh=1, updates=1).with_events(
        NUMBERS_ADDED, HISTORY_LINKED
    ),
    "openNumber": _RESERVED_NUMBER.plus(updates=1).with_events(NUMBERS_ADDED, HISTORY_LINKED),
    "commit": FloorSpec(fresh=1, events=("ClaimCommitted(bytes32,address)",)),
    "ERC-721 mint fresh holder": FloorSpec(fresh=2, events=(TRANSFER,)),
    "ERC-721 mint existing holder": FloorSpec(fresh=1, updates=1, events=(TRANSFER,)),
    "ERC-721 transfer fresh recipient": _TRANSFER_721_FRESH,
    "ERC-721 transfer existing recipient": _TRANSFER_721_EXISTING,
    "ERC-721 transfer by approved fresh recipient": _TRANSFER_721_FRESH.plus(clears=1),
    "registry move fresh recipient": _MOVE_FRESH,
    "registry move existing recipient": _MOVE_EXISTING,
    "registry move by approved fresh recipient": _MOVE_FRESH.plus(clears=1),
    "assign existing recipient": _MOVE_EXISTING.with_events("Assigned(uint256,address,address,bytes32)"),
    "forceTransfer existing recipient": _MOVE_EXISTING.with_events(
        "ForceTransferred(uint256,address,address,address,bytes32)"
    ),
    "ERC-721 approve": FloorSpec(fresh=1, events=(APPROVAL,)),
    "freeze": FloorSpec(updates=2, events=("Frozen(uint256,address,bytes32)", HISTORY_LINKED)),
    "unfreeze": FloorSpec(updates=2, events=("Unfrozen(uint256,address,bytes32)", HISTORY_LINKED)),
    "publishMetadata": FloorSpec(updates=1, events=("MetadataPublished(uint256,address,bytes)", HISTORY_LINKED)),
    "setTokenRoyalty": FloorSpec(fresh=1, updates=1, events=("RoyaltySet(uint256,uint96)", HISTORY_LINKED)),
    "cancelVoucher": FloorSpec(updates=1, events=("VoucherCancelled(address,uint256,address)",)),
    "pause": FloorSpec(fresh=1, events=("Paused(address)",)),
    "unpause": FloorSpec(clears=1, events=("Unpaused(address)",)),
    "ERC-20 transfer fresh recipient": FloorSpec(fresh=1, updates=1, events=(TRANSFER,)),
    "ERC-20 transfer existing recipient": FloorSpec(updates=2, events=(TRANSFER,)),
}


def register_spec(reserved: int, fresh_holder: bool) -> FloorSpec:
    """``register`` of a right with ``reserved`` numbers besides its primary one (family links cost no storage:
    their calldata and log bytes come from the transaction and its receipt)."""
    base = _REGISTER_FRESH if fresh_holder else _REGISTER_EXISTING
    return base.plus(fresh=reserved * _RESERVED_NUMBER.fresh, reads=reserved * _RESERVED_NUMBER.reads)


def batch_spec(size: int, fresh_holder: bool) -> FloorSpec:
    """``registerBatch`` of ``size`` rights of one number each to one holder: two fresh slots and one read per
    right, one balance write in all (the receipt's logs carry ``size`` ``Transfer`` and ``RightRegistered`` logs)."""
    return FloorSpec(
        fresh=3 * size + (1 if fresh_holder else 0),
        updates=0 if fresh_holder else 1,
        reads=size,
        events=_REGISTER_EVENTS,
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
        + COLD_READ * spec.reads
        + spec.compute
        + sum(log_gas(log) for log in required)
    )
