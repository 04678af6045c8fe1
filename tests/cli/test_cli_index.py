"""index sync, status, history, portfolio, rights and transfers against the session chain."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Run, assert_matches_schema
from ipledger import dev_account
from ipledger.audit._index import index_path
from ipledger.cli._index_commands import index_app
from typer.testing import CliRunner, Result
from web3 import Web3

Json = Callable[..., Any]


@pytest.fixture(autouse=True)
def _index_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's index file lives in its own $IPLEDGER_HOME."""
    monkeypatch.setenv("IPLEDGER_HOME", str(tmp_path / "home"))


@pytest.fixture
def index_cli(chain: Chain) -> Run:
    """Runs ``ipledger index ARGS`` (the sub-app itself) against the session chain, vault by IPLEDGER_VAULT."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(index_app, [*args, *chain.options], env={**chain.share_env, **(env or {})})

    return run


@pytest.fixture
def index_json(index_cli: Run) -> Json:
    def run(*args: str) -> Any:
        result = index_cli(*args, "--json")
        assert result.exit_code == 0, (result.exit_code, result.stderr, result.exception)
        printed = json.loads(result.stdout)
        assert_matches_schema(["index", *args], printed)
        return printed

    return run


def test_sync_then_query_the_index(
    fractionalized: str, share_json: Json, index_cli: Run, index_json: Json, chain: Chain
) -> None:
    token = fractionalized
    synced = index_cli("sync", "--chunk", "50", "--json")
    assert synced.exit_code == 0, synced.stderr
    assert "Indexed up to block" in synced.stderr
    status = index_json("status")
    assert status["fresh"] is True and status["cursor"] == status["head"] and status["share_tokens"] >= 1
    assert status["path"].endswith(f"{status['chain_id']}-{chain.registry}.sqlite")

    assert index_json("history", token) == share_json("history", token)

    dev1 = dev_account(1).address
    now = index_json("portfolio", "dev1")
    assert now["owner"] == dev1 and token not in [right["token_id"] for right in now["rights"]]
    assert [position["balance"] for position in now["shares"] if position["token_id"] == token] == [str(1000 * 10**18)]
    (registration,) = [event for event in share_json("history", token)["events"] if event["kind"] == "registered"]
    then = index_json("portfolio", "dev1", "--block", str(registration["block"]))
    assert token in [right["token_id"] for right in then["rights"]]

    found = index_json("rights", "--kind", "patent", "--jurisdiction", "US")["rights"]
    assert token in [record["token_id"] for record in found]
    today = dt.datetime.fromisoformat(registration["timestamp"]).date().isoformat()
    moves = index_json("transfers", "--from", today, "--to", today)["transfers"]
    assert [move["to"] for move in moves if move["token_id"] == token] == [dev1, chain.vault]

    again = index_json("sync")
    assert again["chunks"] == 0 and again["rollbacks"] == []


def test_human_output_and_bad_dates(fractionalized: str, index_cli: Run) -> None:
    assert index_cli("sync").exit_code == 0
    shown = index_cli("rights")
    assert shown.exit_code == 0 and "right(s)" in shown.stdout
    assert index_cli("portfolio", "dev1", "--at", "2020-01-01").exit_code == 0
    bad = index_cli("transfers", "--from", "yesterday", "--to", "2030-01-01")
    assert bad.exit_code == 2


def test_history_reads_a_fresh_index_and_falls_back_to_the_node(
    fractionalized: str, share_cli: Run, share_json: Json, index_cli: Run, chain: Chain
) -> None:
    token = fractionalized
    w3 = Web3(Web3.HTTPProvider(chain.node.rpc_url))
    path = index_path(w3.eth.chain_id, chain.registry, home=Path(os.environ["IPLEDGER_HOME"]))
    without = share_json("history", token)
    assert without["source"] == "node"
    assert not path.exists()  # history never creates an index

    assert index_cli("sync").exit_code == 0
    from_index = share_json("history", token)
    from_node = share_json("history", token, "--no-index")
    assert (from_index["source"], from_node["source"]) == ("index", "node")
    assert (from_index["index_block"], from_index["index_behind"]) == (w3.eth.block_number, 0)
    assert {**from_index, "source": "node", "index_block": None, "index_behind": None} == from_node
    assert [event["kind"] for event in from_index["events"]] == ["registered", "fractionalized"]
    shown = share_cli("history", token)
    assert shown.exit_code == 0 and "from the local index (synced to block" in shown.stdout

    # A few blocks behind: the index syncs them and answers.
    w3.provider.make_request("anvil_mine", [hex(2)])  # type: ignore[arg-type]
    synced = share_json("history", token)
    assert (synced["source"], synced["index_block"], synced["index_behind"]) == ("index", w3.eth.block_number, 0)

    w3.provider.make_request("anvil_mine", [hex(1)])  # type: ignore[arg-type]
    behind = share_cli("history", token, "--json", "--max-index-lag", "0")
    assert behind.exit_code == 0 and json.loads(behind.stdout)["source"] == "node"
    assert "1 block(s) behind the chain head" in behind.stderr
    assert "from the node" in share_cli("history", token, env={"IPLEDGER_MAX_INDEX_LAG": "0"}).stdout
    assert "from the local index" in share_cli("history", token).stdout


def test_history_passes_over_an_index_synced_without_the_vault(
    fractionalized: str, cli: Run, cli_json: Json, share_cli: Run
) -> None:
    assert cli("index", "sync").exit_code == 0  # no --vault: the vault's events are not indexed
    result = share_cli("history", fractionalized, "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["source"] == "node"
    assert "follows no share vault" in result.stderr
    assert cli_json("history", fractionalized)["source"] == "node"


def test_index_verify_against_a_trusted_block(fractionalized: str, index_cli: Run, chain: Chain) -> None:
    """``index verify`` proves the index's events of a right against the chain's history commitments: exit 0, then
    exit 1 naming the first differing event once the file is tampered with."""
    token = fractionalized
    assert index_cli("sync").exit_code == 0
    w3 = Web3(Web3.HTTPProvider(chain.node.rpc_url))
    checkpoint = "0x" + bytes(w3.eth.get_block("latest")["hash"]).hex()
    good = index_cli("verify", token, "--trust-block-hash", checkpoint, "--json")
    assert good.exit_code == 0, (good.stderr, good.exception)
    payload = json.loads(good.stdout)
    assert_matches_schema(["index", "verify"], payload)
    assert payload["ok"] is True and payload["rights"] == 1 and payload["events"] >= 3

    path = index_path(int(w3.eth.chain_id), chain.registry)
    connection = sqlite3.connect(path)
    with connection:
        (row_id, block) = connection.execute(
            "SELECT id, block FROM logs WHERE name = 'RightRegistered' AND token_id = ?", (str(int(token, 16)),)
        ).fetchone()
        connection.execute("UPDATE logs SET data = data || '00' WHERE id = ?", (row_id,))
    connection.close()
    bad = index_cli("verify", token, "--trust-block-hash", checkpoint)
    assert bad.exit_code == 1, (bad.stdout, bad.stderr)
    assert "Index DIFFERS" in bad.stdout and f"RightRegistered in block {block}" in bad.stdout


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_index_url_puts_the_index_where_it_says(
    fractionalized: str, share_cli: Run, share_json: Json, tmp_path: Path, request: pytest.FixtureRequest, database: str
) -> None:
    """``--index-url`` (or ``IPLEDGER_INDEX_URL``) on every index command: an SQLite file elsewhere, or a PostgreSQL
    database (the index in the schema of its chain and registry); ``history`` reads it through the variable."""
    token = fractionalized
    if database == "sqlite":
        url = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_server").fresh_database()
    synced = share_cli("index", "sync", "--index-url", url, "--json")
    assert synced.exit_code == 0, (synced.stderr, synced.exception)
    status = share_json("index", "status", "--index-url", url)
    assert status["fresh"] is True and status["share_tokens"] >= 1
    if database == "sqlite":
        assert status["path"] == str(tmp_path / "elsewhere.sqlite")
    else:
        assert status["path"].startswith(f"{url}?schema=ipledger_{status['chain_id']}_")
    by_variable = {"IPLEDGER_INDEX_URL": url}
    assert share_json("index", "status", env=by_variable) == status
    found = share_json("index", "rights", "--kind", "patent", env=by_variable)["rights"]
    assert token in [record["token_id"] for record in found]
    assert share_json("index", "history", token, "--index-url", url) == {
        **share_json("history", token, "--no-index"),
        "source": "index",
        "index_block": status["cursor"],
        "index_behind": 0,
    }
    assert share_json("history", token, env=by_variable)["source"] == "index"
    home = Path(os.environ["IPLEDGER_HOME"])
    assert not (home / "index").exists()  # the default file was never made


@pytest.mark.parametrize(
    "url", ["mysql://user@host/db", "postgresql://user@host", "postgresql://u@h:port/db", "sqlite://"]
)
def test_a_malformed_index_url_is_one_line_naming_the_option(share_cli: Run, url: str) -> None:
    for result in (
        share_cli("index", "status", "--index-url", url),
        share_cli("index", "rights", env={"IPLEDGER_INDEX_URL": url}),
    ):
        assert result.exit_code == 1, (result.stdout, result.stderr)
        message = result.stderr.strip()
        assert "\n" not in message and "--index-url" in message
        assert "postgresql://USER@HOST:PORT/DATABASE" in message
