"""Trustless verification: proofs of a right's events and owner that need no trust in the RPC node.

Given one or more trusted block hashes (checkpoints), every header from the right's first event up to the latest
checkpoint is fetched and checked to hash to its successor's ``parentHash``, so each block is linked to the
nearest checkpoint at or after it, and each checkpoint from the first event on is proven to be in the ancestry of
the checkpoints above it (checkpoints that are not on one chain raise :class:`~ipledger.CheckpointError`). Each
event block's receipts are fetched and re-hashed into the receipts trie, whose root must equal the header's; every
header whose logs bloom may hold the right's logs is opened, so a log the node leaves out is found too; and the
current owner is proven with ``eth_getProof`` against the latest checkpoint's state root.

The findings are named checks: ``header_chain``, ``receipts_root``, ``log_not_in_receipts`` (an altered or
invented log), ``log_withheld`` (a log in the receipts the node did not return) and ``owner_proof``.

Checkpoints between the first event and the latest do not shorten the walk: the logs bloom of every block in
between is needed to find withheld logs, so each of those headers is fetched and linked anyway. They add
anchors: a segment that does not link is named by its checkpoint, and a checkpoint from another chain is caught.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import rlp
from eth_utils.crypto import keccak
from trie import HexaryTrie

from ._events import DecodedLog, decode_log
from ._exceptions import CheckpointError, InvalidInputError, NodeError
from ._models import Check
from ._rpc import Rpc

__all__ = ["TrustlessVerifier", "checkpoint_hashes", "header_hash", "receipts_root"]

#: Header fields in RLP order; a field absent from the node's answer is absent from the header (older forks).
_HEADER_FIELDS = (
    "parentHash",
    "sha3Uncles",
    "miner",
    "stateRoot",
    "transactionsRoot",
    "receiptsRoot",
    "logsBloom",
    "difficulty",
    "number",
    "gasLimit",
    "gasUsed",
    "timestamp",
    "extraData",
    "mixHash",
    "nonce",
    "baseFeePerGas",
    "withdrawalsRoot",
    "blobGasUsed",
    "excessBlobGas",
    "parentBeaconBlockRoot",
    "requestsHash",
)
_INTEGER_FIELDS = frozenset(
    {"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas", "blobGasUsed", "excessBlobGas"}
)
#: Solady ERC721's ownership slot seed (see contracts/token/FlaggedApprovalERC721.sol).
_SOLADY_SEED_PREFIX = bytes.fromhex("7d882553")
_BLOCK_HASH = re.compile(r"0x[0-9a-fA-F]{64}")


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def header_hash(block: dict[str, Any]) -> bytes:
    """The keccak of the RLP-encoded header rebuilt from a JSON-RPC block."""
    fields: list[Any] = []
    for name in _HEADER_FIELDS:
        if name in block and block[name] is not None:
            fields.append(int(block[name], 16) if name in _INTEGER_FIELDS else _bytes(block[name]))
    return bytes(keccak(rlp.encode(fields)))


def _receipt_bytes(receipt: dict[str, Any]) -> bytes:
    logs = [
        [_bytes(log["address"]), [_bytes(topic) for topic in log["topics"]], _bytes(log["data"])]
        for log in receipt["logs"]
    ]
    status = int(receipt["status"], 16)
    encoded: bytes = rlp.encode(
        [status if status else b"", int(receipt["cumulativeGasUsed"], 16), _bytes(receipt["logsBloom"]), logs]
    )
    kind = int(receipt.get("type", "0x0"), 16)
    return bytes([kind]) + encoded if kind else encoded


def receipts_root(receipts: Sequence[dict[str, Any]]) -> bytes:
    """The root of the receipts trie of a block's receipts (keys: RLP of the index)."""
    trie = HexaryTrie({})
    for index, receipt in enumerate(receipts):
        trie[rlp.encode(index)] = _receipt_bytes(receipt)
    root: bytes = trie.root_hash
    return root


def _bloom_may_contain(bloom: bytes, items: Iterable[bytes]) -> bool:
    """Whether a 2048-bit logs bloom may contain every one of ``items`` (Yellow Paper M3:2048)."""
    value = int.from_bytes(bloom, "big")
    for item in items:
        digest = keccak(item)
        for pair in range(0, 6, 2):
            bit = int.from_bytes(digest[pair : pair + 2], "big") & 2047
            if not value >> bit & 1:
                return False
    return True


def owner_slot(token_id: int) -> int:
    """The storage slot of a token's ownership word in Solady's ERC721 layout."""
    seeded = token_id.to_bytes(32, "big")[:28] + _SOLADY_SEED_PREFIX
    return (2 * token_id + int.from_bytes(keccak(seeded), "big")) % 2**256


LogKey = tuple[str, str, int, str, str]


def _log_key(log: DecodedLog) -> LogKey:
    """What identifies a log and everything it says: an altered argument changes the key."""
    return (
        log.address.lower(),
        log.tx_hash.lower(),
        log.log_index,
        log.name,
        json.dumps(log.args, sort_keys=True, default=str),
    )


def checkpoint_hashes(trusted: str | Iterable[str]) -> list[str]:
    """The trusted block hashes given (one, or several in any order), checked for form, lower-cased, without
    duplicates."""
    given = [trusted] if isinstance(trusted, str) else list(trusted)
    if not given:
        raise InvalidInputError("no trusted block hash given")
    for value in given:
        if not isinstance(value, str) or not _BLOCK_HASH.fullmatch(value):
            raise InvalidInputError(f"trusted block hash {value!r} is not 0x and 64 hex digits")
    return list(dict.fromkeys(value.lower() for value in given))


Checkpoint = tuple[str, dict[str, Any]]


def _number(block: dict[str, Any]) -> int:
    return int(block["number"], 16)


class TrustlessVerifier:
    """Checks what a node says about one right against one or more trusted block hashes (checkpoints)."""

    def __init__(self, rpc: Rpc, trusted: str | Sequence[str]) -> None:
        self._rpc = rpc
        self._hashes = checkpoint_hashes(trusted)
        self._checkpoints: list[Checkpoint] | None = None

    @property
    def checkpoints(self) -> list[Checkpoint]:
        """Each trusted hash with its block as the node returns it, oldest first (fetched once).

        Raises :class:`~ipledger.NodeError` naming a trusted block the node does not know.
        """
        if self._checkpoints is None:
            blocks = self._rpc.batch([("eth_getBlockByHash", [value, False]) for value in self._hashes])
            for value, block in zip(self._hashes, blocks, strict=True):
                if block is None:
                    raise NodeError(f"the node does not know the trusted block {value}", endpoint=self._rpc.endpoint)
            pairs = list(zip(self._hashes, blocks, strict=True))
            self._checkpoints = sorted(pairs, key=lambda pair: _number(pair[1]))
        return self._checkpoints

    @property
    def block(self) -> int:
        """The latest checkpoint's number: the block the right is verified as of."""
        return _number(self.checkpoints[-1][1])

    def verify(
        self, *, registry: str, token_id: int, logs: Sequence[DecodedLog], owner: str, from_block: int
    ) -> list[Check]:
        """The proof checks for a right whose registry logs, as the node returned them, are ``logs``.

        Raises :class:`~ipledger.CheckpointError` when the checkpoints the right needs are not on one chain.
        """
        checkpoints = self.checkpoints
        forged = next((value for value, block in checkpoints if "0x" + header_hash(block).hex() != value), None)
        if forged is not None:
            return [
                Check(name="header_chain", ok=False, detail=f"the header of trusted block {forged} does not hash to it")
            ]
        headers, chain_check = self._linked_headers(checkpoints, min(from_block, self.block))
        checks = [chain_check]
        if not chain_check.ok:
            return checks
        checks.extend(self._log_checks(headers, registry, token_id, logs))
        checks.append(self._owner_check(checkpoints[-1][1], registry, token_id, owner))
        return checks

    def _linked_headers(
        self, checkpoints: Sequence[Checkpoint], from_block: int
    ) -> tuple[dict[int, dict[str, Any]], Check]:
        """Every header from ``from_block`` to the latest checkpoint, each linked to the nearest checkpoint at or
        after it; checkpoints below ``from_block`` are not needed and not walked to."""
        anchors: dict[int, str] = {}
        for value, block in checkpoints:
            number = _number(block)
            if number in anchors:
                raise CheckpointError(
                    earlier=anchors[number], earlier_block=number, later=value, later_block=number, ancestor=value
                )
            anchors[number] = value
        top = self.block
        used = {number: value for number, value in anchors.items() if number >= from_block}
        numbers = [number for number in range(from_block, top) if number not in used]
        blocks = self._rpc.batch([("eth_getBlockByNumber", [hex(number), False]) for number in numbers])
        headers = dict(zip(numbers, blocks, strict=True))
        headers.update((_number(block), block) for value, block in checkpoints if value in used.values())
        anchor = top
        for number in range(top, from_block, -1):
            if number in used:
                anchor = number  # the blocks below link to the nearest checkpoint at or after them
            proven_parent = headers[number]["parentHash"].lower()
            parent = headers.get(number - 1)
            if parent is not None and "0x" + header_hash(parent).hex() == proven_parent:
                continue
            if number - 1 in used:  # the proven ancestor at a checkpoint's height is another block
                raise CheckpointError(
                    earlier=used[number - 1],
                    earlier_block=number - 1,
                    later=used[anchor],
                    later_block=anchor,
                    ancestor=proven_parent,
                )
            return {}, Check(
                name="header_chain",
                ok=False,
                detail=f"block {number - 1} does not link to the trusted block {used[anchor]} (block {anchor})",
            )
        if len(used) == 1:
            target = f"the trusted block {used[top]}"
        else:
            target = (
                f"{len(used)} trusted blocks (blocks {', '.join(map(str, sorted(used)))}), each to the nearest at or "
                "after it"
            )
        unused = sorted(number for number in anchors if number < from_block)
        skipped = f"; trusted blocks before it not needed (blocks {', '.join(map(str, unused))})" if unused else ""
        return headers, Check(
            name="header_chain",
            ok=True,
            detail=f"{len(headers)} headers from block {from_block} link to {target}{skipped}",
        )

    def _log_checks(
        self, headers: dict[int, dict[str, Any]], registry: str, token_id: int, logs: Sequence[DecodedLog]
    ) -> list[Check]:
        token_topic = token_id.to_bytes(32, "big")
        address = _bytes(registry)
        own = [log for log in logs if log.address.lower() == registry.lower()]
        claimed = {_log_key(log) for log in own}
        claimed_blocks = {log.block for log in own}
        candidates = sorted(
            number
            for number, header in headers.items()
            if number in claimed_blocks or _bloom_may_contain(_bytes(header["logsBloom"]), (address, token_topic))
        )
        proven: set[LogKey] = set()
        bad_roots: list[int] = []
        for number in candidates:
            receipts = self._rpc.call("eth_getBlockReceipts", [hex(number)])
            if receipts is None or "0x" + receipts_root(receipts).hex() != headers[number]["receiptsRoot"].lower():
                bad_roots.append(number)
                continue
            for receipt in receipts:
                for log in receipt["logs"]:
                    if log["address"].lower() != registry.lower():
                        continue
                    if "0x" + token_topic.hex() not in (topic.lower() for topic in log["topics"]):
                        continue
                    decoded = decode_log(
                        {**log, "transactionHash": receipt["transactionHash"], "blockNumber": hex(number)}
                    )
                    if decoded is not None:
                        proven.add(_log_key(decoded))
        checks = [
            Check(
                name="receipts_root",
                ok=not bad_roots,
                detail=f"receipts of {len(candidates)} blocks rebuild their headers' receipts roots"
                if not bad_roots
                else f"receipts do not match the header in blocks {bad_roots}",
            )
        ]
        invented = claimed - proven
        withheld = proven - claimed
        checks.append(
            Check(
                name="log_not_in_receipts",
                ok=not invented,
                detail="every log the node returned is in a proven receipt"
                if not invented
                else f"{len(invented)} log(s) altered or invented by the node, e.g. tx {sorted(invented)[0][3]}",
            )
        )
        checks.append(
            Check(
                name="log_withheld",
                ok=not withheld,
                detail="the node returned every log of this right found in the proven receipts"
                if not withheld
                else f"the node withheld {len(withheld)} log(s), e.g. tx {sorted(withheld)[0][3]}",
            )
        )
        return checks

    def _owner_check(self, anchor: dict[str, Any], registry: str, token_id: int, owner: str) -> Check:
        slot = owner_slot(token_id)
        try:
            padded = "0x" + slot.to_bytes(32, "big").hex()  # hex(slot) drops leading zeros: nodes want 32 bytes
            proof = self._rpc.call("eth_getProof", [registry, [padded], anchor["number"]])
            state_root = _bytes(anchor["stateRoot"])
            account_rlp = HexaryTrie.get_from_proof(
                state_root, keccak(_bytes(registry)), [rlp.decode(_bytes(node)) for node in proof["accountProof"]]
            )
            storage_root = rlp.decode(account_rlp)[2]
            storage = proof["storageProof"][0]
            value_rlp = HexaryTrie.get_from_proof(
                storage_root, keccak(slot.to_bytes(32, "big")), [rlp.decode(_bytes(node)) for node in storage["proof"]]
            )
        except (NodeError, KeyError, IndexError, ValueError, rlp.DecodingError) as exc:
            return Check(name="owner_proof", ok=False, detail=f"the state proof does not verify: {type(exc).__name__}")
        except Exception as exc:  # noqa: BLE001 - py-trie raises its own errors for forged proofs
            return Check(name="owner_proof", ok=False, detail=f"the state proof does not verify: {type(exc).__name__}")
        word = int.from_bytes(rlp.decode(value_rlp), "big") if value_rlp else 0
        proven_owner = "0x" + (word & (2**160 - 1)).to_bytes(20, "big").hex()
        claimed_value = int(storage.get("value", "0x0"), 16)
        if claimed_value != word:
            return Check(name="owner_proof", ok=False, detail="the node's storage value differs from its own proof")
        ok = proven_owner == owner.lower()
        return Check(
            name="owner_proof",
            ok=ok,
            detail=f"eth_getProof proves the owner {proven_owner} against the trusted state root"
            if ok
            else f"the proven owner {proven_owner} differs from the reported owner {owner}",
        )
