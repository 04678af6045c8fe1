"""Named networks (issue 16): a network is a name with its chain id, RPC URL and contracts, kept in
$IPLEDGER_HOME/networks.toml; ``--network NAME`` replaces repeating them, options given beside it override its fields,
and the chain id it pins is enforced. Run on a second anvil reporting chain 5 (no dev account names there)."""

from __future__ import annotations

import json
import os
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Patent, Run, assert_matches_schema, assert_one_line_error
from ipledger import (
    ChainMismatchError,
    Ledger,
    Network,
    NodeInfo,
    NotFoundError,
    dev_account,
    networks_file,
    read_networks,
    save_network,
    start_node,
    stop_node,
)

OTHER = 5
KEY_ENV = "NETWORK_TEST_KEY"


@pytest.fixture(scope="module")
def other_node() -> Iterator[NodeInfo]:
    """An anvil node that stands for another network: chain 5."""
    node = start_node(chain_id=OTHER)
    try:
        yield node
    finally:
        stop_node(node.pid)


@pytest.fixture
def signer_env(monkeypatch: pytest.MonkeyPatch) -> str:
    """dev0's key in an environment variable (``--from env:NETWORK_TEST_KEY``): dev names are refused on chain 5."""
    monkeypatch.setenv(KEY_ENV, "0x" + bytes(dev_account(0).account.key).hex())
    return f"env:{KEY_ENV}"


def _ok(result: Any, *argv: str) -> Any:
    assert result.exit_code == 0, (result.stderr, result.exception)
    printed = json.loads(result.stdout)
    assert_matches_schema(list(argv), printed)
    return printed


def test_add_list_show_remove(cli: Run, chain: Chain) -> None:
    options = ("--rpc-url", chain.node.rpc_url, "--chain-id", "31337", "--registry", chain.registry)
    added = _ok(
        cli("network", "add", "lab", *options, "--vault", chain.vault, "--json", remote=False), "network", "add"
    )
    assert added == {
        "name": "lab",
        "rpc_url": chain.node.rpc_url,
        "chain_id": 31337,
        "registry": chain.registry,
        "vault": chain.vault,
        "desk": None,
        "stablecoin": None,
        "licenses": None,
        "attestations": None,
        "disputes": None,
        "loans": None,
    }
    path = networks_file()
    assert tomllib.loads(path.read_text("utf-8"))["lab"]["registry"] == chain.registry
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # its URLs may hold a provider's key
    assert_one_line_error(cli("network", "add", "lab", *options, remote=False), "already", "--replace")
    # The options before the command count as after it.
    _ok(cli("--json", *options, "network", "add", "lab2", remote=False), "network", "add")
    listed = _ok(cli("network", "list", "--json", remote=False), "network", "list")
    assert [network["name"] for network in listed["networks"]] == ["lab", "lab2"]
    assert _ok(cli("network", "show", "lab", "--json", remote=False), "network", "show") == added
    assert _ok(cli("--json", "network", "remove", "lab2", remote=False), "network", "remove")["name"] == "lab2"
    assert set(read_networks()) == {"lab"}
    assert_one_line_error(cli("network", "show", "lab2", remote=False), "no network 'lab2'", "known: lab")
    assert_one_line_error(cli("network", "show", "local", remote=False), "node status", code=2)


def test_add_pins_the_chain_the_node_reports_when_none_is_given(cli: Run, other_node: NodeInfo) -> None:
    result = cli("network", "add", "five", "--rpc-url", other_node.rpc_url, "--json", remote=False)
    assert _ok(result, "network", "add")["chain_id"] == OTHER
    assert f"the node at {other_node.rpc_url} reports now" in result.stderr


def test_network_replaces_the_chain_options(cli: Run, chain: Chain, patent: Patent) -> None:
    options = ("--rpc-url", chain.node.rpc_url, "--chain-id", "31337", "--registry", chain.registry)
    _ok(cli("network", "add", "lab", *options, "--json", remote=False), "network", "add")
    registered = _ok(
        cli("--network", "lab", "register", *patent.options, "--to", "dev1", "--json", remote=False), "register"
    )
    assert registered["registry"] == chain.registry
    shown = _ok(cli("show", registered["token_id"], "--network", "lab", "--json", remote=False), "show")
    assert shown["owner"] == dev_account(1).address
    env = {"IPLEDGER_NETWORK": "lab"}
    assert _ok(cli("show", registered["token_id"], "--json", remote=False, env=env), "show") == shown


def test_deploy_records_the_network_and_commands_use_it(
    cli: Run, other_node: NodeInfo, patent: Patent, signer_env: str
) -> None:
    deployed = _ok(
        cli(
            "deploy", "--network", "five", "--rpc-url", other_node.rpc_url, "--from", signer_env, "--json", remote=False
        ),
        "deploy",
    )
    assert (deployed["network"], deployed["chain_id"]) == ("five", OTHER)
    profile = read_networks()["five"]
    assert (profile.rpc_url, profile.chain_id, profile.registry) == (other_node.rpc_url, OTHER, deployed["registry"])
    assert (profile.vault, profile.desk) == (deployed["vault"], deployed["desk"])
    # The rights-in-use modules are named by the profile, so a trusted verify never lets the node name them.
    assert (profile.licenses, profile.attestations, profile.disputes) == (
        deployed["licenses"],
        deployed["attestations"],
        deployed["disputes"],
    )
    assert None not in (profile.licenses, profile.attestations, profile.disputes)
    attached = Ledger.connect(network=profile).chain
    assert [attached.attached_address(role) for role in ("licenses", "attestations", "disputes")] == [
        profile.licenses,
        profile.attestations,
        profile.disputes,
    ]
    # Everything about that chain now comes from its name: RPC URL, chain id, contracts.
    registered = _ok(
        cli("--network", "five", "--from", signer_env, "register", *patent.options, "--json", remote=False), "register"
    )
    assert registered["chain_id"] == OTHER
    assert registered["registry"] == deployed["registry"]
    cap = cli("--network", "five", "shares", "cap-table", registered["token_id"], remote=False)
    assert_one_line_error(cap, registered["token_id"])  # not fractionalized: the vault was found through the network
    # A second deployment under the same name moves the network to the new contracts, and says so.
    again = cli("deploy", "--network", "five", "--from", signer_env, "--json", remote=False)
    assert _ok(again, "deploy")["registry"] != deployed["registry"]
    assert f"its registry was {deployed['registry']}" in again.stderr
    assert read_networks()["five"].registry == json.loads(again.stdout)["registry"]


def test_the_networks_chain_is_enforced(cli: Run, chain: Chain) -> None:
    # A network whose node does not report the chain it names: refused before anything is read.
    _ok(
        cli(
            "network",
            "add",
            "liar",
            "--rpc-url",
            chain.node.rpc_url,
            "--chain-id",
            str(OTHER),
            "--registry",
            chain.registry,
            "--json",
            remote=False,
        ),
        "network",
        "add",
    )
    refused = cli("--network", "liar", "show", "0x1", remote=False)
    assert_one_line_error(refused, "reports chain 31337", f"chain {OTHER} (network liar in {networks_file()})")
    # The caller's --chain-id wins over the network's.
    assert "reports chain" not in cli("--network", "liar", "show", "0x1", "--chain-id", "31337", remote=False).stderr


def test_options_beside_the_network_override_its_fields(cli: Run, chain: Chain, registered: tuple[Patent, str]) -> None:
    _, token = registered
    nowhere = "0x" + "22" * 20
    _ok(
        cli(
            "network",
            "add",
            "stale",
            "--rpc-url",
            chain.node.rpc_url,
            "--chain-id",
            "31337",
            "--registry",
            nowhere,
            "--json",
            remote=False,
        ),
        "network",
        "add",
    )
    assert cli("show", token, "--network", "stale", remote=False).exit_code == 1  # no registry there
    shown = _ok(cli("show", token, "--network", "stale", "--registry", chain.registry, "--json", remote=False), "show")
    assert shown["token_id"] == token


def test_a_network_without_a_registry_asks_for_a_deployment(cli: Run, chain: Chain) -> None:
    _ok(cli("network", "add", "bare", "--rpc-url", chain.node.rpc_url, "--json", remote=False), "network", "add")
    assert_one_line_error(cli("--network", "bare", "show", "0x1", remote=False), "deploy --network bare")


def test_an_unknown_network_names_the_known_ones(cli: Run) -> None:
    assert_one_line_error(cli("--network", "nowhere", "show", "0x1", remote=False), "no network 'nowhere'", "add")
    refused = cli("deploy", "--network", "nowhere", remote=False)
    assert_one_line_error(refused, "--rpc-url", code=2)


def test_a_malformed_networks_file_is_named(cli: Run) -> None:
    path = Path(os.environ["IPLEDGER_HOME"]) / "networks.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[five]\nrpc_url = "http://x"\nchain_id = "five"\n', "utf-8")
    assert_one_line_error(cli("network", "list", remote=False), str(path), "chain_id")


def test_the_sdk_connects_to_a_network_by_name(chain: Chain, other_node: NodeInfo) -> None:
    lab = Network(name="lab", rpc_url=chain.node.rpc_url, chain_id=31337, registry=chain.registry, vault=chain.vault)
    ledger = Ledger.connect(network=lab)
    assert (ledger.chain_id, ledger.contracts.registry_address) == (31337, chain.registry)
    assert ledger.deployment.vault == chain.vault
    save_network(lab)
    by_name = Ledger.connect(network="lab", account="dev1")
    assert by_name.signer.address == dev_account(1).address
    assert "network lab in" in (by_name.chain.chain_id_source or "")
    with pytest.raises(ChainMismatchError):
        Ledger.connect(network=lab, rpc_url=other_node.rpc_url)
    with pytest.raises(NotFoundError):
        Ledger.connect(network="nowhere")
