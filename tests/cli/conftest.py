"""Fixtures of the CLI tests: one ephemeral anvil and registry per session, commands run with typer's CliRunner."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Patent, Run
from ipledger import Ledger, start_node, stop_node
from ipledger.cli import app
from typer.testing import CliRunner, Result

_numbers = itertools.count(7_000_000)
_ENV = ("IPLEDGER_RPC_URL", "IPLEDGER_REGISTRY", "IPLEDGER_PRIVATE_KEY", "IPLEDGER_KEYSTORE_PASSWORD", "IPLEDGER_DEBUG")


@pytest.fixture(scope="session")
def chain() -> Iterator[Chain]:
    """An ephemeral anvil node (no state file) with a registry deployed by dev0."""
    node = start_node()
    try:
        registry = Ledger.connect(node.rpc_url, account="dev0").deploy()
        yield Chain(node=node, registry=registry)
    finally:
        stop_node(node.pid)


@pytest.fixture
def chain_registry(chain: Chain) -> str:
    return chain.registry


@pytest.fixture
def chain_rpc_url(chain: Chain) -> str:
    return chain.node.rpc_url


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Variables a developer may have set must not change what the commands do."""
    for name in _ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cli(chain: Chain) -> Run:
    """Runs ``ipledger ARGS`` against the session chain (pass ``remote=False`` to leave out --rpc-url/--registry)."""
    runner = CliRunner()

    def run(*args: str, remote: bool = True, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        argv = [*args, *chain.options] if remote else list(args)
        return runner.invoke(app, argv, input=input, env=env)

    return run


@pytest.fixture
def cli_json(cli: Run) -> Callable[..., Any]:
    """Runs a command with --json, asserts exit 0, and returns the parsed stdout (which must be pure JSON)."""

    def run(*args: str, **kwargs: Any) -> Any:
        result = cli(*args, "--json", **kwargs)
        assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
        return json.loads(result.stdout)

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
