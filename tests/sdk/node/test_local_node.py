"""The embedded local chain: started on demand, state persisted across restarts in $IPLEDGER_HOME."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger, NodeNotRunningError, local_node_status, stop_local_node
from ipledger.node._node import find_anvil

Patent = tuple[IPMetadata, list[Path]]


@pytest.mark.anvil
def test_local_ledger_survives_a_node_restart(home: Path, patent: Patent) -> None:
    metadata, documents = patent
    first = Ledger.local()
    token = first.register(metadata, documents, to="dev1").token_id
    stop_local_node(home)
    assert local_node_status(home) is None
    second = Ledger.local()
    assert second.contracts.registry_address == first.contracts.registry_address
    assert second.get(token).owner == second.address_of("dev1")
    assert (home / "local" / "state.json").exists()


def test_stopping_without_a_node_is_a_named_error(home: Path) -> None:
    with pytest.raises(NodeNotRunningError):
        stop_local_node(home)


def test_anvil_installed_by_make_demo_is_found_in_a_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`make demo` installs anvil alone under tools/anvil; the CLI run from the checkout finds it there."""
    installed = tmp_path / "tools" / "anvil" / "node_modules" / ".bin" / "anvil"
    installed.parent.mkdir(parents=True)
    installed.write_text("#!/bin/sh\n")
    monkeypatch.delenv("IPLEDGER_ANVIL", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.chdir(tmp_path)
    assert find_anvil() == str(installed)
