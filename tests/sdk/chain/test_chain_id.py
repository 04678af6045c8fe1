"""The chain is the one expected, never whatever the node says (issue 12).

A node that reports another chain id than the one expected (given by the caller, or recorded when the contracts
were deployed) is refused, naming both, before anything is signed or sent: at connect, and again right before
each signature and transaction, so a node that changes its answer after connect is caught too. The node is a
real anvil behind :class:`ChainIdProxy`, which lies about ``eth_chainId`` (and ``net_version``) when told to.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bulk_support import patent_rows, write_csv
from ipledger import (
    ChainMismatchError,
    Deployment,
    IPMetadata,
    Ledger,
    NodeError,
    NodeInfo,
    deployment_record_file,
    read_deployment_records,
    save_deployment_record,
    save_local_deployment,
)
from rpc_proxy import ChainIdProxy, chain_id_proxy
from share_support import ONE

Patent = tuple[IPMetadata, list[Path]]
_numbers = itertools.count(4_200_000)
LOCAL = 31337
OTHER = 5


@pytest.fixture
def proxy(anvil_node: NodeInfo) -> Iterator[tuple[str, ChainIdProxy]]:
    """An honest proxy in front of the session anvil until a test sets ``reported``."""
    with chain_id_proxy(anvil_node.rpc_url) as served:
        yield served


def _through(url: str, ledger: Ledger, account: str) -> Ledger:
    deployment = ledger.deployment
    return Ledger.connect(
        url,
        registry=deployment.registry,
        vault=deployment.vault,
        desk=deployment.desk,
        stablecoin=deployment.stablecoin,
        account=account,
        chain_id=LOCAL,
    )


@pytest.fixture
def fresh(tmp_path: Path) -> Patent:
    """A patent nobody registered (the ``patent`` fixture is the one ``fractionalized`` registers)."""
    number = next(_numbers)
    document = tmp_path / "fresh" / "claims.txt"
    document.parent.mkdir()
    document.write_text(f"claims of US patent {number}, never registered\n", "utf-8")
    metadata = IPMetadata(title=f"Fresh {number}", kind="patent", jurisdiction="US", number=f"US {number:,} B2")
    return metadata, [document]


def _assert_names_both(error: ChainMismatchError, url: str) -> None:
    assert (error.expected, error.reported) == (LOCAL, OTHER)
    message = str(error)
    assert f"reports chain {OTHER}" in message
    assert f"chain {LOCAL}" in message
    assert url in message


# ---------------------------------------------------------------------------- at connect


def test_connect_refuses_a_node_reporting_another_chain_before_any_other_request(
    ledger: Ledger, anvil_node: NodeInfo
) -> None:
    with (
        chain_id_proxy(anvil_node.rpc_url, reported=OTHER) as (url, proxy),
        pytest.raises(ChainMismatchError) as refused,
    ):
        Ledger.connect(url, registry=ledger.contracts.registry_address, account="dev0", chain_id=LOCAL)
    _assert_names_both(refused.value, url)
    assert isinstance(refused.value, NodeError)
    assert "chain_id" in refused.value.source
    assert set(proxy.methods) == {"eth_chainId"}


def test_connect_accepts_the_expected_chain(ledger: Ledger, anvil_node: NodeInfo) -> None:
    client = Ledger.connect(anvil_node.rpc_url, registry=ledger.contracts.registry_address, chain_id=LOCAL)
    assert client.chain_id == LOCAL
    assert client.deployment.chain_id == LOCAL


@pytest.mark.parametrize("value", [0, -1, True, 2**64])
def test_a_chain_id_that_cannot_be_one_is_refused(anvil_node: NodeInfo, value: int) -> None:
    with pytest.raises(ValueError, match="chain id"):
        Ledger.connect(anvil_node.rpc_url, chain_id=value)


def test_without_an_expected_chain_the_answer_at_connect_is_pinned(
    ledger: Ledger, proxy: tuple[str, ChainIdProxy], fresh: Patent
) -> None:
    url, lying = proxy
    client = Ledger.connect(url, registry=ledger.contracts.registry_address, account="dev0")
    assert client.chain_id == LOCAL
    assert "at connect" in client.chain.chain_id_source
    lying.reported = OTHER
    with pytest.raises(ChainMismatchError) as refused:
        client.register(*fresh, to="dev1")
    _assert_names_both(refused.value, url)
    assert lying.methods["eth_sendRawTransaction"] == 0


# ---------------------------------------------------------------------------- a node that changes its answer


def _sign_voucher(client: Ledger, patent: Patent, token: int) -> object:
    return client.rights.sign_voucher(client.rights.prepare(*patent), to="dev2")


def _register(client: Ledger, patent: Patent, token: int) -> object:
    return client.register(*patent, to="dev1")


def _claim(client: Ledger, patent: Patent, token: int) -> object:
    return client.rights.claim(*patent)


def _sign_permit(client: Ledger, patent: Patent, token: int) -> object:
    return client.shares.sign_permit(token, "dev2", ONE, dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def _create_order(client: Ledger, patent: Patent, token: int) -> object:
    return client.market.create_order("sell", token, ONE, price=10**6)


def _sign_attestation(client: Ledger, patent: Patent, token: int) -> object:
    return client.attestations.sign(token, "TITLE_VERIFIED", evidence="opinion letter")


def _transfer_shares(client: Ledger, patent: Patent, token: int) -> object:
    return client.shares.transfer(token, "dev2", ONE)


# Each action, and the account that would perform it (dev1 holds the fractionalized right's shares).
ACTIONS: dict[str, tuple[str, Callable[[Ledger, Patent, int], object]]] = {
    "sign_voucher": ("dev0", _sign_voucher),
    "register": ("dev0", _register),
    "claim": ("dev3", _claim),
    "sign_permit": ("dev1", _sign_permit),
    "create_order": ("dev1", _create_order),
    "sign_attestation": ("dev0", _sign_attestation),
    "transfer_shares": ("dev1", _transfer_shares),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_node_that_switches_chains_after_connect_gets_nothing_signed_or_sent(
    ledger: Ledger,
    proxy: tuple[str, ChainIdProxy],
    fractionalized: int,
    fresh: Patent,
    action: str,
) -> None:
    url, lying = proxy
    account, perform = ACTIONS[action]
    client = _through(url, ledger, account)
    client.contracts.attestations  # noqa: B018 - found (by reads) while the node is honest; the signing is what is refused
    head = ledger.chain.w3.eth.block_number
    lying.reported = OTHER
    with pytest.raises(ChainMismatchError) as refused:
        perform(client, fresh, fractionalized)
    _assert_names_both(refused.value, url)
    assert refused.value.registry == ledger.contracts.registry_address
    assert ledger.contracts.registry_address in str(refused.value)
    assert lying.methods["eth_sendRawTransaction"] == 0
    assert ledger.chain.w3.eth.block_number == head


def test_another_account_on_a_node_that_switched_chains_is_refused(
    ledger: Ledger, proxy: tuple[str, ChainIdProxy]
) -> None:
    url, lying = proxy
    client = _through(url, ledger, "dev0")
    lying.reported = OTHER
    with pytest.raises(ChainMismatchError) as refused:
        client.use("dev1")
    _assert_names_both(refused.value, url)


def test_the_same_actions_go_through_an_honest_node(
    ledger: Ledger, proxy: tuple[str, ChainIdProxy], fractionalized: int, fresh: Patent
) -> None:
    url, honest = proxy
    client = _through(url, ledger, "dev0")
    voucher = client.rights.sign_voucher(client.rights.prepare(*fresh), to="dev2")
    assert client.use("dev2").rights.register_with_voucher(voucher).owner == ledger.address_of("dev2")
    assert honest.methods["eth_sendRawTransaction"] == 1
    permit = client.use("dev1").shares.sign_permit(fractionalized, "dev2", ONE, dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    assert permit.owner == ledger.address_of("dev1")


def test_a_bulk_run_through_a_node_that_switches_chains_sends_nothing(
    ledger: Ledger, proxy: tuple[str, ChainIdProxy], tmp_path: Path
) -> None:
    url, lying = proxy
    client = _through(url, ledger, "dev0")
    source = write_csv(tmp_path / "rights.csv", patent_rows(tmp_path, 4))
    lying.reported = OTHER
    with pytest.raises(ChainMismatchError):
        client.rights.register_bulk(source, batch_size=2, window=2)
    assert lying.methods["eth_sendRawTransaction"] == 0


def test_a_bulk_run_stops_when_the_node_switches_chains_mid_run(
    ledger: Ledger, proxy: tuple[str, ChainIdProxy], tmp_path: Path
) -> None:
    """The first window is sent; then the node changes its answer: the rest is not signed, and the report says
    so row by row (a rerun against the right node sends them)."""
    url, lying = proxy
    client = _through(url, ledger, "dev0")
    source = write_csv(tmp_path / "rights.csv", patent_rows(tmp_path, 6))
    sent: list[int] = []

    def progress(done: int, total: int) -> None:
        if done >= 1 and not sent:
            sent.append(lying.methods["eth_sendRawTransaction"])
            lying.reported = OTHER

    report = client.rights.register_bulk(source, mode="single", window=2, on_progress=progress)
    assert sent == [2]
    assert lying.methods["eth_sendRawTransaction"] == 2
    statuses = [row.status.value for row in report.rows]
    assert statuses.count("registered") == 2
    assert statuses.count("not-sent") == 4
    assert {row.error_name for row in report.rows if row.status.value == "not-sent"} == {"ChainMismatchError"}
    assert not report.complete


# ---------------------------------------------------------------------------- records of where contracts live


@pytest.mark.anvil
def test_the_local_ledger_refuses_a_node_of_another_chain_than_its_record(home: Path, ledger: Ledger) -> None:
    save_local_deployment(Deployment(chain_id=OTHER, registry=ledger.contracts.registry_address), home)
    with pytest.raises(ChainMismatchError) as refused:
        Ledger.local(home=home)
    assert (refused.value.expected, refused.value.reported) == (OTHER, LOCAL)
    assert f"reports chain {LOCAL}" in str(refused.value)
    assert f"chain {OTHER}" in str(refused.value)
    assert "deployment.json" in refused.value.source


@pytest.mark.anvil
def test_the_local_ledger_records_and_expects_its_chain(home: Path) -> None:
    client = Ledger.local(home=home)
    recorded = json.loads((home / "local" / "deployment.json").read_text("utf-8"))
    assert recorded["chain_id"] == client.chain_id == LOCAL
    assert "deployment.json" in Ledger.local(home=home).chain.chain_id_source


def test_a_deployment_record_carries_the_chain_id(home: Path, ledger: Ledger) -> None:
    deployment = ledger.deployment
    path = save_deployment_record(deployment)
    assert path == deployment_record_file(LOCAL, deployment.registry) == home / "deployments" / path.name
    assert json.loads(path.read_text("utf-8"))["chain_id"] == LOCAL
    other = deployment.model_copy(update={"chain_id": OTHER})
    save_deployment_record(other)
    recorded = read_deployment_records(deployment.registry.lower())
    assert [(record.chain_id, record.registry) for record in recorded] == [
        (OTHER, deployment.registry),
        (LOCAL, deployment.registry),
    ]
    assert recorded[1].vault == deployment.vault
    assert read_deployment_records("0x" + "00" * 20) == []
