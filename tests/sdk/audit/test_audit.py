"""History and verification: chain order, merged events, named checks, and provider range limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger, NodeInfo, RegistryError
from rpc_proxy import limiting_proxy

Patent = tuple[IPMetadata, list[Path]]


@pytest.fixture
def storied_right(ledger: Ledger, patent: Patent, tmp_path: Path) -> int:
    """A right registered to dev1, assigned to dev2, frozen, unfrozen, force-transferred to dev4."""
    metadata, documents = patent
    deed = tmp_path / "deed.txt"
    deed.write_text("assignment deed")
    order = tmp_path / "order.txt"
    order.write_text("court order 2026/123")
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    ledger.rights.freeze(token, order)
    ledger.rights.unfreeze(token, order)
    ledger.rights.force_transfer(token, "dev4", order)
    return token


def test_history_lists_everything_in_chain_order(ledger: Ledger, storied_right: int) -> None:
    events = ledger.history(storied_right).events
    assert [event.kind for event in events] == ["registered", "assignment", "frozen", "unfrozen", "forced_transfer"]
    assert events[0].to == ledger.address_of("dev1")
    assert events[1].from_ == ledger.address_of("dev1") and events[1].to == ledger.address_of("dev2")
    assert events[4].by == ledger.address_of("dev0")
    positions = [(event.block, event.log_index) for event in events]
    assert positions == sorted(positions)
    assert all(event.timestamp.year >= 2024 for event in events)


def test_verify_passes_with_the_registered_documents(ledger: Ledger, patent: Patent, storied_right: int) -> None:
    _, documents = patent
    report = ledger.verify(storied_right, documents=documents)
    assert report.verdict == "verified"
    checks = {check.name: check for check in report.checks}
    assert {"registry_code", "registration", "custody", "content_key", "documents", "status"} <= set(checks)
    assert all(check.ok for check in report.checks)
    assert any("forced transfer" in notice for notice in report.notices)


def test_verify_fails_on_a_changed_document(ledger: Ledger, patent: Patent, storied_right: int) -> None:
    _, documents = patent
    documents[0].write_text("claims, quietly amended")
    report = ledger.verify(storied_right, documents=documents)
    assert report.verdict == "failed"
    assert [check.name for check in report.checks if not check.ok] == ["documents"]


def test_verify_fails_while_frozen(ledger: Ledger, storied_right: int) -> None:
    ledger.rights.freeze(storied_right, b"\x01" * 32)
    report = ledger.verify(storied_right)
    assert report.verdict == "failed"
    assert [check.name for check in report.checks if not check.ok] == ["status"]


def test_history_splits_ranges_a_provider_refuses(anvil_node: NodeInfo, ledger: Ledger, storied_right: int) -> None:
    direct = ledger.history(storied_right)
    with limiting_proxy(anvil_node.rpc_url, max_blocks=3) as (url, proxy):
        limited = Ledger.connect(url, registry=ledger.contracts.registry_address)
        through_proxy = limited.history(storied_right)
    assert through_proxy == direct
    assert proxy.refused > 0
    assert proxy.served and all(end - start + 1 <= 3 for start, end in proxy.served)


def test_attaching_to_a_non_registry_is_refused(ledger: Ledger) -> None:
    with pytest.raises(RegistryError, match="no contract"):
        Ledger.connect(ledger.chain.rpc_url, registry=ledger.address_of("dev9"))
