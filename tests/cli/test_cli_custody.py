"""assign / transfer, freeze / unfreeze, force-transfer, and the history they leave."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from cli_support import Chain, Patent, Run, assert_one_line_error
from ipledger import IPMetadata, Ledger, RevokedRightError, dev_account
from ipledger.cli._errors import describe

Json = Callable[..., Any]


def _sha256(data: bytes) -> str:
    return "0x" + hashlib.sha256(data).hexdigest()


def test_assign_with_a_deed_moves_the_right_and_records_the_deed(
    registered: tuple[Patent, str], cli_json: Json
) -> None:
    patent, token = registered
    deed = patent.file("deed.txt", "dev1 assigns to dev2\n")
    out = cli_json("assign", token, "dev2", "--deed", str(deed), "--from", "dev1")
    assert set(out) == {"token_id", "token_id_dec", "action", "from", "to", "deed_hash", "tx_hash", "block", "gas_used"}
    assert out["action"] == "assignment"
    assert out["from"] == dev_account(1).address
    assert out["to"] == dev_account(2).address
    assert out["deed_hash"] == _sha256(deed.read_bytes())
    assert cli_json("show", token)["owner"] == dev_account(2).address


def test_assign_without_a_deed_is_a_usage_error(registered: tuple[Patent, str], cli: Run) -> None:
    _, token = registered
    result = cli("assign", token, "dev2", "--from", "dev1")
    assert_one_line_error(result, "--deed", code=2)


def test_transfer_without_a_deed_is_a_plain_erc721_transfer(registered: tuple[Patent, str], cli_json: Json) -> None:
    _, token = registered
    out = cli_json("transfer", token, "dev3", "--from", "dev1")
    assert out["action"] == "transfer"
    assert out["deed_hash"] is None
    events = cli_json("history", token)["events"]
    assert [event["kind"] for event in events] == ["registered", "transfer"]


def test_transfer_with_a_deed_is_an_assignment(registered: tuple[Patent, str], cli_json: Json) -> None:
    patent, token = registered
    deed = patent.file("deed.txt", "deed\n")
    out = cli_json("transfer", token, "dev3", "--deed", str(deed), "--from", "dev1")
    assert out["action"] == "assignment"
    assert cli_json("history", token)["events"][-1]["kind"] == "assignment"


def test_assign_from_someone_else_than_the_owner_names_the_owner(registered: tuple[Patent, str], cli: Run) -> None:
    patent, token = registered
    deed = patent.file("deed.txt", "deed\n")
    result = cli("assign", token, "dev2", "--deed", str(deed))  # --from defaults to dev0, the registrar
    assert_one_line_error(result, "NotOwnerNorApproved", "pass --from dev1")


def test_history_lists_every_event_in_chain_order(registered: tuple[Patent, str], cli_json: Json) -> None:
    patent, token = registered
    deed = patent.file("deed.txt", "deed\n")
    cli_json("assign", token, "dev2", "--deed", str(deed), "--from", "dev1")
    cli_json("freeze", token, "--reason", "case 1:26-cv-1")
    cli_json("unfreeze", token, "--reason", "settled")
    order = patent.file("order.txt", "court order\n")
    cli_json("force-transfer", token, "dev5", "--order", str(order))
    out = cli_json("history", token)
    assert set(out) == {"token_id", "token_id_dec", "events", "source", "index_block", "index_behind"}
    assert (out["source"], out["index_block"], out["index_behind"]) == ("node", None, None)
    assert out["token_id"] == token
    kinds = [event["kind"] for event in out["events"]]
    assert kinds == ["registered", "assignment", "frozen", "unfrozen", "forced_transfer"]
    blocks = [event["block"] for event in out["events"]]
    assert blocks == sorted(blocks) and len(set(blocks)) == len(blocks)
    for event in out["events"]:
        assert {"kind", "from", "to", "block", "timestamp", "tx_hash"} <= set(event)
    registered_event, assignment, frozen, _, forced = out["events"]
    assert registered_event["to"] == dev_account(1).address
    assert assignment["from"] == dev_account(1).address and assignment["to"] == dev_account(2).address
    assert assignment["deed_hash"] == _sha256(deed.read_bytes())
    assert frozen["order_hash"] == _sha256(b"case 1:26-cv-1")
    assert forced["by"] == dev_account(0).address and forced["to"] == dev_account(5).address


def test_history_human_output_is_a_table_in_order(registered: tuple[Patent, str], cli: Run) -> None:
    _, token = registered
    assert cli("freeze", token, "--reason", "r").exit_code == 0
    result = cli("history", token)
    assert result.exit_code == 0, result.stderr
    assert "2 events, oldest first" in result.stdout
    assert result.stdout.index("registered") < result.stdout.index("frozen")
    assert "→ dev1 by dev0" in result.stdout


def test_a_frozen_right_cannot_be_assigned(registered: tuple[Patent, str], cli: Run, cli_json: Json) -> None:
    patent, token = registered
    order = patent.file("order.txt", "freeze it\n")
    frozen = cli_json("freeze", token, "--order", str(order))
    assert frozen["status"] == "frozen"
    assert frozen["order_hash"] == _sha256(order.read_bytes())
    deed = patent.file("deed.txt", "deed\n")
    result = cli("assign", token, "dev2", "--deed", str(deed), "--from", "dev1", "--json")
    assert_one_line_error(result, "frozen", "TokenIsFrozen", token)
    assert cli_json("show", token)["owner"] == dev_account(1).address


def test_freeze_needs_an_order_or_a_reason_but_not_both(registered: tuple[Patent, str], cli: Run) -> None:
    patent, token = registered
    assert_one_line_error(cli("freeze", token), "--order FILE or --reason TEXT", code=2)
    order = patent.file("order.txt", "x\n")
    assert_one_line_error(cli("freeze", token, "--order", str(order), "--reason", "y"), "not both", code=2)


def test_only_a_registrar_can_freeze(registered: tuple[Patent, str], cli: Run) -> None:
    _, token = registered
    assert_one_line_error(cli("freeze", token, "--reason", "x", "--from", "dev1"), "registrar role")


def test_revoke_burns_the_right_and_a_registrar_registers_it_again(
    registered: tuple[Patent, str], cli: Run, cli_json: Json
) -> None:
    patent, token = registered
    order = patent.file("order.txt", "revocation order\n")
    out = cli_json("revoke", token, "--order", str(order))
    keys = {"token_id", "token_id_dec", "action", "holder", "by", "order_hash", "tx_hash", "block", "gas_used"}
    assert set(out) == keys
    assert (out["action"], out["holder"], out["by"]) == ("revoked", dev_account(1).address, dev_account(0).address)
    assert out["order_hash"] == _sha256(order.read_bytes())
    shown = cli_json("show", token)
    assert (shown["status"], shown["owner"], shown["revoked_by"]) == ("revoked", out["holder"], out["by"])
    assert shown["revocation_order"] == out["order_hash"]
    assert "revoked" in cli("show", token).stdout
    assert cli_json("history", token)["events"][-1]["kind"] == "revoked"
    again = cli_json("register", *patent.options, "--to", "dev2", "--from", "dev0")
    assert again["token_id"] == token
    assert cli_json("show", token)["owner"] == dev_account(2).address


def test_only_a_registrar_can_revoke(registered: tuple[Patent, str], cli: Run, cli_json: Json) -> None:
    _, token = registered
    assert_one_line_error(cli("revoke", token, "--reason", "x", "--from", "dev1"), "registrar role")
    assert cli_json("show", token)["owner"] == dev_account(1).address


def test_a_claim_committed_before_the_revocation_is_refused_in_one_line(
    patent: Patent, chain: Chain, cli_json: Json
) -> None:
    """dev4 commits to a claim, a registrar registers the right to dev1 and later revokes it: dev4's reveal would
    bring back a revoked right, and is refused."""
    claimant = Ledger.connect(chain.node.rpc_url, registry=chain.registry, account="dev4")
    metadata = IPMetadata(title="Battery electrode", kind="patent", jurisdiction="US", number=patent.number)
    ticket = claimant.rights.commit_claim(claimant.rights.prepare(metadata, patent.documents))
    token = cli_json("register", *patent.options, "--to", "dev1", "--from", "dev0")["token_id"]
    revoked = cli_json("revoke", token, "--reason", "judgment 2026/11")
    with pytest.raises(RevokedRightError) as caught:
        claimant.rights.reveal_claim(ticket)
    message = describe(caught.value)
    assert "\n" not in message
    assert f"revoked at block {revoked['block']}" in message and "RevokedRight" in message
