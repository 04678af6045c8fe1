"""Trustless verification: a lying node is caught with a named finding, an honest one passes, with one checkpoint
or several (which must be on one chain)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ipledger import CheckpointError, InvalidInputError, IPMetadata, Ledger, NodeError, NodeInfo
from ipledger._events import TOPIC_OF
from ipledger._proofs import header_hash, owner_slot
from rpc_proxy import lying_proxy, side_block_proxy

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


def _block(ledger: Ledger, number: int) -> dict[str, Any]:
    block: dict[str, Any] = ledger.w3.provider.make_request("eth_getBlockByNumber", [hex(number), False])["result"]  # type: ignore[arg-type]
    return block


def _event_blocks(ledger: Ledger, token: int) -> list[int]:
    return sorted({event.block for event in ledger.history(token).events})


def _checkpoints(ledger: Ledger, token: int) -> list[str]:
    """A checkpoint at each block of the right's events, and one at the head."""
    return [_block(ledger, number)["hash"] for number in _event_blocks(ledger, token)] + [_head_hash(ledger)]


def _sibling(block: dict[str, Any]) -> dict[str, Any]:
    """A block of another fork at the same height: same parent, other extra data, so another hash."""
    sibling = dict(block, extraData="0x" + b"another fork".hex())
    sibling["hash"] = "0x" + header_hash(sibling).hex()
    return sibling


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
    with pytest.raises(NodeError, match="trusted block"):
        ledger.verify(assigned_right, trust_block_hash="0x" + "12" * 32)
    with pytest.raises(InvalidInputError):
        ledger.verify(assigned_right, trust_block_hash="0x1234")


def test_several_checkpoints_link_each_block_to_the_nearest(ledger: Ledger, assigned_right: int) -> None:
    ledger.w3.provider.make_request("anvil_mine", [hex(3)])  # type: ignore[arg-type]
    checkpoints = _checkpoints(ledger, assigned_right)
    given = [checkpoints[-1], *reversed(checkpoints[:-1]), checkpoints[0].upper().replace("0X", "0x")]
    report = ledger.verify(assigned_right, trust_block_hash=given)
    assert report.verdict == "verified", [c for c in report.checks if not c.ok]
    assert report.checked_at_block == ledger._head()
    chain = next(check for check in report.checks if check.name == "header_chain")
    assert f"link to {len(checkpoints)} trusted blocks" in chain.detail
    assert {check.name for check in report.checks} >= PROOF_CHECKS


def test_checkpoints_before_the_first_event_are_not_needed(ledger: Ledger, assigned_right: int) -> None:
    first = _event_blocks(ledger, assigned_right)[0]
    early = _block(ledger, first - 1)["hash"]
    report = ledger.verify(assigned_right, trust_block_hash=[early, _head_hash(ledger)])
    assert report.verdict == "verified"
    chain = next(check for check in report.checks if check.name == "header_chain")
    assert f"not needed (blocks {first - 1})" in chain.detail


def test_latest_checkpoint_sets_the_block_verified(ledger: Ledger, assigned_right: int) -> None:
    last = _event_blocks(ledger, assigned_right)[-1]
    report = ledger.verify(assigned_right, trust_block_hash=[_block(ledger, last)["hash"]])
    assert report.verdict == "verified" and report.checked_at_block == last


def test_unknown_checkpoint_among_good_ones_is_named(ledger: Ledger, assigned_right: int) -> None:
    bogus = "0x" + "34" * 32
    with pytest.raises(NodeError, match=f"does not know the trusted block {bogus}"):
        ledger.verify(assigned_right, trust_block_hash=[*_checkpoints(ledger, assigned_right), bogus])
    with pytest.raises(InvalidInputError, match="no trusted block hash"):
        ledger.verify(assigned_right, trust_block_hash=[])
    with pytest.raises(InvalidInputError, match="either a block or trusted block hashes"):
        ledger.verify(assigned_right, block=1, trust_block_hash=[_head_hash(ledger)])


def test_checkpoint_from_another_fork_is_refused(anvil_node: NodeInfo, ledger: Ledger, assigned_right: int) -> None:
    assigned = _event_blocks(ledger, assigned_right)[1]
    real = _block(ledger, assigned)
    fork = _sibling(real)
    head = _head_hash(ledger)
    with side_block_proxy(anvil_node.rpc_url, {fork["hash"]: fork}) as (url, proxy):
        node = Ledger.connect(url, registry=ledger.registry_address)
        with pytest.raises(CheckpointError, match="not on one chain") as refused:
            node.verify(assigned_right, trust_block_hash=[fork["hash"], head])
        with pytest.raises(CheckpointError, match=f"both are block {assigned}"):
            node.verify(assigned_right, trust_block_hash=[real["hash"], fork["hash"], head])
    assert proxy.methods["eth_getBlockByHash"] >= 2
    error = refused.value
    assert (error.earlier, error.earlier_block) == (fork["hash"], assigned)
    assert (error.later, error.ancestor) == (head, real["hash"])


@pytest.mark.parametrize(
    ("lie", "event", "finding"),
    [
        ("drop", "Assigned", "log_withheld"),
        ("alter", "Frozen", "log_not_in_receipts"),
        ("invent", "Unfrozen", "log_not_in_receipts"),
        ("storage", "Assigned", "owner_proof"),
    ],
)
def test_lying_node_is_caught_with_checkpoints(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int, lie: str, event: str, finding: str
) -> None:
    registered, _, frozen, _ = _event_blocks(ledger, assigned_right)
    # The assignment lies between two checkpoints: its block is walked all the same, so dropping it is seen.
    checkpoints = [_block(ledger, registered)["hash"], _block(ledger, frozen)["hash"], _head_hash(ledger)]
    with lying_proxy(anvil_node.rpc_url, lie=lie, topic=TOPIC_OF[event]) as (url, proxy):
        report = Ledger.connect(url, registry=ledger.registry_address).verify(
            assigned_right, trust_block_hash=checkpoints
        )
    assert proxy.lies_told > 0
    assert finding in {check.name for check in report.checks if not check.ok}
    assert report.verdict == "failed"


def test_forged_header_is_named_by_its_checkpoint(anvil_node: NodeInfo, ledger: Ledger, assigned_right: int) -> None:
    _, assigned, frozen, _ = _event_blocks(ledger, assigned_right)
    checkpoints = [_block(ledger, frozen)["hash"], _head_hash(ledger)]
    with lying_proxy(anvil_node.rpc_url, lie="header", block=assigned) as (url, proxy):
        report = Ledger.connect(url, registry=ledger.registry_address).verify(
            assigned_right, trust_block_hash=checkpoints
        )
    assert proxy.lies_told > 0
    chain = next(check for check in report.checks if check.name == "header_chain")
    assert not chain.ok
    assert chain.detail == f"block {assigned} does not link to the trusted block {checkpoints[0]} (block {frozen})"
