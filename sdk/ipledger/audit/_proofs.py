"""Trustless verification: a right's owner, flags and whole history proven against trusted block hashes.

Given one or more trusted block hashes (checkpoints), the latest checkpoint's header is rebuilt and hashed, and
``eth_getProof`` proves two words of the registry's storage against its state root: the right's ownership word
(owner and every flag of its record) and its history word (``IRightHistory``: the head of a hash chain over every
event of the right and the block of the latest). From that block the verifier walks back through the
``HistoryLinked`` pointers, one ``eth_getLogs`` of one block per block with events, recomputes the chain from the
logs the node returns and compares it with the proven head: a withheld, altered, reordered or invented event, or a
lie about a block's timestamp, changes the head. The cost grows with the right's events, not with the chain.

Every earlier checkpoint's proven history word must be a state the chain passed through: checkpoints that disagree
raise :class:`~ipledger.CheckpointError`.

The findings are named checks: ``checkpoint``, ``state_proof``, ``history``, ``owner_proof`` and ``chain_id``. A
failing one means the node's answers could not be proven (the verdict is ``inconclusive``), not that the right is
bad. See docs/trustless.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Protocol

import rlp
from eth_abi.exceptions import DecodingError
from eth_utils.crypto import keccak
from trie import HexaryTrie

from ipledger._artifacts import load_artifact
from ipledger._exceptions import CheckpointError, InvalidInputError, NodeError
from ipledger.audit._history_chain import HistoryWord, chain_head, history_slot, linked_tokens
from ipledger.chain._eip712 import REGISTRY_DOMAIN, domain_separator
from ipledger.chain._events import CUSTODY_EVENTS, TOPIC_OF, DecodedLog, decode_log
from ipledger.chain._roles import DISPUTE_ROLE, PLEDGE_ROLE, VERIFIER_ROLE
from ipledger.models._models import Check

__all__ = [
    "PROOF_CHECKS",
    "ProofError",
    "ProvenRight",
    "TrustlessVerifier",
    "checkpoint_hashes",
    "header_hash",
    "owner_slot",
]

#: Checks whose failure means the node's answers could not be proven (verdict ``inconclusive``).
PROOF_CHECKS = frozenset(
    {
        "checkpoint",
        "state_proof",
        "history",
        "owner_proof",
        "chain_id",
        "cap_table_proof",
        "rights_in_use",
        "number_proof",
        "modules",
    }
)

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
_HISTORY_LINKED = TOPIC_OF["HistoryLinked"]
_EMPTY_CODE_HASH = keccak(b"")


class ProofRpc(Protocol):
    """What the verifier asks of a node: single requests and batches (a live node, or a recorded bundle)."""

    @property
    def endpoint(self) -> str | None: ...

    def call(self, method: str, params: Sequence[Any]) -> Any: ...

    def batch(self, requests_: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]: ...


def _bytes(value: str) -> bytes:
    return bytes.fromhex(value[2:])


def header_hash(block: Mapping[str, Any]) -> bytes:
    """The keccak of the RLP-encoded header rebuilt from a JSON-RPC block."""
    fields: list[Any] = []
    for name in _HEADER_FIELDS:
        if name in block and block[name] is not None:
            fields.append(int(block[name], 16) if name in _INTEGER_FIELDS else _bytes(block[name]))
    return bytes(keccak(rlp.encode(fields)))


def owner_slot(token_id: int) -> int:
    """The storage slot of a token's ownership word in Solady's ERC721 layout."""
    seeded = token_id.to_bytes(32, "big")[:28] + _SOLADY_SEED_PREFIX
    return (2 * token_id + int.from_bytes(keccak(seeded), "big")) % 2**256


#: Solady ERC20's total supply slot and balance slot seed (the share token is a Solady ERC20).
_TOTAL_SUPPLY_SLOT = 0x05345CDF77EB68F44C
_BALANCE_SLOT_SEED = bytes.fromhex("87a211a2")


def balance_slot(account: str) -> int:
    """The storage slot of an account's balance in Solady's ERC20 layout."""
    return int.from_bytes(keccak(_bytes(account) + bytes(8) + _BALANCE_SLOT_SEED), "big")


#: OpenZeppelin AccessControl's ``_roles`` mapping is the registry's first storage slot (slot 0).
_ROLES_SLOT = 0


def role_slot(role: bytes, account: str) -> int:
    """The storage slot of ``hasRole[role][account]`` in OpenZeppelin's AccessControl (``_roles`` at slot 0)."""
    base = keccak(role + _ROLES_SLOT.to_bytes(32, "big"))
    return int.from_bytes(keccak(_bytes(account).rjust(32, b"\0") + base), "big")


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


def _decode(raw: Mapping[str, Any], block: int) -> DecodedLog | None:
    """A log the node returned, decoded; ``None`` when it is not one this SDK knows or does not decode (a node's
    garbage is the history check's to catch, not an exception's)."""
    try:
        return decode_log({**raw, "blockNumber": hex(block)})
    except (NodeError, DecodingError, ValueError, KeyError, TypeError, IndexError):
        return None


def _number(block: Mapping[str, Any]) -> int:
    return int(block["number"], 16)


def _slot_hex(slot: int) -> str:
    return "0x" + slot.to_bytes(32, "big").hex()  # hex(slot) drops leading zeros: nodes want 32 bytes


class ProofError(NodeError):
    """A proof the node returned does not verify against the trusted state root."""


class _ProofError(Exception):
    """A proof that does not verify, inside the verifier (turned into a named check or a :class:`ProofError`)."""


@dataclass(frozen=True)
class _Account:
    code_hash: bytes
    storage: dict[int, int]


def _verified_account(state_root: bytes, address: str, slots: Sequence[int], proof: Mapping[str, Any]) -> _Account:
    """The account's code hash and the values of ``slots``, each checked against ``state_root``."""
    try:
        account_rlp = HexaryTrie.get_from_proof(
            state_root, keccak(_bytes(address)), [rlp.decode(_bytes(node)) for node in proof["accountProof"]]
        )
        if not account_rlp:
            raise _ProofError(f"no account at {address} in the trusted state")
        _, _, storage_root, code_hash = rlp.decode(account_rlp)
        storage: dict[int, int] = {}
        answers = {int(entry["key"], 16): entry for entry in proof["storageProof"]}
        for slot in slots:
            entry = answers.get(slot)
            if entry is None:
                raise _ProofError(f"no proof of slot {_slot_hex(slot)}")
            value_rlp = HexaryTrie.get_from_proof(
                storage_root, keccak(slot.to_bytes(32, "big")), [rlp.decode(_bytes(node)) for node in entry["proof"]]
            )
            value = int.from_bytes(rlp.decode(value_rlp), "big") if value_rlp else 0
            if int(entry.get("value", "0x0"), 16) != value:
                raise _ProofError("the node's storage value differs from its own proof")
            storage[slot] = value
    except _ProofError:
        raise
    except (KeyError, IndexError, ValueError, TypeError, rlp.DecodingError) as exc:
        raise _ProofError(f"the state proof does not verify: {type(exc).__name__}") from None
    except Exception as exc:  # noqa: BLE001 - py-trie raises its own errors for forged proofs
        raise _ProofError(f"the state proof does not verify: {type(exc).__name__}") from None
    return _Account(code_hash=bytes(code_hash), storage=storage)


@dataclass
class ProvenRight:
    """What the verifier proved about one right as of the latest checkpoint.

    ``word`` (the ownership word: owner in the low 160 bits, the record's flags above) and ``logs`` (every registry
    event of the right, authenticated by the history chain) are ``None`` when they could not be proven; ``checks``
    says why.
    """

    block: int
    timestamp: int
    checks: list[Check] = field(default_factory=list)
    word: int | None = None
    logs: list[DecodedLog] | None = None
    code_hash: bytes | None = None
    #: The contracts whose history was proven: the registry first, then the modules.
    contracts: list[str] = field(default_factory=list)
    #: The proven code hash of each of them (lower-case address).
    code_hashes: dict[str, bytes] = field(default_factory=dict)
    #: The time of each block that holds a proven event (each is in the hash chain).
    timestamps: dict[int, int] = field(default_factory=dict)

    @property
    def proven(self) -> bool:
        return all(check.ok for check in self.checks)


@dataclass(frozen=True)
class _Walk:
    blocks: list[tuple[int, int, list[dict[str, Any]]]]
    problem: str | None


def _hashed(walk: _Walk) -> list[HistoryWord]:
    """The history states the walk's logs hash to; none when a log is not even hex (the node's garbage: the
    comparison with the proven word then fails, as for any other lie)."""
    try:
        return chain_head(walk.blocks)
    except (ValueError, TypeError, KeyError):
        return []


class TrustlessVerifier:
    """Proves what a node says about one right against one or more trusted block hashes (checkpoints)."""

    def __init__(self, rpc: ProofRpc, trusted: str | Sequence[str]) -> None:
        self._rpc = rpc
        self._hashes = checkpoint_hashes(trusted)
        self._checkpoints: list[tuple[str, dict[str, Any]]] | None = None

    @property
    def checkpoints(self) -> list[tuple[str, dict[str, Any]]]:
        """Each trusted hash with its block as the node returns it, oldest first (fetched once).

        Raises :class:`~ipledger.NodeError` naming a trusted block the node does not know, and
        :class:`~ipledger.CheckpointError` for two checkpoints at one height.
        """
        if self._checkpoints is None:
            blocks = self._rpc.batch([("eth_getBlockByHash", [value, False]) for value in self._hashes])
            for value, block in zip(self._hashes, blocks, strict=True):
                if block is None:
                    raise NodeError(f"the node does not know the trusted block {value}", endpoint=self._rpc.endpoint)
            pairs = sorted(zip(self._hashes, blocks, strict=True), key=lambda pair: _number(pair[1]))
            for (earlier, lower), (later, upper) in pairwise(pairs):
                if _number(lower) == _number(upper):
                    raise CheckpointError(
                        earlier=earlier,
                        earlier_block=_number(lower),
                        later=later,
                        later_block=_number(upper),
                        ancestor=later,
                    )
            self._checkpoints = pairs
        return self._checkpoints

    @property
    def block(self) -> int:
        """The latest checkpoint's number: the block the right is verified as of."""
        return _number(self.checkpoints[-1][1])

    @property
    def timestamp(self) -> int:
        """The latest checkpoint's time (unix seconds), from its header: the time the right is judged at."""
        return int(self.checkpoints[-1][1]["timestamp"], 16)

    def prove(self, *, registry: str, token_id: int, modules: Sequence[str] = ()) -> ProvenRight:
        """The right's ownership word and its events in the registry and in each of ``modules`` (contracts that keep
        a history commitment: licences, attestations, disputes, the share vault), proven against the latest
        checkpoint.

        Raises :class:`~ipledger.CheckpointError` when an earlier checkpoint's proven history is not one the latest
        passed through (the checkpoints are not on one chain).
        """
        proven = ProvenRight(block=self.block, timestamp=self.timestamp)
        forged = next((value for value, block in self.checkpoints if "0x" + header_hash(block).hex() != value), None)
        if forged is not None:
            proven.checks.append(
                Check(name="checkpoint", ok=False, detail=f"the header of trusted block {forged} does not hash to it")
            )
            return proven
        proven.checks.append(
            Check(
                name="checkpoint",
                ok=True,
                detail=f"the header of block {self.block} hashes to the trusted {self.checkpoints[-1][0]}",
            )
        )
        proven.contracts = [registry, *modules]
        words: dict[str, list[HistoryWord]] = {}
        for address in proven.contracts:
            slots = [owner_slot(token_id), history_slot(token_id)] if address == registry else [history_slot(token_id)]
            words[address] = []
            for value, block in self.checkpoints:
                try:
                    account = self._account(address, slots, block)
                except _ProofError as failure:
                    proven.checks.append(
                        Check(name="state_proof", ok=False, detail=f"{address} at the trusted block {value}: {failure}")
                    )
                    return proven
                words[address].append(HistoryWord.from_word(account.storage[slots[-1]]))
                proven.code_hashes[address.lower()] = account.code_hash
                if address == registry:
                    proven.word = account.storage[slots[0]]
                    proven.code_hash = account.code_hash
        proven.checks.append(
            Check(
                name="state_proof",
                ok=True,
                detail=f"eth_getProof proves the right's ownership word and the history words of "
                f"{len(proven.contracts)} contract(s) against the state root of block {self.block}",
            )
        )
        logs: list[DecodedLog] = []
        walked = 0
        for address in proven.contracts:
            walk = self._walk(address, token_id, words[address][-1])
            states = _hashed(walk)
            if walk.problem is None and (states[-1] if states else HistoryWord(0, 0)) != words[address][-1]:
                walk = _Walk(
                    walk.blocks,
                    f"the events of {address} the node returned do not hash to the proven commitment: an event of the "
                    "right was withheld, altered, reordered or invented, or a block's time was changed",
                )
            if walk.problem is not None:
                proven.checks.append(Check(name="history", ok=False, detail=walk.problem))
                return proven
            self._check_earlier_checkpoints(words[address], states)
            walked += len(walk.blocks)
            proven.timestamps.update((number, stamp) for number, stamp, _ in walk.blocks)
            logs.extend(
                decoded
                for number, _, raw_logs in walk.blocks
                for raw in raw_logs
                if (decoded := _decode(raw, number)) is not None
            )
        proven.logs = sorted(logs, key=lambda log: (log.block, log.log_index))
        proven.checks.append(
            Check(
                name="history",
                ok=True,
                detail=f"{len(logs)} event(s) in {walked} block(s) hash to the history commitments proven at block "
                f"{self.block}"
                if logs
                else f"no event of the right up to block {self.block} (proven empty history)",
            )
        )
        return proven

    def owner_check(self, proven: ProvenRight, claimed: str | None) -> Check:
        """The owner the node reported (``None``: none, a revoked right) beside the one proven from the word."""
        word = proven.word or 0
        owner = "0x" + (word & (2**160 - 1)).to_bytes(20, "big").hex()
        reported = (claimed or "0x" + "0" * 40).lower()
        ok = owner == reported
        return Check(
            name="owner_proof",
            ok=ok,
            detail=f"the proven ownership word names {owner}, as the node reports"
            if ok
            else f"the node reports the owner {reported}, the proven word names {owner}",
        )

    def proven_history(self, address: str, token_id: int, word: HistoryWord) -> list[tuple[int, int, dict[str, Any]]]:
        """The right's raw logs in ``address``, found from the proven ``word`` and checked to hash to it: ``(block,
        timestamp, log)`` in chain order. Raises :class:`ProofError` when the node's events do not."""
        walk = self._walk(address, token_id, word)
        states = _hashed(walk)
        if walk.problem is not None:
            raise ProofError(f"{address}: {walk.problem}")
        if (states[-1] if states else HistoryWord(0, 0)) != word:
            raise ProofError(f"{address}: the node's events of the right do not hash to the proven commitment")
        return [(number, stamp, log) for number, stamp, logs in walk.blocks for log in logs]

    def history_words(self, contracts: Sequence[str], token_id: int) -> dict[str, HistoryWord]:
        """Each contract's history word of the right, proven at the latest checkpoint (by lower-case address).

        Raises :class:`ProofError` naming the contract whose proof does not verify."""
        words = {}
        for address in contracts:
            try:
                account = self._account(address, [history_slot(token_id)], self.checkpoints[-1][1])
            except _ProofError as failure:
                raise ProofError(f"{address}: {failure}") from None
            words[address.lower()] = HistoryWord.from_word(account.storage[history_slot(token_id)])
        return words

    def modules_check(self, proven: ProvenRight, registry: str, modules: Mapping[str, str]) -> Check:
        """The modules whose histories were proven (``modules``: role -> address; roles ``licenses``,
        ``attestations``, ``disputes``, ``vault``, ``loans``) are this registry's: each runs the shipped code (its code,
        from the node, hashes to the proven code hash) with this registry among its immutables; the attestation
        registry, the dispute manager and the loan desk hold the registry's verifier, dispute and pledge roles (proven
        registry storage); the licence
        registry is the one the share vault's royalty vault names (both in proven code). So a node cannot swap in a
        contract of its own, or another deployment, with an empty history."""
        artifacts = {
            "licenses": "LicenseRegistry",
            "attestations": "AttestationRegistry",
            "disputes": "DisputeManager",
            "vault": "FractionVault",
            "loans": "LoanDesk",
        }
        problems: list[str] = []
        immutables: dict[str, set[bytes]] = {}
        for role, address in modules.items():
            code_hash = proven.code_hashes.get(address.lower())
            found = self._shipped_immutables(address, artifacts[role], code_hash)
            if found is None or _bytes(registry).rjust(32, b"\0") not in found:
                problems.append(f"the {role} contract {address} is not the shipped {artifacts[role]} of this registry")
                continue
            immutables[role] = found
        roles = {"attestations": VERIFIER_ROLE, "disputes": DISPUTE_ROLE, "loans": PLEDGE_ROLE}
        wanted = {role: role_slot(roles[role], modules[role]) for role in roles if role in modules}
        if wanted:
            try:
                account = self._account(registry, list(wanted.values()), self.checkpoints[-1][1])
            except _ProofError as failure:
                return Check(name="modules", ok=False, detail=f"the registry's roles: {failure}")
            for role, slot in wanted.items():
                if account.storage[slot] != 1:
                    problems.append(f"the {role} contract {modules[role]} does not hold the registry's role")
        if "licenses" in modules:
            problems.extend(self._licences_bound(modules, immutables))
        if problems:
            return Check(name="modules", ok=False, detail="; ".join(problems))
        named = ", ".join(f"{role} {address}" for role, address in modules.items()) or "none attached"
        return Check(name="modules", ok=True, detail=f"the modules proven are this registry's: {named}")

    def _shipped_immutables(self, address: str, artifact_name: str, code_hash: bytes | None) -> set[bytes] | None:
        """The immutable values of the code at ``address`` if it hashes to the proven ``code_hash`` and is the shipped
        ``artifact_name`` (immutables aside); ``None`` otherwise."""
        if code_hash is None:
            return None
        code = bytes.fromhex(str(self._rpc.call("eth_getCode", [address, hex(self.block)]))[2:])
        artifact = load_artifact(artifact_name)
        if bytes(keccak(code)) != code_hash or not artifact.runtime_matches(code):
            return None
        return {
            code[span["start"] : span["start"] + span["length"]]
            for group in artifact.immutable_references.values()
            for span in group
        }

    def _licences_bound(self, modules: Mapping[str, str], immutables: Mapping[str, set[bytes]]) -> list[str]:
        """The licence registry is bound through the share vault: the vault's royalty vault (an immutable of the
        vault's proven code, itself a shipped RoyaltyVault) names it among its immutables."""
        licences = modules["licenses"]
        if "vault" not in immutables:
            return [
                f"the licence registry {licences} is bound to the registry through the share vault: attach the vault"
            ]
        for candidate in sorted(immutables["vault"]):
            address = "0x" + candidate[-20:].hex()
            if candidate[:12] != bytes(12) or address.lower() in (licences.lower(), modules["vault"].lower()):
                continue
            try:
                account = self._account(address, [], self.checkpoints[-1][1])
            except _ProofError:
                continue
            royalty = self._shipped_immutables(address, "RoyaltyVault", account.code_hash)
            if royalty is not None and _bytes(licences).rjust(32, b"\0") in royalty:
                return []
        return [f"the licence registry {licences} is not the one the share vault's royalty vault names"]

    def cap_table_check(self, proven: ProvenRight, share_token: str, holders: Mapping[str, int]) -> Check:
        """The cap table the node reports (``holders``: account -> balance) against the share token's state at the
        checkpoint: the share token is the one the proven history fractionalized the right into, each balance is
        proven, and the proven balances add up to the proven total supply (so no holder is missing)."""
        created = [log for log in proven.logs or [] if log.name in CUSTODY_EVENTS]
        if not created or created[-1].name != "Fractionalized":
            return Check(name="cap_table_proof", ok=False, detail="the proven history holds no live fractionalization")
        expected = str(created[-1].args["shareToken"]).lower()
        if expected != share_token.lower():
            return Check(
                name="cap_table_proof",
                ok=False,
                detail=f"the node names the share token {share_token}, the proven history {expected}",
            )
        accounts = sorted({account.lower() for account in holders})
        if len(accounts) != len(holders):
            return Check(name="cap_table_proof", ok=False, detail="the cap table lists a holder twice")
        holders = {account.lower(): balance for account, balance in holders.items()}
        slots = [_TOTAL_SUPPLY_SLOT, *(balance_slot(account) for account in accounts)]
        try:
            account = self._account(share_token, slots, self.checkpoints[-1][1])
        except _ProofError as failure:
            return Check(name="cap_table_proof", ok=False, detail=f"share token {share_token}: {failure}")
        supply = account.storage[_TOTAL_SUPPLY_SLOT]
        wrong = [
            f"{holder}: the node says {holders[holder]}, proven {account.storage[slot]}"
            for holder, slot in zip(accounts, slots[1:], strict=True)
            if account.storage[slot] != holders[holder]
        ]
        total = sum(account.storage[slot] for slot in slots[1:])
        if wrong or total != supply:
            missing = [] if total == supply else [f"proven balances add up to {total} of a proven supply of {supply}"]
            return Check(name="cap_table_proof", ok=False, detail="; ".join([*wrong, *missing]))
        return Check(
            name="cap_table_proof",
            ok=True,
            detail=f"{len(accounts)} holder balance(s) proven at block {self.block}, adding up to the proven supply "
            f"{supply}",
        )

    def _account(self, address: str, slots: Sequence[int], block: Mapping[str, Any]) -> _Account:
        try:
            proof = self._rpc.call("eth_getProof", [address, [_slot_hex(slot) for slot in slots], block["number"]])
        except NodeError as exc:
            raise NodeError(
                f"cannot prove state at block {_number(block)}: {exc} (the node needs eth_getProof and the state of "
                "that block)",
                endpoint=self._rpc.endpoint,
            ) from None
        if not isinstance(proof, Mapping):
            raise _ProofError("the node returned no proof")
        return _verified_account(_bytes(block["stateRoot"]), address, slots, proof)

    def _walk(self, registry: str, token_id: int, latest: HistoryWord) -> _Walk:
        """The right's linked logs, block by block from the proven latest block back along ``HistoryLinked``."""
        blocks: list[tuple[int, int, list[dict[str, Any]]]] = []
        current = latest.last_block
        token_topic = "0x" + token_id.to_bytes(32, "big").hex()
        while current:
            if current > self.block or (blocks and current >= blocks[-1][0]):
                return _Walk(blocks, f"the history's link to block {current} does not go back in the chain")
            raw, header = self._rpc.batch(
                [
                    ("eth_getLogs", [{"address": registry, "fromBlock": hex(current), "toBlock": hex(current)}]),
                    ("eth_getBlockByNumber", [hex(current), False]),
                ]
            )
            if not isinstance(raw, list) or not isinstance(header, Mapping):
                return _Walk(blocks, f"the node returned no logs or header for block {current}")
            try:
                ordered = sorted(
                    (log for log in raw if str(log.get("address", "")).lower() == registry.lower()),
                    key=lambda log: int(log["logIndex"], 16),
                )
                linked: list[dict[str, Any]] = []
                previous = 0
                for log in ordered:
                    topics = [str(topic).lower() for topic in log.get("topics") or []]
                    if topics[:2] == [_HISTORY_LINKED, token_topic]:
                        decoded = decode_log({**log, "blockNumber": hex(current)})
                        previous = int(decoded.args["previousBlock"]) if decoded is not None else 0
                        continue
                    decoded = decode_log({**log, "blockNumber": hex(current)})
                    if decoded is not None and token_id in linked_tokens(decoded):
                        linked.append(log)
                timestamp = int(header["timestamp"], 16)
            except (NodeError, DecodingError, KeyError, TypeError, ValueError, AttributeError) as exc:
                # The registry emits only well-formed logs: one that does not decode is not one it emitted.
                return _Walk(
                    blocks,
                    f"the node returned a malformed log or header for block {current} ({type(exc).__name__}): not "
                    "what the registry emitted",
                )
            blocks.append((current, timestamp, linked))
            current = previous
        blocks.reverse()
        return _Walk(blocks, None)

    def _check_earlier_checkpoints(self, words: Sequence[HistoryWord], states: Sequence[HistoryWord]) -> None:
        """Each earlier checkpoint's proven word must be exactly the state the latest checkpoint's chain had at that
        checkpoint's block: its last state at or before that block (none yet: the empty word)."""
        latest_hash, latest_block = self.checkpoints[-1]
        for (value, block), word in zip(self.checkpoints[:-1], words[:-1], strict=True):
            expected = next(
                (state for state in reversed(states) if state.last_block <= _number(block)), HistoryWord(0, 0)
            )
            if word != expected:
                raise CheckpointError(
                    earlier=value,
                    earlier_block=_number(block),
                    later=latest_hash,
                    later_block=_number(latest_block),
                )


def code_check(proven: ProvenRight, code: bytes, *, matches_artifact: bool) -> Check:
    """The registry's runtime code: the node's copy hashes to the proven code hash and is the shipped artifact."""
    if proven.code_hash is None:
        return Check(name="registry_code", ok=False, detail="the registry's code hash could not be proven")
    if bytes(keccak(code)) != proven.code_hash or proven.code_hash == _EMPTY_CODE_HASH:
        return Check(
            name="state_proof",
            ok=False,
            detail="the registry code the node returned does not hash to the proven code hash",
        )
    return Check(
        name="registry_code",
        ok=matches_artifact,
        detail="the proven runtime code matches the shipped IPRegistry artifact"
        if matches_artifact
        else "the proven runtime code differs from the shipped artifact: not the registry this SDK ships",
    )


def chain_id_check(code: bytes, *, claimed: int, registry: str, immutable_spans: Iterable[tuple[int, int]]) -> Check:
    """The chain id the node claims is the one the proven registry code was deployed for: EIP-712 caches the chain
    id and the domain separator (which hashes it with the registry's address) in the code's immutables."""
    values = {code[start : start + length] for start, length in immutable_spans}
    domain = domain_separator(REGISTRY_DOMAIN, chain_id=claimed, contract=registry)
    ok = claimed.to_bytes(32, "big") in values and bytes(domain) in values
    return Check(
        name="chain_id",
        ok=ok,
        detail=f"the proven registry code was deployed for chain {claimed}, the chain the node claims"
        if ok
        else f"the node claims chain {claimed}, but the proven registry code was deployed for another chain",
    )
