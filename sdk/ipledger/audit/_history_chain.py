"""The per-right history commitment the contracts keep (``IRightHistory``), recomputed from logs.

Each contract that records a right's events keeps one storage word per right at
``keccak256(abi.encode(tokenId, HISTORY_SEED))``: the head of a hash chain over the right's events in its high 192 bits,
the block of the latest event in its low 64. Each event extends the chain with
``keccak256(abi.encode(head, block, timestamp, keccak256(abi.encode(topic0, topics..., keccak256(data)))))``,
and the first event of the right in a block (but its very first) also emits ``HistoryLinked(tokenId, previousBlock)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from eth_utils.crypto import keccak

from ipledger.chain._events import DecodedLog

__all__ = [
    "HISTORY_SEED",
    "LINKED_EVENTS",
    "HistoryWord",
    "chain_head",
    "history_slot",
    "linked_tokens",
    "log_digest",
]

#: ``uint256(keccak256("ipledger.RightHistory")) - 1``: the seed of the history slots.
HISTORY_SEED = int.from_bytes(keccak(text="ipledger.RightHistory"), "big") - 1
_BLOCK_MASK = 2**64 - 1

#: Events each contract links into a right's history, with the arguments that name the rights they are about.
LINKED_EVENTS: Mapping[str, tuple[str, ...]] = {
    "Transfer": ("tokenId",),
    "RightRegistered": ("tokenId",),
    "NumbersAdded": ("tokenId",),
    "NumberReclaimed": ("tokenId", "toTokenId"),  # the SDK names its first right ``tokenId`` (token-first queries)
    "NumbersReleased": ("tokenId",),
    "Assigned": ("tokenId",),
    "Frozen": ("tokenId",),
    "Unfrozen": ("tokenId",),
    "ForceTransferred": ("tokenId",),
    "MetadataPublished": ("tokenId",),
    "ClaimSuperseded": ("tokenId",),
    "ContentReclaimed": ("fromTokenId", "toTokenId"),
    "RoyaltySet": ("tokenId",),
    "ClaimConfirmed": ("tokenId",),
    "DisputeLockSet": ("tokenId",),
    "PledgeSet": ("tokenId",),
    "RightRevoked": ("tokenId",),
    # LicenseRegistry
    "LicenseGranted": ("tokenId",),
    "LicenseFieldOfUse": ("tokenId",),
    "LicenseRevoked": ("tokenId",),
    # AttestationRegistry
    "Attested": ("tokenId",),
    "AttestationRevoked": ("tokenId",),
    # DisputeManager
    "DisputeRaised": ("tokenId",),
    "DisputeResolved": ("tokenId",),
    "DisputeRegistrationChanged": ("tokenId",),
    # FractionVault
    "Fractionalized": ("tokenId",),
    "Redeemed": ("tokenId",),
    "CustodyLost": ("tokenId",),
    # LoanDesk (the contract's ``rightId``, which the SDK decodes as ``tokenId``)
    "LoanOpened": ("tokenId",),
    "LoanRepaid": ("tokenId",),
    "PledgeReleased": ("tokenId",),
    "AuctionStarted": ("tokenId",),
    "CollateralSold": ("tokenId",),
    "Foreclosed": ("tokenId",),
    "LoanRefinanced": ("tokenId",),
    "CollateralLost": ("tokenId",),
    "PledgeRegistered": ("tokenId",),
    "BuyoutThresholdSet": ("tokenId",),
    "BuyoutStarted": ("tokenId",),
    "SharesTendered": ("tokenId",),
    "TenderWithdrawn": ("tokenId",),
    "BuyoutSucceeded": ("tokenId",),
    "BuyoutFailed": ("tokenId",),
    "BuyoutCancelled": ("tokenId",),
    "BuyoutClaimed": ("tokenId",),
    "SharesCashedOut": ("tokenId",),
}


@dataclass(frozen=True)
class HistoryWord:
    """A right's history word: the block of its latest event (0: none) and the chain's 192-bit head."""

    last_block: int
    head: int

    @classmethod
    def from_word(cls, word: int) -> HistoryWord:
        return cls(last_block=word & _BLOCK_MASK, head=word >> 64)


def history_slot(token_id: int) -> int:
    """The storage slot of a right's history word."""
    return int.from_bytes(keccak(token_id.to_bytes(32, "big") + HISTORY_SEED.to_bytes(32, "big")), "big")


def log_digest(log: Mapping[str, Any]) -> bytes:
    """The digest of a raw JSON-RPC log as the contract links it: its topics, then the hash of its data."""
    topics = b"".join(bytes.fromhex(str(topic)[2:]).rjust(32, b"\0") for topic in log["topics"])
    return bytes(keccak(topics + keccak(bytes.fromhex(str(log["data"])[2:]))))


def _extend(head: int, block: int, timestamp: int, digest: bytes) -> int:
    encoded = head.to_bytes(32, "big") + block.to_bytes(32, "big") + timestamp.to_bytes(32, "big") + digest
    return int.from_bytes(keccak(encoded), "big") >> 64


def chain_head(blocks: Iterable[tuple[int, int, Sequence[Mapping[str, Any]]]], head: int = 0) -> list[HistoryWord]:
    """The history word after each block of ``(block, timestamp, raw logs in order)``, oldest first, from ``head``."""
    words = []
    for block, timestamp, logs in blocks:
        for log in logs:
            head = _extend(head, block, timestamp, log_digest(log))
        words.append(HistoryWord(last_block=block, head=head))
    return words


def linked_tokens(log: DecodedLog) -> set[int]:
    """The rights whose history ``log`` extends (empty for an event no contract links)."""
    return {int(log.args[name]) for name in LINKED_EVENTS.get(log.name, ())}
