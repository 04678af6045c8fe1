"""ipledger verify: the report's JSON shape, exit 0 when verified and exit 1 when a check fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cli_support import Patent, Run

Json = Callable[..., Any]


def test_verify_with_the_registered_documents_passes(registered: tuple[Patent, str], cli_json: Json) -> None:
    patent, token = registered
    docs = [arg for path in patent.documents for arg in ("--doc", str(path))]
    report = cli_json("verify", token, *docs)
    assert report["verdict"] == "verified"
    assert report["token_id"] == token
    names = [check["name"] for check in report["checks"]]
    assert "documents" in names and "custody" in names and "registry_code" in names
    assert all(set(check) == {"name", "ok", "detail"} and check["ok"] for check in report["checks"])
    assert {"notices", "record", "events", "registry", "chain_id", "checked_at_block"} <= set(report)


def test_verify_with_a_wrong_document_fails_with_exit_1(registered: tuple[Patent, str], cli: Run) -> None:
    patent, token = registered
    forged = patent.file("forged.txt", "not the claims\n")
    result = cli("verify", token, "--doc", str(forged), "--doc", str(patent.documents[1]), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["verdict"] == "failed"
    failed = [check["name"] for check in report["checks"] if not check["ok"]]
    assert failed == ["documents"]


def test_verify_checks_the_metadata_file_against_the_registered_uri(patent: Patent, cli: Run, cli_json: Json) -> None:
    metadata = patent.file(
        "metadata.yaml", f"title: Cathode\nkind: patent\njurisdiction: US\nnumber: {patent.number}\n"
    )
    docs = [arg for path in patent.documents for arg in ("--doc", str(path))]
    token = cli_json("register", "--metadata", str(metadata), *docs)["token_id"]
    good = cli_json("verify", token, *docs, "--metadata", str(metadata))
    assert {check["name"]: check["ok"] for check in good["checks"]}["metadata"] is True
    metadata.write_text(metadata.read_text("utf-8").replace("Cathode", "Anode"), "utf-8")
    bad = cli("verify", token, *docs, "--metadata", str(metadata), "--json")
    assert bad.exit_code == 1
    assert {check["name"]: check["ok"] for check in json.loads(bad.stdout)["checks"]}["metadata"] is False


def test_verify_of_a_frozen_right_fails_and_says_why(registered: tuple[Patent, str], cli: Run) -> None:
    _, token = registered
    assert cli("freeze", token, "--reason", "dispute").exit_code == 0
    result = cli("verify", token)
    assert result.exit_code == 1
    assert "FAILED" in result.stdout and "status" in result.stdout
    assert "frozen in block" in result.stdout  # the notice
    assert "verification failed: status" in result.stderr


def test_verify_against_a_trusted_block_hash_proves_everything(
    registered: tuple[Patent, str], cli_json: Json, chain_rpc_url: str
) -> None:
    from web3 import Web3

    _, token = registered
    head = Web3(Web3.HTTPProvider(chain_rpc_url)).eth.get_block("latest")
    report = cli_json("verify", token, "--trust-block-hash", "0x" + bytes(head["hash"]).hex())
    assert report["verdict"] == "verified"
    names = {check["name"] for check in report["checks"]}
    assert {"header_chain", "receipts_root", "log_not_in_receipts", "log_withheld", "owner_proof"} <= names
