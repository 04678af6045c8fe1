"""The public record (``Registration.metadata``): published in ``RightRegistered`` and ``MetadataPublished``, never
stored, read back by any client with nothing but the event ABI.

A reader that has neither this project's SDK nor Brownie's event decoder must get the record's bytes back exactly:
here the logs come from ``web3.eth.get_logs`` and their data is decoded by ``eth_abi.decode`` with the types of the
event's declaration (``EVENT_ABI``, checked against the compiled ABI), and the bytes are hashed with ``hashlib``.
The record is a 301-byte canonical JSON (UTF-8) of a Chinese patent application, made by ``ipledger.public_record``
and written out here so that the test needs no SDK; its SHA-256 is the right's metadata hash.

The record is bound by the registrar's EIP-712 voucher signature and by a claimant's commitment: a record changed
by one character, dropped or lengthened makes the voucher recover to another signer and the reveal name another
commitment.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import pytest
from brownie import web3
from eth_abi import decode
from eth_utils import keccak
from registry_helpers import (
    VOUCHER_SIGNER_KEY,
    ZERO_ADDRESS,
    Voucher,
    address_of,
    commitment_for,
    now,
    recover_voucher_signer,
    reverts,
    sign_voucher,
)

#: The public record of 一种固态电池电极及其制备方法 (CN 202310123456.6, inventors 李伟 and 张敏), as
#: ``ipledger.public_record`` makes it: canonical JSON, keys sorted, no white space, UTF-8.
RECORD = (
    '{"abstract":"A solid-state battery electrode and how to make it","assignee":"宁德示例新能源科技有限公司",'
    '"filing_date":"2023-02-01","inventors":["李伟","张敏"],"jurisdiction":"CN","kind":"patent",'
    '"number":"CN 202310123456.6","title":"一种固态电池电极及其制备方法","v":1}'
).encode()
#: Its metadata hash (SHA-256), computed once, independently of the chain.
RECORD_HASH = bytes.fromhex("119e9eda8a8c56c0b003ee2b35e2ba7b3480244d824197a065b330fb2cfa6a14")

#: The record after the grant (a grant date added): what the owner publishes next.
GRANTED = (
    '{"abstract":"A solid-state battery electrode and how to make it","assignee":"宁德示例新能源科技有限公司",'
    '"filing_date":"2023-02-01","grant_date":"2025-03-04","inventors":["李伟","张敏"],"jurisdiction":"CN",'
    '"kind":"patent","number":"CN 202310123456.6","title":"一种固态电池电极及其制备方法","v":1}'
).encode()
GRANTED_HASH = bytes.fromhex("a0d8eaff987e99e038e6331898ca37262e34bf8033459d5ff3c543a2ffce248d")

SALT = b"\x5a" * 32


def _event(name: str, inputs: list[tuple[str, str, bool]]) -> dict[str, Any]:
    return {
        "type": "event",
        "name": name,
        "anonymous": False,
        "inputs": [{"name": n, "type": t, "indexed": i} for n, t, i in inputs],
    }


#: The events as IIPRegistry declares them: all a reader needs.
EVENT_ABI = {
    "RightRegistered": _event(
        "RightRegistered",
        [
            ("tokenId", "uint256", True),
            ("contentHash", "bytes32", True),
            ("registrar", "address", True),
            ("record", "uint96", False),
            ("numbers", "uint256[]", False),
            ("metadata", "bytes", False),
        ],
    ),
    "MetadataPublished": _event(
        "MetadataPublished", [("tokenId", "uint256", True), ("by", "address", True), ("metadata", "bytes", False)]
    ),
}


def _signature(event: dict[str, Any]) -> str:
    return f"{event['name']}({','.join(entry['type'] for entry in event['inputs'])})"


def read_logs(registry: Any, name: str, block: int) -> list[dict[str, Any]]:
    """The ``name`` logs of ``registry`` in ``block``, decoded from the raw logs with ``EVENT_ABI`` alone: indexed
    arguments from the topics, the others from the data."""
    event = EVENT_ABI[name]
    logs = web3.eth.get_logs(
        {
            "address": registry.address,
            "fromBlock": block,
            "toBlock": block,
            "topics": ["0x" + keccak(text=_signature(event)).hex()],
        }
    )
    decoded = []
    for log in logs:
        indexed = [entry for entry in event["inputs"] if entry["indexed"]]
        plain = [entry for entry in event["inputs"] if not entry["indexed"]]
        data = decode([entry["type"] for entry in plain], bytes(log["data"]))
        values = {entry["name"]: value for entry, value in zip(plain, data, strict=True)}
        for entry, topic in zip(indexed, log["topics"][1:], strict=True):
            values[entry["name"]] = decode([entry["type"]], bytes(topic))[0]
        decoded.append(values)
    return decoded


def registered_record(registry: Any, tx: Any) -> dict[str, Any]:
    (log,) = read_logs(registry, "RightRegistered", tx.block_number)
    return log


def assert_is_the_record(data: bytes, expected: bytes = RECORD, expected_hash: bytes = RECORD_HASH) -> None:
    """Byte-identical, the expected metadata hash, and readable as the record (UTF-8 JSON, names intact)."""
    assert data == expected
    assert hashlib.sha256(data).digest() == expected_hash
    record = json.loads(data.decode("utf-8"))
    assert record["title"] == "一种固态电池电极及其制备方法"
    assert record["inventors"] == ["李伟", "张敏"]


@pytest.fixture
def cn_registration(new_registration: Any) -> Any:
    """A CN right whose public record is ``RECORD``."""
    return new_registration(jurisdiction=b"CN", metadata=RECORD)


def test_record_fixture_is_canonical_and_about_300_bytes() -> None:
    assert len(RECORD) == 301
    assert json.dumps(json.loads(RECORD), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode() == RECORD
    assert hashlib.sha256(RECORD).digest() == RECORD_HASH


def test_event_abi_matches_the_compiled_one(registry: Any) -> None:
    compiled = {entry["name"]: entry for entry in registry.abi if entry["type"] == "event"}
    for name, event in EVENT_ABI.items():
        assert _signature(compiled[name]) == _signature(event)
        assert [(i["name"], i["indexed"]) for i in compiled[name]["inputs"]] == [
            (i["name"], i["indexed"]) for i in event["inputs"]
        ]


# ------------------------------------------------------------------------------------------ register


def test_register_publishes_the_record_byte_identical(
    registry: Any, registrar: Any, alice: Any, cn_registration: Any
) -> None:
    tx = registry.register(alice, cn_registration.as_tuple(), {"from": registrar})
    log = registered_record(registry, tx)
    assert_is_the_record(log["metadata"])
    assert log["tokenId"] == cn_registration.right_id
    assert log["contentHash"] == cn_registration.content_hash
    assert log["registrar"] == registrar.address.lower()
    assert log["numbers"] == tuple(cn_registration.numbers)


def test_register_batch_publishes_each_record(
    registry: Any, registrar: Any, alice: Any, cn_registration: Any, new_registration: Any
) -> None:
    other = new_registration(metadata=GRANTED)
    tx = registry.registerBatch(alice, [cn_registration.as_tuple(), other.as_tuple()], {"from": registrar})
    first, second = read_logs(registry, "RightRegistered", tx.block_number)
    assert (first["tokenId"], second["tokenId"]) == (cn_registration.right_id, other.right_id)
    assert_is_the_record(first["metadata"])
    assert_is_the_record(second["metadata"], GRANTED, GRANTED_HASH)


def test_register_with_an_empty_record(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    """An empty record is allowed: a right without public metadata (its hash is SHA-256 of nothing)."""
    registration = new_registration(metadata=b"")
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registered_record(registry, tx)["metadata"] == b""
    assert registry.ownerOf(registration.right_id) == alice


def test_record_is_not_stored(registry: Any, registrar: Any, alice: Any, new_registration: Any) -> None:
    """A 300-byte record and an empty one write the same number of slots: the record lives in the log alone."""

    def slots_written(registration: Any) -> int:
        tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
        trace = web3.provider.make_request(
            "debug_traceTransaction", [tx.txid, {"tracer": "prestateTracer", "tracerConfig": {"diffMode": True}}]
        )["result"]
        post = {address.lower(): state for address, state in trace["post"].items()}
        return len(post.get(registry.address.lower(), {}).get("storage", {}))

    with_record = slots_written(new_registration(jurisdiction=b"CN", metadata=RECORD))
    without = slots_written(new_registration(jurisdiction=b"CN", metadata=b""))
    assert with_record == without >= 2  # the ownership and content-hash slots at least (the trace saw them)


# ------------------------------------------------------------------------------------------ voucher


def _voucher(registry: Any, to: Any, registration: Any) -> tuple[Voucher, bytes]:
    voucher = Voucher(to=address_of(to), registration=registration, nonce=0, deadline=now() + 3600)
    signature = sign_voucher(
        VOUCHER_SIGNER_KEY, voucher, chain_id=web3.eth.chain_id, verifying_contract=address_of(registry)
    )
    return voucher, signature


def test_voucher_publishes_the_signed_record(
    registry: Any, alice: Any, voucher_signer: Any, cn_registration: Any
) -> None:
    voucher, signature = _voucher(registry, alice, cn_registration)
    tx = registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": alice})
    log = registered_record(registry, tx)
    assert_is_the_record(log["metadata"])
    assert log["registrar"] == voucher_signer.address.lower()
    assert registry.ownerOf(cn_registration.right_id) == alice


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda record: record.replace("张敏".encode(), "张明".encode()), id="one inventor's name"),
        pytest.param(lambda record: record.replace(b'"v":1', b'"v":2'), id="one ascii byte"),
        pytest.param(lambda record: GRANTED, id="another record"),
        pytest.param(lambda record: record + b" ", id="one byte appended"),
        pytest.param(lambda record: record[:-1], id="one byte cut"),
        pytest.param(lambda record: b"", id="record dropped"),
    ],
)
def test_voucher_with_a_changed_record_is_refused(registry: Any, alice: Any, cn_registration: Any, change: Any) -> None:
    """A submitter cannot publish another record under the registrar's signature: the record is in the EIP-712
    struct hash, so the changed voucher recovers to some other signer, which holds no registrar role."""
    voucher, signature = _voucher(registry, alice, cn_registration)
    changed = replace(voucher, registration=replace(cn_registration, metadata=change(RECORD)))
    assert changed.registration.metadata != RECORD
    signer = recover_voucher_signer(
        changed, signature, chain_id=web3.eth.chain_id, verifying_contract=address_of(registry)
    )
    with reverts("InvalidVoucherSigner", signer):
        registry.registerWithVoucher(changed.as_tuple(), signature, {"from": alice})
    assert registry.nonces(alice) == 0  # nothing consumed: the honest voucher still works
    tx = registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": alice})
    assert_is_the_record(registered_record(registry, tx)["metadata"])


def test_voucher_with_an_empty_record(registry: Any, alice: Any, new_registration: Any) -> None:
    registration = new_registration(metadata=b"")
    voucher, signature = _voucher(registry, alice, registration)
    tx = registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": alice})
    assert registered_record(registry, tx)["metadata"] == b""


# ------------------------------------------------------------------------------------------ commit-reveal


def test_commitment_binds_the_record(registry: Any, alice: Any, cn_registration: Any) -> None:
    on_chain = registry.commitmentFor(alice, cn_registration.as_tuple(), SALT)
    assert bytes(on_chain) == commitment_for(alice, cn_registration, SALT)
    other = replace(cn_registration, metadata=GRANTED)
    assert bytes(registry.commitmentFor(alice, other.as_tuple(), SALT)) != bytes(on_chain)


def test_reveal_publishes_the_committed_record(registry: Any, alice: Any, cn_registration: Any) -> None:
    registry.commit(commitment_for(alice, cn_registration, SALT), {"from": alice})
    tx = registry.reveal(cn_registration.as_tuple(), SALT, {"from": alice})
    log = registered_record(registry, tx)
    assert_is_the_record(log["metadata"])
    assert log["registrar"] == ZERO_ADDRESS.lower()
    assert registry.ownerOf(cn_registration.right_id) == alice


@pytest.mark.parametrize(
    "changed_record",
    [
        pytest.param(RECORD.replace("李伟".encode(), "李玮".encode()), id="one inventor's name"),
        pytest.param(GRANTED, id="another record"),
        pytest.param(b"", id="record dropped"),
    ],
)
def test_reveal_with_a_changed_record_is_refused(
    registry: Any, alice: Any, cn_registration: Any, changed_record: bytes
) -> None:
    """The claimant committed to the record: revealing another one names a commitment nobody made, and the honest
    reveal still goes through afterwards."""
    registry.commit(commitment_for(alice, cn_registration, SALT), {"from": alice})
    changed = replace(cn_registration, metadata=changed_record)
    with reverts("UnknownCommitment", commitment_for(alice, changed, SALT)):
        registry.reveal(changed.as_tuple(), SALT, {"from": alice})
    tx = registry.reveal(cn_registration.as_tuple(), SALT, {"from": alice})
    assert_is_the_record(registered_record(registry, tx)["metadata"])


def test_front_runner_cannot_reveal_a_claim_with_its_own_record(
    registry: Any, alice: Any, attacker: Any, cn_registration: Any
) -> None:
    """Seeing the claimant's reveal, an attacker replays it with another record: the commitment binds the claimant
    and the record, so neither his address nor his record matches."""
    registry.commit(commitment_for(alice, cn_registration, SALT), {"from": alice})
    forged = replace(cn_registration, metadata=GRANTED)
    for claimant, registration in ((attacker, forged), (attacker, cn_registration), (alice, forged)):
        with reverts("UnknownCommitment", commitment_for(claimant, registration, SALT)):
            registry.reveal(registration.as_tuple(), SALT, {"from": claimant})


# ------------------------------------------------------------------------------------------ publishMetadata


@pytest.fixture
def right(registry: Any, registrar: Any, alice: Any, cn_registration: Any) -> int:
    """``cn_registration`` registered to ``alice``."""
    registry.register(alice, cn_registration.as_tuple(), {"from": registrar})
    return int(cn_registration.right_id)


def _published(registry: Any, tx: Any) -> dict[str, Any]:
    (log,) = read_logs(registry, "MetadataPublished", tx.block_number)
    return log


@pytest.mark.parametrize("caller", ["owner", "registrar"])
def test_publish_metadata_publishes_the_record_byte_identical(
    registry: Any, right: int, alice: Any, registrar: Any, caller: str
) -> None:
    sender = {"owner": alice, "registrar": registrar}[caller]
    tx = registry.publishMetadata(right, GRANTED, {"from": sender})
    log = _published(registry, tx)
    assert (log["tokenId"], log["by"]) == (right, sender.address.lower())
    assert_is_the_record(log["metadata"], GRANTED, GRANTED_HASH)
    # ERC-4906: MetadataUpdate(tokenId) follows, so marketplaces refresh.
    assert [event.name for event in tx.events if event.name != "HistoryLinked"] == [
        "MetadataPublished",
        "MetadataUpdate",
    ]
    assert tx.events["MetadataUpdate"]["_tokenId"] == right


def test_publish_metadata_empty_record_allowed(registry: Any, right: int, alice: Any) -> None:
    tx = registry.publishMetadata(right, b"", {"from": alice})
    assert _published(registry, tx)["metadata"] == b""


def test_publish_metadata_by_stranger_refused(registry: Any, right: int, stranger: Any) -> None:
    with reverts("NotTokenOwner", stranger, right):
        registry.publishMetadata(right, GRANTED, {"from": stranger})


def test_publish_metadata_by_frozen_owner_refused_registrar_allowed(
    registry: Any, right: int, alice: Any, registrar: Any
) -> None:
    registry.freeze(right, b"\x0c" * 32, {"from": registrar})
    with reverts("TokenIsFrozen", right):
        registry.publishMetadata(right, GRANTED, {"from": alice})
    tx = registry.publishMetadata(right, GRANTED, {"from": registrar})
    assert_is_the_record(_published(registry, tx)["metadata"], GRANTED, GRANTED_HASH)


def test_publish_metadata_by_disputed_owner_refused_registrar_allowed(
    registry: Any, right: int, alice: Any, registrar: Any, admin: Any, carol: Any
) -> None:
    """What a dispute is about is not rewritten by its owner while the dispute is open (as addNumbers refuses)."""
    registry.grantRole(keccak(text="DISPUTE_ROLE"), carol, {"from": admin})
    registry.setLock(right, True, ZERO_ADDRESS, b"\xd1" * 32, {"from": carol})
    with reverts("RightDisputed", right):
        registry.publishMetadata(right, GRANTED, {"from": alice})
    tx = registry.publishMetadata(right, GRANTED, {"from": registrar})
    assert_is_the_record(_published(registry, tx)["metadata"], GRANTED, GRANTED_HASH)
    registry.setLock(right, False, ZERO_ADDRESS, b"\xd1" * 32, {"from": carol})
    registry.publishMetadata(right, GRANTED, {"from": alice})


@pytest.mark.parametrize("caller", ["owner", "registrar"])
def test_publish_metadata_while_paused_refused(
    registry: Any, right: int, alice: Any, registrar: Any, guardian: Any, caller: str
) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        registry.publishMetadata(right, GRANTED, {"from": {"owner": alice, "registrar": registrar}[caller]})
