"""Trustless verification: proofs of a right's events and owner that need no trust in the RPC node.

Given one trusted block hash (a checkpoint), every header down to the right's first event is fetched and
checked to hash to its predecessor's ``parentHash`` (so each is linked to the checkpoint); each event block's
receipts are fetched and re-hashed into the receipts trie, whose root must equal the header's; every header
whose logs bloom may hold the right's logs is opened, so a log the node leaves out is found too; and the
current owner is proven with ``eth_getProof`` against the checkpoint's state root.

The findings are named checks: ``header_chain``, ``receipts_root``, ``log_not_in_receipts`` (an altered or
invented log), ``log_withheld`` (a log in the receipts the node did not return) and ``owner_proof``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import rlp
from eth_utils.crypto import keccak
from trie import HexaryTrie

from ._events import DecodedLog, decode_log
from ._exceptions import NodeError
from ._models import Check
from ._rpc import Rpc

__all__ = ["TrustlessVerifier", "header_hash", "receipts_root"]

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


class TrustlessVerifier:
    """Checks what a node says about one right against a trusted block hash."""

    def __init__(self, rpc: Rpc, trusted_hash: str) -> None:
        self._rpc = rpc
        self._trusted = trusted_hash.lower()

    def verify(
        self, *, registry: str, token_id: int, logs: Sequence[DecodedLog], owner: str, from_block: int
    ) -> list[Check]:
        """The proof checks for a right whose registry logs, as the node returned them, are ``logs``."""
        anchor = self._rpc.call("eth_getBlockByHash", [self._trusted, False])
        if anchor is None:
            return [Check(name="header_chain", ok=False, detail=f"the node does not know block {self._trusted}")]
        headers, chain_check = self._linked_headers(anchor, from_block)
        checks = [chain_check]
        if not chain_check.ok:
            return checks
        checks.extend(self._log_checks(headers, registry, token_id, logs))
        checks.append(self._owner_check(anchor, registry, token_id, owner))
        return checks

    def _linked_headers(self, anchor: dict[str, Any], from_block: int) -> tuple[dict[int, dict[str, Any]], Check]:
        if "0x" + header_hash(anchor).hex() != self._trusted:
            return {}, Check(name="header_chain", ok=False, detail="the trusted block's header does not hash to it")
        top = int(anchor["number"], 16)
        numbers = list(range(from_block, top))
        blocks = self._rpc.batch([("eth_getBlockByNumber", [hex(number), False]) for number in numbers])
        headers = {number: block for number, block in zip(numbers, blocks, strict=True)}
        headers[top] = anchor
        for number in range(top, from_block, -1):
            parent = headers.get(number - 1)
            if parent is None or "0x" + header_hash(parent).hex() != headers[number]["parentHash"].lower():
                return {}, Check(
                    name="header_chain", ok=False, detail=f"block {number - 1} does not link to the trusted block"
                )
        return headers, Check(
            name="header_chain",
            ok=True,
            detail=f"{len(headers)} headers from block {from_block} link to the trusted block {self._trusted}",
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
