"""The chain is the one expected (issue 12): ``--chain-id`` / ``IPLEDGER_CHAIN_ID``, or the chain ``ipledger deploy``
recorded for the registry; a node reporting another is refused in one line, exit 1, before anything is signed or
sent. The lying node is the session anvil behind tests/sdk/rpc_proxy.py's ``ChainIdProxy``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cli_support import Chain, Patent, Run, assert_matches_schema, assert_one_line_error, rpc_proxy_module
from ipledger import Deployment, save_deployment_record, save_local_deployment
from web3 import Web3

LOCAL = 31337
OTHER = 5


def _head(chain: Chain) -> int:
    return int(Web3(Web3.HTTPProvider(chain.node.rpc_url)).eth.block_number)


def _home() -> Path:
    return Path(os.environ["IPLEDGER_HOME"])


def test_a_chain_id_the_node_does_not_report_is_refused_before_anything_is_sent(
    cli: Run, chain: Chain, patent: Patent
) -> None:
    head = _head(chain)
    result = cli("register", *patent.options, "--from", "dev0", "--chain-id", str(OTHER))
    line = assert_one_line_error(
        result,
        f"the node at {chain.node.rpc_url} reports chain {LOCAL}",
        f"the registry {chain.registry} is on chain {OTHER} (--chain-id)",
        "nothing was signed or sent",
    )
    assert "is the node running" not in line
    assert _head(chain) == head


def test_the_chain_id_from_the_environment_is_named_as_such(cli: Run, registered: tuple[Patent, str]) -> None:
    _, token = registered
    refused = cli("show", token, env={"IPLEDGER_CHAIN_ID": str(OTHER)})
    assert_one_line_error(refused, f"reports chain {LOCAL}", f"chain {OTHER} (IPLEDGER_CHAIN_ID)")
    assert cli("show", token, "--chain-id", str(LOCAL)).exit_code == 0
    assert cli("show", token, env={"IPLEDGER_CHAIN_ID": str(LOCAL)}).exit_code == 0


def test_a_chain_id_that_cannot_be_one_is_a_usage_error(cli: Run, registered: tuple[Patent, str]) -> None:
    _, token = registered
    assert_one_line_error(cli("show", token, "--chain-id", "0"), "--chain-id", code=2)
    assert_one_line_error(cli("show", token, "--chain-id", "five"), "--chain-id", code=2)


def test_deploy_checks_the_chain_and_records_it(cli: Run, chain: Chain) -> None:
    head = _head(chain)
    refused = cli("deploy", "--rpc-url", chain.node.rpc_url, "--chain-id", str(OTHER), remote=False)
    assert_one_line_error(refused, f"reports chain {LOCAL}", f"chain {OTHER} is expected (--chain-id)")
    assert _head(chain) == head
    assert not (_home() / "deployments").exists()

    deployed = _deploy(cli, chain, "--chain-id", str(LOCAL))
    record = _home() / "deployments" / f"{LOCAL}-{deployed['registry']}.json"
    assert deployed["chain_id"] == LOCAL
    assert deployed["chain_id_source"] == "--chain-id"
    assert deployed["record"] == str(record)
    saved = json.loads(record.read_text("utf-8"))
    assert saved["chain_id"] == LOCAL
    assert saved["registry"] == deployed["registry"]
    assert saved["vault"] == deployed["vault"]
    assert saved["transaction"]["tx_hash"] == deployed["tx_hash"]
    assert chain.node.rpc_url not in record.read_text("utf-8")


def test_the_recorded_chain_refuses_a_lying_node_without_any_option(cli: Run, chain: Chain, patent: Patent) -> None:
    deployed = _deploy(cli, chain)
    registry = deployed["registry"]
    record = _home() / "deployments" / f"{LOCAL}-{registry}.json"
    with rpc_proxy_module().chain_id_proxy(chain.node.rpc_url, reported=OTHER) as (url, proxy):
        result = cli(
            "register", *patent.options, "--from", "dev0", "--rpc-url", url, "--registry", registry, remote=False
        )
        assert_one_line_error(
            result,
            f"the node at {url} reports chain {OTHER}, but the registry {registry} is on chain {LOCAL} "
            f"(deployment record {record})",
            "nothing was signed or sent",
        )
        assert set(proxy.methods) == {"eth_chainId"}
        # The caller's word wins over the record: through the same liar, chain 5 is what it must report.
        shown = cli("show", "0x1", "--rpc-url", url, "--registry", registry, "--chain-id", str(OTHER), remote=False)
        assert "reports chain" not in shown.stderr
    registered = cli(
        "register",
        *patent.options,
        "--from",
        "dev0",
        "--rpc-url",
        chain.node.rpc_url,
        "--registry",
        registry,
        "--json",
        remote=False,
    )
    assert registered.exit_code == 0, registered.stderr


def test_a_registry_recorded_on_two_chains_needs_the_chain_id(cli: Run, chain: Chain) -> None:
    deployed = _deploy(cli, chain)
    save_deployment_record(Deployment(chain_id=OTHER, registry=deployed["registry"]))
    options = ("--rpc-url", chain.node.rpc_url, "--registry", deployed["registry"])
    ambiguous = cli("show", "0x1", *options, remote=False)
    assert_one_line_error(ambiguous, f"is recorded on chains {OTHER}, {LOCAL}", "pass --chain-id")
    chosen = cli("show", "0x1", *options, "--chain-id", str(LOCAL), remote=False)
    assert "recorded on chains" not in chosen.stderr


def test_the_local_record_counts_for_a_registry_recorded_elsewhere_too(cli: Run, chain: Chain) -> None:
    """Found in the README tour: the same deployer and nonce give the same registry address on every chain; deployed
    on chain 5 too, the address of the local network's registry named with --rpc-url is ambiguous, never 5."""
    registry = _deploy(cli, chain)["registry"]
    (_home() / "deployments" / f"{LOCAL}-{registry}.json").unlink()  # known to the local network's record only
    save_local_deployment(Deployment(chain_id=LOCAL, registry=registry))
    save_deployment_record(Deployment(chain_id=OTHER, registry=registry))
    options = ("--rpc-url", chain.node.rpc_url, "--registry", registry)
    ambiguous = cli("show", "0x1", *options, remote=False)
    assert_one_line_error(ambiguous, f"is recorded on chains {OTHER}, {LOCAL}", "pass --chain-id")
    assert "is on chain 5" not in ambiguous.stderr


def _deploy(cli: Run, chain: Chain, *options: str) -> Any:
    result = cli("deploy", "--rpc-url", chain.node.rpc_url, *options, "--json", remote=False)
    assert result.exit_code == 0, (result.stderr, result.exception)
    deployed = json.loads(result.stdout)
    assert_matches_schema(["deploy"], deployed)
    return deployed
