"""Fixtures of the CLI tests: one ephemeral anvil (or the external node ``IPLEDGER_TEST_RPC_URL`` names, see
tests/sdk/node_support.py) and registry per session, commands run with typer's CliRunner."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Patent, Run, assert_matches_schema
from ipledger import Ledger
from ipledger.cli import app
from node_support import refuse_parallel_workers, session_node, skip_anvil_only
from postgres_support import postgres_server  # noqa: F401 (a fixture of the index tests)
from typer.testing import CliRunner, Result

_numbers = itertools.count(7_000_000)
#: CLI tests that need anvil itself (marked ``anvil`` here, as tests/sdk marks its own with the decorator): they
#: start an anvil of their own (a local network, the demo, a second chain, a node killed and restarted) or mine
#: with ``anvil_mine``.
_ANVIL_ONLY = (
    "test_cli_bad_input.py::test_bad_input_is_one_line_and_sends_nothing",
    "test_cli_bulk_node_death.py::",
    "test_cli_buyout.py::test_a_failed_buyout_is_claimed_back",
    "test_cli_buyout.py::test_settle_claim_and_redeem_for_cash",
    "test_cli_confirmations.py::test_a_dropped_transaction_whose_nonce_another_took_is_a_one_line_error",
    "test_cli_confirmations.py::test_a_transaction_a_reorganization_dropped_is_sent_again_and_said_so",
    "test_cli_confirmations.py::test_register_waits_for_the_confirmations_given_before_or_after_the_command",
    "test_cli_demo.py::",
    "test_cli_errors.py::test_anvil_on_an_old_hardfork_is_told_its_evm_lacks_an_instruction",
    "test_cli_index.py::test_history_reads_a_fresh_index_and_falls_back_to_the_node",
    "test_cli_market.py::test_stablecoin_mint_and_balance_in_the_other_test_currencies",
    "test_cli_networks.py::test_add_pins_the_chain_the_node_reports_when_none_is_given",
    "test_cli_networks.py::test_deploy_records_the_network_and_commands_use_it",
    "test_cli_networks.py::test_the_sdk_connects_to_a_network_by_name",
    "test_cli_node.py::",
    "test_cli_startup.py::test_node_status_of_a_running_deployed_node_imports_no_web3",
    "test_cli_verify.py::test_verify_against_several_checkpoints_from_options_and_a_file",
    "test_cli_voucher.py::test_an_expired_voucher_is_refused",
    "test_cli_loans.py::test_enforce_bid_foreclose_refinance_and_record_loss",
    "test_readme_tour.py::test_readme_tour_runs_as_written",
)
_ENV = (
    "IPLEDGER_RPC_URL",
    "IPLEDGER_REGISTRY",
    "IPLEDGER_VAULT",
    "IPLEDGER_DESK",
    "IPLEDGER_PAYMENT_TOKEN",
    "IPLEDGER_PRIVATE_KEY",
    "IPLEDGER_KEYSTORE_PASSWORD",
    "IPLEDGER_DEBUG",
    "IPLEDGER_CHAIN_ID",
    "IPLEDGER_CONFIRMATIONS",
    "IPLEDGER_MAX_INDEX_LAG",
    "IPLEDGER_INDEX_URL",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if item.path.parent == here and f"{item.path.name}::{item.name}".startswith(_ANVIL_ONLY):
            item.add_marker(pytest.mark.anvil)


def pytest_configure(config: pytest.Config) -> None:
    refuse_parallel_workers(config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    skip_anvil_only(item)


@pytest.fixture(scope="session")
def chain() -> Iterator[Chain]:
    """An ephemeral anvil node (no state file), or the external node ``IPLEDGER_TEST_RPC_URL`` names, with the
    contracts deployed by dev0."""
    with session_node() as node:
        deployment = Ledger.connect(node.rpc_url, account="dev0").deploy_all()
        assert deployment.vault and deployment.desk and deployment.stablecoin
        yield Chain(
            node=node,
            registry=deployment.registry,
            vault=deployment.vault,
            desk=deployment.desk,
            stablecoin=deployment.stablecoin,
        )


@pytest.fixture
def chain_registry(chain: Chain) -> str:
    return chain.registry


@pytest.fixture
def chain_rpc_url(chain: Chain) -> str:
    return chain.node.rpc_url


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Variables a developer may have set must not change what the commands do, and nothing a command records
    (deployments, orders, indexes) lands in the developer's $IPLEDGER_HOME: each test has its own."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IPLEDGER_HOME", str(tmp_path / "ipledger-home"))


@pytest.fixture
def cli(chain: Chain) -> Run:
    """Runs ``ipledger ARGS`` against the session chain (pass ``remote=False`` to leave out --rpc-url/--registry)."""
    runner = CliRunner()

    def run(*args: str, remote: bool = True, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        argv = [*args, *chain.options] if remote else list(args)
        return runner.invoke(app, argv, input=input, env=env)

    return run


@pytest.fixture
def share_cli(cli: Run, chain: Chain) -> Run:
    """Like ``cli``, with the vault, desk and payment token given by IPLEDGER_VAULT, _DESK and _PAYMENT_TOKEN."""

    def run(*args: str, **kwargs: Any) -> Result:
        return cli(*args, env={**chain.share_env, **kwargs.pop("env", {})}, **kwargs)

    return run


@pytest.fixture
def share_json(share_cli: Run) -> Callable[..., Any]:
    """``share_cli`` with --json: asserts exit 0 and that the output fits the command's JSON schema, and returns the
    parsed stdout."""

    def run(*args: str, **kwargs: Any) -> Any:
        result = share_cli(*args, "--json", **kwargs)
        assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
        printed = json.loads(result.stdout)
        assert_matches_schema(list(args), printed)
        return printed

    return run


@pytest.fixture(scope="session")
def cli_investors(chain: Chain) -> None:
    """dev1 (US) and dev2 (DE) verified investors, dev5 a venue wallet, dev1..dev3 with tUSD."""
    ledger = Ledger.connect(chain.node.rpc_url, registry=chain.registry, vault=chain.vault, account="dev0")
    for name, country in (("dev1", "US"), ("dev2", "DE")):
        ledger.compliance.verify_investor(name, country, evidence=f"KYC {name}")
    ledger.compliance.register_venue("dev5", "Example Exchange")


@pytest.fixture
def fractionalized(registered: tuple[Patent, str], share_json: Callable[..., Any], cli_investors: None) -> str:
    """The registered patent (dev1's), fractionalized by dev1 into 1,000 restricted shares; its token id."""
    _, token = registered
    options = ["--name", "Patent shares", "--symbol", "PS", "--supply", "1000", "--from", "dev1"]
    share_json("shares", "fractionalize", token, *options)
    return token


@pytest.fixture
def cli_json(cli: Run) -> Callable[..., Any]:
    """Runs a command with --json, asserts exit 0 and that the output (pure JSON) fits the command's JSON schema,
    and returns it parsed."""

    def run(*args: str, **kwargs: Any) -> Any:
        result = cli(*args, "--json", **kwargs)
        assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
        printed = json.loads(result.stdout)
        assert_matches_schema(list(args), printed)
        return printed

    return run


@pytest.fixture
def patent(tmp_path: Path) -> Patent:
    serial = next(_numbers)
    documents = []
    for name in ("claims.txt", "description.txt"):
        path = tmp_path / name
        path.write_text(f"{name} of US patent {serial}\n", "utf-8")
        documents.append(path)
    return Patent(number=f"US {serial:,} B2", documents=documents, folder=tmp_path)


@pytest.fixture
def registered(patent: Patent, cli_json: Callable[..., Any]) -> tuple[Patent, str]:
    """The patent, registered by dev0 to dev1; returns it and its token id (0x hex)."""
    out = cli_json("register", *patent.options, "--to", "dev1", "--from", "dev0")
    return patent, str(out["token_id"])
