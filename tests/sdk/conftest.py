"""Fixtures shared by the SDK tests: one ephemeral anvil per session (or the external node ``IPLEDGER_TEST_RPC_URL``
names, see node_support.py), a registry deployed on it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from browser_support import browser, browser_page, phone_page  # noqa: F401 - the browser tests' fixtures
from hardhat_support import hardhat_missing, start_hardhat_node, stop_hardhat_node
from ipledger import (
    IPMetadata,
    Ledger,
    NodeInfo,
    SignedOrder,
    local_node_status,
    stop_local_node,
)
from node_support import refuse_parallel_workers, session_node, skip_anvil_only
from postgres_support import index_url, postgres_server  # noqa: F401 (fixtures of the index tests)
from share_support import ONE, USD

_numbers = itertools.count(1_000_000)


def pytest_configure(config: pytest.Config) -> None:
    refuse_parallel_workers(config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    skip_anvil_only(item)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Attaches each phase's report to the item (``item.rep_call``), so browser fixtures keep a screenshot of a
    failed test (browser_support.py)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def anvil_node() -> Iterator[NodeInfo]:
    """The session's node: a fresh anvil (no persisted state), or the external node ``IPLEDGER_TEST_RPC_URL`` names."""
    with session_node() as node:
        yield node


@pytest.fixture(scope="session")
def hardhat_node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NodeInfo]:
    """A fresh Hardhat 3 node (EDR, a second EVM implementation) for the whole session; skipped only when
    ``tools/hardhat/node_modules`` is not installed (`make test-sdk` installs it, so CI never skips)."""
    missing = hardhat_missing()
    if missing is not None:
        pytest.skip(missing)
    node = start_hardhat_node(log_file=tmp_path_factory.mktemp("hardhat") / "node.log")
    try:
        yield node
    finally:
        stop_hardhat_node(node.pid)


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


@pytest.fixture(scope="session")
def investors(ledger: Ledger) -> dict[str, str]:
    """dev1 (US), dev2 (DE) and dev3 (FR) verified for ten years, dev5 a venue wallet; name -> address."""
    for name, country in (("dev1", "US"), ("dev2", "DE"), ("dev3", "FR")):
        ledger.compliance.verify_investor(
            name, country, evidence=f"KYC file of {name}", valid_for=dt.timedelta(days=3650)
        )
    ledger.compliance.register_venue("dev5", "Example Exchange omnibus wallet")
    return {name: ledger.address_of(name) for name in ("dev1", "dev2", "dev3", "dev5")}


@pytest.fixture
def fractionalized(ledger: Ledger, investors: dict[str, str], patent: tuple[IPMetadata, list[Path]]) -> int:
    """A patent registered to dev1 and fractionalized by dev1 into 1,000 restricted shares (18 decimals)."""
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").shares.fractionalize(token, "Battery patent shares", "BPS", 1_000 * ONE)
    return token


@pytest.fixture
def race(ledger: Ledger, fractionalized: int, investors: dict[str, str]) -> Iterator[SignedOrder]:
    """dev1 sells 100 shares for 250 tUSD; dev2 (the taker) and dev3 (who takes the order first, in the tests of
    copied transactions) hold tUSD and approved the desk for all of it, until the test ends (other tests count
    the approvals the SDK sends)."""
    approve = ledger.contracts.stablecoin.functions.approve
    for name in ("dev2", "dev3"):
        ledger.payments.mint_test_stablecoin(name, 1_000 * USD)
        approve(ledger.contracts.desk.address, 2**256 - 1).transact({"from": investors[name]})
    yield ledger.use("dev1").market.create_order("sell", fractionalized, 100 * ONE, price=250 * USD)
    for name in ("dev2", "dev3"):
        approve(ledger.contracts.desk.address, 0).transact({"from": investors[name]})


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh ``$IPLEDGER_HOME`` for a test of the local network; its node, if one was started, stops after."""
    folder = tmp_path / "home"
    monkeypatch.setenv("IPLEDGER_HOME", str(folder))
    yield folder
    if local_node_status(folder) is not None:
        stop_local_node(folder)
