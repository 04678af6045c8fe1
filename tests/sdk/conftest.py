"""Fixtures shared by the SDK and CLI tests: one ephemeral anvil per session, a registry deployed on it."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger, NodeInfo, start_node, stop_node

_numbers = itertools.count(1_000_000)


@pytest.fixture(scope="session")
def anvil_node() -> Iterator[NodeInfo]:
    """A fresh anvil node (no persisted state) for the whole session."""
    node = start_node()
    try:
        yield node
    finally:
        stop_node(node.pid)


@pytest.fixture(scope="session")
def ledger(anvil_node: NodeInfo) -> Ledger:
    """A registry deployed by dev0 (admin, registrar and guardian), used as dev0."""
    client = Ledger.connect(anvil_node.rpc_url, account="dev0")
    client.deploy()
    return client


@pytest.fixture
def patent(tmp_path: Path) -> tuple[IPMetadata, list[Path]]:
    """Metadata of a patent nobody registered yet, and two documents unique to it."""
    number = next(_numbers)
    documents = []
    for name in ("claims.txt", "description.txt"):
        path = tmp_path / name
        path.write_text(f"{name} of US patent {number}\n", "utf-8")
        documents.append(path)
    metadata = IPMetadata(
        title=f"Solid-state battery electrode {number}",
        kind="patent",
        jurisdiction="US",
        number=f"US {number:,} B2",
        inventors=("Li Wei", "Ana Souza"),
        filing_date="2019-03-01",
        grant_date="2022-06-14",
        expiry_date="2039-03-01",
    )
    return metadata, documents
