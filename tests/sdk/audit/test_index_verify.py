"""``ledger.audit.verify_index``: the local event index checked against the history commitments proven at a trusted
block; a tampered index file is caught with the first differing event named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ipledger import EventIndex, InvalidInputError, IPMetadata, Ledger, NodeInfo, ProofError
from ipledger.chain._events import TOPIC_OF
from postgres_support import IndexUrls
from rpc_proxy import lying_proxy

Patent = tuple[IPMetadata, list[Path]]


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


@pytest.fixture
def synced(ledger: Ledger, patent: Patent, index_url: IndexUrls) -> tuple[EventIndex, int, str]:
    """An index synced to the head, over a right registered, assigned, frozen and licensed."""
    token = ledger.register(*patent, to="dev1").token_id
    ledger.use("dev1").rights.transfer(token, "dev2")
    ledger.rights.freeze(token, b"\x01" * 32)
    ledger.rights.unfreeze(token, b"\x02" * 32)
    terms = {"terms": "licence v1", "start": ledger.chain.chain_time(), "licensee": ledger.address_of("dev3")}
    ledger.use("dev2").licenses.grant(token, terms)
    index = EventIndex.open(index_url())
    index.sync(ledger)
    return index, token, _head_hash(ledger)


def test_an_honest_index_verifies(ledger: Ledger, synced: tuple[EventIndex, int, str]) -> None:
    index, token, checkpoint = synced
    result = ledger.audit.verify_index(index, checkpoint)
    assert result.ok and result.rights >= 1 and result.events >= 6, result
    assert ledger.audit.verify_index(index, checkpoint, token_id=token).rights == 1


def _tamper(index: EventIndex, sql: str, *parameters: object) -> None:
    """Changes the index's database behind its back, through a connection of its own."""
    with EventIndex.open(index.location) as other, other._db:
        changed = other._db.execute(sql, parameters).rowcount
    assert changed >= 1


def test_a_changed_event_is_named(ledger: Ledger, synced: tuple[EventIndex, int, str]) -> None:
    index, token, checkpoint = synced
    row = index._db.execute(
        "SELECT id, block, topics FROM logs WHERE name = 'Transfer' ORDER BY block DESC LIMIT 1"
    ).fetchone()
    topics = json.loads(row[2])
    topics[2] = "0x" + "00" * 12 + "ab" * 20
    _tamper(index, "UPDATE logs SET topics = ? WHERE id = ?", json.dumps(topics), row[0])
    result = ledger.audit.verify_index(index, checkpoint)
    assert not result.ok
    assert len(result.differences) == 1
    assert f"right {hex(token)}" in result.differences[0]
    assert f"Transfer in block {row[1]}" in result.differences[0] and "differs" in result.differences[0]


def test_a_deleted_event_is_named(ledger: Ledger, synced: tuple[EventIndex, int, str]) -> None:
    index, _, checkpoint = synced
    _tamper(index, "DELETE FROM logs WHERE name = 'Unfrozen'")
    result = ledger.audit.verify_index(index, checkpoint)
    assert not result.ok and "Unfrozen" in result.differences[0]


def test_a_changed_block_time_is_caught(ledger: Ledger, synced: tuple[EventIndex, int, str]) -> None:
    index, _, checkpoint = synced
    _tamper(index, "UPDATE blocks SET timestamp = timestamp + 1 WHERE number = (SELECT MAX(block) FROM logs)")
    assert not ledger.audit.verify_index(index, checkpoint).ok


def test_an_index_behind_the_checkpoint_is_refused(ledger: Ledger, synced: tuple[EventIndex, int, str]) -> None:
    index, token, _ = synced
    ledger.use("dev2").rights.transfer(token, "dev4")
    with pytest.raises(InvalidInputError, match="sync it first"):
        ledger.audit.verify_index(index, _head_hash(ledger))


@pytest.mark.parametrize(("lie", "event"), [("drop", "Assigned"), ("alter", "Frozen"), ("before", "")])
def test_an_index_synced_from_a_lying_node_is_caught(
    anvil_node: NodeInfo, patent: Patent, tmp_path: Path, index_url: IndexUrls, lie: str, event: str
) -> None:
    """An index filled by a node that dropped or changed logs: checked against the commitments proven at the
    checkpoint (through an honest node, or the liar itself), it differs and the event is named. A registry of its
    own, so that the lie (about the first log of its kind) falls on this right."""
    ledger = Ledger.connect(anvil_node.rpc_url, account="dev0")
    ledger.deploy()
    token = ledger.register(*patent, to="dev1").token_id
    deed = tmp_path / "deed.txt"
    deed.write_text("deed of assignment", "utf-8")
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    ledger.rights.freeze(token, b"\x01" * 32)
    checkpoint = _head_hash(ledger)
    index = EventIndex.open(index_url("lied"))
    options = {"topic": TOPIC_OF[event]} if event else {"block": ledger.chain.head()}
    with lying_proxy(anvil_node.rpc_url, lie=lie, **options) as (url, proxy):
        liar = Ledger.connect(url, registry=ledger.contracts.registry_address, vault=ledger.deployment.vault)
        index.sync(liar)
        assert proxy.lies_told > 0
        with pytest.raises(ProofError):
            liar.audit.verify_index(index, checkpoint, token_id=token)  # the liar cannot prove its own events
    result = ledger.audit.verify_index(index, checkpoint, token_id=token)
    assert not result.ok and f"right {hex(token)}" in result.differences[0]
