"""A CLI declared once (issue 16): the chain options are declared in one place and taken before or after every
command, every command's --json output comes from a result model whose schema is generated, and the CLI imports the
SDK's public API only."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Patent, Run, assert_matches_schema, assert_one_line_error
from ipledger import dev_account
from ipledger.cli import app
from ipledger.cli._chain_options import ChainCommand, OutputCommand
from ipledger.cli._output import json_schema, result_type
from typer.main import get_command
from typer.testing import CliRunner

Json = Callable[..., Any]
CLI = Path(__file__).resolve().parents[2] / "sdk" / "ipledger" / "cli"
CHAIN_OPTIONS = (
    "--network",
    "--rpc-url",
    "--chain-id",
    "--registry",
    "--vault",
    "--desk",
    "--payment-token",
    "--from",
    "--confirmations",
    "--json",
)


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, sub in getattr(command, "commands", {}).items():
        if hasattr(sub, "commands"):
            yield from _walk(sub, (*path, name))
        else:
            yield (*path, name), sub


COMMANDS = dict(_walk(get_command(app)))


def test_the_walk_finds_every_command() -> None:
    assert len(COMMANDS) > 70
    assert {("history",), ("shares", "balance"), ("network", "add"), ("index", "transfers"), ("node", "status")} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_json_is_taken_before_and_after_every_command(path: tuple[str, ...]) -> None:
    runner = CliRunner()
    after = runner.invoke(app, [*path, "--json", "--help"])
    assert after.exit_code == 0, after.output
    before = runner.invoke(app, ["--json", "--from", "dev1", *path, "--help"])
    assert before.exit_code == 0, before.output
    if len(path) > 1:  # between a group and its command
        between = runner.invoke(app, [*path[:-1], "--json", "--from", "dev1", path[-1], "--help"])
        assert between.exit_code == 0, between.output
    assert isinstance(COMMANDS[path], ChainCommand)


@pytest.mark.parametrize("path", list(COMMANDS), ids=" ".join)
def test_every_command_prints_a_result_model_whose_schema_is_generated(path: tuple[str, ...]) -> None:
    result = result_type(COMMANDS[path].callback)
    assert result is not None, f"`ipledger {' '.join(path)}` declares no result model (_output.prints)"
    schema = json_schema(result)
    assert schema.get("properties") or schema.get("anyOf") or path == ("schema",)
    printed = CliRunner().invoke(app, ["schema", *path])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == schema
    assert "With --json prints" in CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200"}).stdout


def test_chain_commands_take_every_chain_option_after_them() -> None:
    for path, command in COMMANDS.items():
        options = {option for param in command.params for option in param.opts}
        if isinstance(command, OutputCommand):
            assert "--json" in options and "--rpc-url" not in options, path
        elif path == ("index", "transfers"):  # its own --from DATE wins; --from ACCOUNT goes before the command
            assert set(CHAIN_OPTIONS) - {"--from"} <= options
        else:
            assert set(CHAIN_OPTIONS) <= options, (path, set(CHAIN_OPTIONS) - options)


def _modules() -> list[Path]:
    return sorted(CLI.glob("*.py"))


def test_the_chain_options_are_declared_in_one_place() -> None:
    declared: dict[str, list[str]] = {}
    for module in _modules():
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Option":
                flags = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
                for flag in set(flags) & set(CHAIN_OPTIONS):
                    declared.setdefault(flag, []).append(module.name)
    expected = {flag: ["_chain_options.py"] for flag in CHAIN_OPTIONS}
    expected["--from"].append("_index_commands.py")  # `index transfers --from DATE`: another option, a date
    assert declared == expected


def test_the_cli_imports_only_the_public_api_of_the_sdk() -> None:
    private: list[str] = []
    for module in _modules():
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                name = node.module or ""
                if node.level >= 2 or (name.startswith("ipledger.") and not name.startswith("ipledger.cli")):
                    private.append(f"{module.name}:{node.lineno}: from {'.' * node.level}{name} import ...")
            elif isinstance(node, ast.Import):
                private += [
                    f"{module.name}:{node.lineno}: import {alias.name}"
                    for alias in node.names
                    if alias.name.startswith("ipledger.") and not alias.name.startswith("ipledger.cli")
                ]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                owner = node.value
                if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                    private.append(f"{module.name}:{node.lineno}: .{node.attr}")
    assert private == []


# ---------------------------------------------------------------------------- end to end, both placements


def _invoke(argv: list[str], **kwargs: Any) -> Any:
    result = CliRunner().invoke(app, argv, **kwargs)
    assert result.exit_code == 0, (argv, result.stderr, result.exception)
    return json.loads(result.stdout)


def test_history_with_the_options_before_or_after_is_the_same(
    registered: tuple[Patent, str], chain: Chain, cli_json: Json
) -> None:
    _, token = registered
    after = cli_json("history", token, "--from", "dev1")
    before = _invoke(["--json", "--from", "dev1", *chain.options, "history", token])
    assert_matches_schema(["history"], before)
    assert before == after
    split = _invoke(["--rpc-url", chain.node.rpc_url, "history", token, "--registry", chain.registry, "--json"])
    assert split == after


def test_a_transaction_signed_with_from_before_the_command(registered: tuple[Patent, str], chain: Chain) -> None:
    patent, token = registered
    deed = patent.file("deed.txt", "dev1 assigns to dev2\n")
    moved = _invoke(["--json", "--from", "dev1", *chain.options, "assign", token, "dev2", "--deed", str(deed)])
    assert_matches_schema(["assign"], moved)
    assert (moved["from"], moved["to"]) == (dev_account(1).address, dev_account(2).address)
    # After the command wins over before it: dev2 owns the right now, and signs.
    back = _invoke(
        ["--from", "dev1", *chain.options, "assign", token, "dev1", "--deed", str(deed), "--from", "dev2", "--json"]
    )
    assert back["from"] == dev_account(2).address


def test_the_environment_gives_what_no_option_gives(registered: tuple[Patent, str], chain: Chain) -> None:
    _, token = registered
    env = {"IPLEDGER_RPC_URL": chain.node.rpc_url, "IPLEDGER_REGISTRY": chain.registry}
    shown = _invoke(["--json", "show", token], env=env)
    assert shown["token_id"] == token
    refused = CliRunner().invoke(app, ["--registry", "0x" + "11" * 20, "show", token], env=env)
    assert refused.exit_code == 1  # the option before the command wins over the variable: no registry there


def test_share_commands_take_the_vault_before_the_command(fractionalized: str, chain: Chain, share_json: Json) -> None:
    after = share_json("shares", "cap-table", fractionalized)
    before = _invoke(["--json", *chain.options, "--vault", chain.vault, "shares", "cap-table", fractionalized])
    assert before == after
    between = _invoke(["shares", "--json", *chain.options, "--vault", chain.vault, "cap-table", fractionalized])
    assert between == after


def test_a_command_option_of_the_same_spelling_stays_the_commands(chain: Chain, cli: Run) -> None:
    moves = _invoke(["--from", "dev1", "--json", *chain.options, "index", "sync"])
    assert moves["to_block"] >= 0
    listed = cli("index", "transfers", "--from", "2000-01-01", "--to", "2999-12-31", "--json")
    assert listed.exit_code == 0, listed.stderr
    assert_matches_schema(["index", "transfers"], json.loads(listed.stdout))


def test_an_option_before_the_command_is_checked_as_after_it(registered: tuple[Patent, str], cli: Run) -> None:
    _, token = registered
    assert_one_line_error(cli("show", token, "--chain-id", "0"), "--chain-id", code=2)
    assert_one_line_error(cli("--chain-id", "0", "show", token, remote=False), "--chain-id", code=2)
    assert_one_line_error(cli("--no-such-option", "show", token, remote=False), "--no-such-option", code=2)


def test_publish_metadata_prints_its_record(registered: tuple[Patent, str], cli_json: Json) -> None:
    patent, token = registered
    shown = cli_json("show", token)
    record = {
        "title": shown["title"],
        "kind": "patent",
        "jurisdiction": "US",
        "number": patent.number,
        "grant_date": "2024-05-07",
    }
    path = patent.file("granted.json", json.dumps(record))
    published = cli_json("publish-metadata", token, "--metadata", str(path), "--from", "dev1")
    assert published["metadata_hash"] == cli_json("show", token)["metadata_hash"] != shown["metadata_hash"]
