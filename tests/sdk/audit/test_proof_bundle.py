"""Proof bundles: a trusted verify writes everything its verdict rests on, and the bundle is re-checked offline
against a trusted block hash with no node; an altered bundle fails as a lying node does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ipledger import InvalidInputError, IPMetadata, Ledger, NodeError, NodeInfo, verify_bundle
from ipledger.chain._events import TOPIC_OF
from rpc_proxy import lying_proxy

Patent = tuple[IPMetadata, list[Path]]


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


@pytest.fixture
def bundle(ledger: Ledger, patent: Patent, tmp_path: Path) -> tuple[Path, str, int]:
    token = ledger.register(*patent, to="dev1").token_id
    ledger.use("dev1").rights.transfer(token, "dev2")
    ledger.rights.freeze(token, b"\x01" * 32)
    checkpoint = _head_hash(ledger)
    path = tmp_path / "proof.json"
    report = ledger.verify(token, trust_block_hash=checkpoint, bundle=path)
    assert report.verdict == "failed"  # frozen: a finding, proven
    return path, checkpoint, token


def test_a_bundle_is_rechecked_offline(bundle: tuple[Path, str, int]) -> None:
    path, checkpoint, token = bundle
    result = verify_bundle(path, checkpoint)
    assert result.verdict == "verified" and result.token_id == token
    assert {check.name for check in result.checks} >= {
        "checkpoint",
        "state_proof",
        "history",
        "registry_code",
        "chain_id",
    }
    assert result.events >= 4


def test_a_bundle_needs_the_auditors_checkpoint(bundle: tuple[Path, str, int]) -> None:
    path, _, _ = bundle
    with pytest.raises(NodeError, match="the bundle holds no answer"):
        verify_bundle(path, "0x" + "ab" * 32)


def _tamper(path: Path, method: str, change: object, where: Callable[[Any], bool] = bool) -> None:
    """Changes the bundle's first answer to ``method`` that ``where`` accepts (default: the first not empty)."""
    payload = json.loads(path.read_text("utf-8"))
    for key, answer in payload["answers"].items():
        if json.loads(key)[0] == method and answer and where(answer):
            payload["answers"][key] = change(answer)  # type: ignore[operator]
            break
    path.write_text(json.dumps(payload), "utf-8")


def test_an_altered_event_in_a_bundle_is_caught(bundle: tuple[Path, str, int]) -> None:
    path, checkpoint, _ = bundle

    def alter(logs: list[dict[str, str]]) -> list[dict[str, str]]:
        return [{**log, "data": log["data"][:-1] + ("0" if log["data"][-1] != "0" else "1")} for log in logs]

    _tamper(path, "eth_getLogs", alter)
    result = verify_bundle(path, checkpoint)
    assert result.verdict == "inconclusive"
    assert [check.name for check in result.checks if not check.ok] == ["history"]


def test_an_altered_storage_proof_in_a_bundle_is_caught(bundle: tuple[Path, str, int]) -> None:
    path, checkpoint, _ = bundle

    def alter(proof: dict[str, object]) -> dict[str, object]:
        storage = [dict(entry) for entry in proof["storageProof"]]  # type: ignore[attr-defined]
        storage[0]["value"] = "0x1"
        return {**proof, "storageProof": storage}

    _tamper(path, "eth_getProof", alter, where=lambda proof: bool(proof["storageProof"]))
    result = verify_bundle(path, checkpoint)
    assert result.verdict == "inconclusive"
    assert [check.name for check in result.checks if not check.ok] == ["state_proof"]


def test_a_file_that_is_not_a_bundle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text("{}", "utf-8")
    with pytest.raises(InvalidInputError, match="not an ipledger proof bundle"):
        verify_bundle(path, "0x" + "ab" * 32)


LIES = [
    ("drop", "Assigned", "", "history"),
    ("alter", "Frozen", "", "history"),
    ("invent", "Frozen", "Unfrozen", "history"),
    ("reorder", "Assigned", "", "history"),
    ("storage", "", "", "state_proof"),
    ("proof", "", "", "state_proof"),
]


@pytest.mark.parametrize(("lie", "event", "invent_as", "caught_by"), LIES, ids=[lie for lie, *_ in LIES])
def test_a_bundle_made_through_a_lying_node_fails_offline(
    anvil_node: NodeInfo,
    ledger: Ledger,
    patent: Patent,
    tmp_path: Path,
    lie: str,
    event: str,
    invent_as: str,
    caught_by: str,
) -> None:
    """The bundle records the node's answers as they came: re-checked offline against the auditor's checkpoint, the
    lie fails the same check it fails online."""
    deed = tmp_path / "deed.txt"
    deed.write_text("deed of assignment", "utf-8")
    token = ledger.register(*patent, to="dev1").token_id
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    ledger.rights.freeze(token, b"\x01" * 32)
    checkpoint = _head_hash(ledger)
    path = tmp_path / "lied.json"
    options = {"topic": TOPIC_OF[event]} if event else {}
    if invent_as:
        options["invent_as"] = TOPIC_OF[invent_as]
    with lying_proxy(anvil_node.rpc_url, lie=lie, **options) as (url, proxy):
        liar = Ledger.connect(url, registry=ledger.contracts.registry_address)
        online = liar.verify(token, trust_block_hash=checkpoint, bundle=path)
    assert proxy.lies_told > 0
    assert online.verdict == "inconclusive" and caught_by in {check.name for check in online.checks if not check.ok}
    assert path.is_file()  # written even though the proofs failed: the lie is there for anyone to re-check
    offline = verify_bundle(path, checkpoint)
    assert offline.verdict == "inconclusive"
    assert caught_by in {check.name for check in offline.checks if not check.ok}
