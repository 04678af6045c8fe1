"""Trustless verification: a lying node is caught with a named finding, an honest one passes."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger, NodeInfo
from ipledger._events import TOPIC_OF
from ipledger._proofs import header_hash, owner_slot
from rpc_proxy import lying_proxy

Patent = tuple[IPMetadata, list[Path]]
PROOF_CHECKS = {"header_chain", "receipts_root", "log_not_in_receipts", "log_withheld", "owner_proof"}


@pytest.fixture
def assigned_right(ledger: Ledger, patent: Patent, tmp_path: Path) -> int:
    metadata, documents = patent
    deed = tmp_path / "deed.txt"
    deed.write_text("deed of assignment")
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").assign(token, "dev2", deed)
    ledger.freeze(token, b"\x01" * 32)
    ledger.unfreeze(token, b"\x02" * 32)
    return token


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.w3.eth.get_block("latest")["hash"]).hex()


def test_header_hash_and_owner_slot_match_the_node(ledger: Ledger, assigned_right: int) -> None:
    block = ledger.w3.provider.make_request("eth_getBlockByNumber", ["latest", False])["result"]  # type: ignore[arg-type]
    assert "0x" + header_hash(block).hex() == block["hash"]
    word = int.from_bytes(ledger.w3.eth.get_storage_at(ledger.registry_address, owner_slot(assigned_right)), "big")
    assert word & (2**160 - 1) == int(ledger.address_of("dev2"), 16)


def test_honest_node_passes_every_proof(ledger: Ledger, assigned_right: int) -> None:
    report = ledger.verify(assigned_right, trust_block_hash=_head_hash(ledger))
    checks = {check.name: check for check in report.checks}
    assert set(checks) >= PROOF_CHECKS
    assert all(check.ok for check in report.checks), [c for c in report.checks if not c.ok]
    assert report.verdict == "verified"


@pytest.mark.parametrize(
    ("lie", "event", "finding"),
    [
        ("drop", "Assigned", "log_withheld"),
        ("alter", "Assigned", "log_not_in_receipts"),
        ("invent", "Frozen", "log_not_in_receipts"),
        ("storage", "Assigned", "owner_proof"),
    ],
)
def test_lying_node_is_caught(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int, lie: str, event: str, finding: str
) -> None:
    trusted = _head_hash(ledger)
    with lying_proxy(anvil_node.rpc_url, lie=lie, topic=TOPIC_OF[event]) as (url, proxy):
        liar = Ledger.connect(url, registry=ledger.registry_address)
        report = liar.verify(assigned_right, trust_block_hash=trusted)
    assert proxy.lies_told > 0
    failed = {check.name for check in report.checks if not check.ok}
    assert finding in failed
    assert report.verdict == "failed"


def test_unknown_trusted_block_is_a_named_error(ledger: Ledger, assigned_right: int) -> None:
    from ipledger import InvalidInputError, NodeError

    with pytest.raises(NodeError, match="trusted block"):
        ledger.verify(assigned_right, trust_block_hash="0x" + "12" * 32)
    with pytest.raises(InvalidInputError):
        ledger.verify(assigned_right, trust_block_hash="0x1234")
