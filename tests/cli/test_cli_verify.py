"""ipledger verify: the report's JSON shape, exit 0 when verified, exit 1 when a check fails and exit 2 when the
node's answers could not be proven against the trusted block hashes."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cli_support import Chain, Patent, Run, assert_matches_schema, assert_one_line_error, rpc_proxy_module

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
    checks = {check["name"]: check["ok"] for check in report["checks"]}
    assert all(checks[name] for name in ("checkpoint", "state_proof", "history", "owner_proof", "chain_id"))


def _blocks(rpc_url: str, *numbers: int | str, mine: int = 0) -> list[dict[str, Any]]:
    """The blocks ``numbers`` (or ``"latest"``) as JSON-RPC returns them, after mining ``mine`` empty blocks."""
    from web3 import Web3

    provider = Web3(Web3.HTTPProvider(rpc_url)).provider
    if mine:
        provider.make_request("anvil_mine", [hex(mine)])  # type: ignore[arg-type]
    return [
        provider.make_request("eth_getBlockByNumber", [n if isinstance(n, str) else hex(n), False])["result"]  # type: ignore[arg-type]
        for n in numbers
    ]


def _event_blocks(cli_json: Json, token: str) -> list[int]:
    return sorted({event["block"] for event in cli_json("history", token)["events"]})


def test_verify_against_several_checkpoints_from_options_and_a_file(
    registered: tuple[Patent, str], cli: Run, cli_json: Json, chain_rpc_url: str
) -> None:
    patent, token = registered
    assert cli("transfer", token, "dev2", "--from", "dev1").exit_code == 0
    registration, transfer = _event_blocks(cli_json, token)
    first, second, head = _blocks(chain_rpc_url, registration, transfer, "latest", mine=2)
    checkpoints = patent.file(
        "checkpoints.txt", f"# from the explorer\n{first['hash']}\n\n{second['hash']}  # the transfer\n"
    )
    report = cli_json("verify", token, "--trust-block-hash", head["hash"], "--checkpoints", str(checkpoints))
    assert report["verdict"] == "verified"
    assert report["checked_at_block"] == int(head["number"], 16)
    again = cli_json("verify", token, "--trust-block-hash", first["hash"], "--trust-block-hash", head["hash"])
    assert again["verdict"] == "verified"


def test_verify_with_an_unknown_checkpoint_is_a_one_line_error(
    registered: tuple[Patent, str], cli: Run, chain_rpc_url: str
) -> None:
    _, token = registered
    (head,) = _blocks(chain_rpc_url, "latest")
    bogus = "0x" + "34" * 32
    result = cli("verify", token, "--trust-block-hash", head["hash"], "--trust-block-hash", bogus, "--json")
    assert_one_line_error(result, "could not verify", f"the node does not know the trusted block {bogus}", code=2)


def test_checkpoints_file_with_a_bad_line_is_a_usage_error(registered: tuple[Patent, str], cli: Run) -> None:
    patent, token = registered
    bad = patent.file("checkpoints.txt", "# header\n0x" + "ab" * 32 + "\nnot-a-hash\n")
    result = cli("verify", token, "--checkpoints", str(bad))
    assert result.exit_code == 2
    assert "line 3" in result.stderr and "not-a-hash" in result.stderr
    empty = patent.file("empty.txt", "# nothing yet\n\n")
    assert "lists no block hash" in cli("verify", token, "--checkpoints", str(empty)).stderr


def test_verify_refuses_a_checkpoint_of_another_fork(
    registered: tuple[Patent, str], cli: Run, cli_json: Json, chain: Chain
) -> None:
    """A node of another fork, on which the right was registered two blocks earlier: the fork's checkpoint proves
    a history the later checkpoint (the block before the registration) never had."""
    from ipledger.audit._proofs import header_hash

    _, token = registered
    (registration,) = _event_blocks(cli_json, token)
    real, later, registered_block = _blocks(chain.node.rpc_url, registration - 2, registration - 1, registration)
    fork = dict(real, extraData="0x" + b"another fork".hex(), stateRoot=registered_block["stateRoot"])
    fork["hash"] = "0x" + header_hash(fork).hex()
    states = {registration - 2: registration}
    with rpc_proxy_module().side_block_proxy(chain.node.rpc_url, {fork["hash"]: fork}, states) as (url, _):
        options = ["--rpc-url", url, "--registry", chain.registry]
        result = cli(
            "verify",
            token,
            "--trust-block-hash",
            fork["hash"],
            "--trust-block-hash",
            later["hash"],
            *options,
            remote=False,
        )
    assert_one_line_error(result, "not on one chain", fork["hash"], later["hash"])


def test_verify_with_checkpoints_still_catches_a_withheld_event(
    registered: tuple[Patent, str], cli: Run, cli_json: Json, chain: Chain
) -> None:
    from ipledger.chain._events import TOPIC_OF

    _, token = registered
    assert cli("freeze", token, "--reason", "dispute").exit_code == 0
    assert cli("unfreeze", token, "--reason", "settled").exit_code == 0
    registration, _, unfrozen = _event_blocks(cli_json, token)
    first, last = _blocks(chain.node.rpc_url, registration, unfrozen)
    proxy_module = rpc_proxy_module()
    with proxy_module.lying_proxy(chain.node.rpc_url, lie="drop", topic=TOPIC_OF["Frozen"]) as (url, proxy):
        options = ["--rpc-url", url, "--registry", chain.registry]
        result = cli(
            "verify",
            token,
            "--trust-block-hash",
            first["hash"],
            "--trust-block-hash",
            last["hash"],
            *options,
            "--json",
            remote=False,
        )
    assert proxy.lies_told > 0
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["verdict"] == "inconclusive" and report["record"] is None
    assert [check["name"] for check in report["checks"] if not check["ok"]] == ["history"]
    assert "COULD NOT VERIFY: history" in result.stderr


def test_verify_exit_codes_with_a_trusted_block_hash(
    registered: tuple[Patent, str], cli: Run, cli_json: Json, chain: Chain
) -> None:
    """Exit 0 verified, 1 failed (a proven freeze), 2 inconclusive (a withheld event), with the verdict in words."""
    from ipledger.chain._events import TOPIC_OF

    _, token = registered
    (head,) = _blocks(chain.node.rpc_url, "latest")
    verified = cli("verify", token, "--trust-block-hash", head["hash"])
    assert verified.exit_code == 0 and "VERIFIED" in verified.stdout
    assert cli("freeze", token, "--reason", "dispute").exit_code == 0
    (frozen,) = _blocks(chain.node.rpc_url, "latest")
    failed = cli("verify", token, "--trust-block-hash", frozen["hash"])
    assert failed.exit_code == 1, (failed.stdout, failed.stderr)
    assert "FAILED" in failed.stdout and "verification failed: status" in failed.stderr
    with rpc_proxy_module().lying_proxy(chain.node.rpc_url, lie="drop", topic=TOPIC_OF["Frozen"]) as (url, proxy):
        options = ["--rpc-url", url, "--registry", chain.registry]
        unproven = cli("verify", token, "--trust-block-hash", frozen["hash"], *options, remote=False)
    assert proxy.lies_told > 0
    assert unproven.exit_code == 2, (unproven.stdout, unproven.stderr)
    assert "COULD NOT VERIFY" in unproven.stdout and "FAILED" not in unproven.stdout
    assert "COULD NOT VERIFY: history" in unproven.stderr


def test_verify_writes_a_proof_bundle_and_rechecks_it_offline(
    registered: tuple[Patent, str], cli: Run, chain: Chain, tmp_path: Any
) -> None:
    """``--bundle FILE`` with TOKEN writes the proofs; without TOKEN it re-checks them with no node (exit 0), and a
    tampered bundle cannot be verified (exit 2)."""
    _, token = registered
    (head,) = _blocks(chain.node.rpc_url, "latest")
    bundle = tmp_path / "proof.json"
    written = cli("verify", token, "--trust-block-hash", head["hash"], "--bundle", str(bundle))
    assert written.exit_code == 0, (written.stdout, written.stderr)
    assert bundle.is_file() and "Proof bundle written" in written.stderr
    offline = cli(
        "verify", "--bundle", str(bundle), "--trust-block-hash", head["hash"], "--rpc-url", "http://127.0.0.1:9"
    )
    assert offline.exit_code == 0, (offline.stdout, offline.stderr)
    assert "VERIFIED offline" in offline.stdout
    payload = json.loads(bundle.read_text("utf-8"))
    logs = [log for key, answer in payload["answers"].items() if json.loads(key)[0] == "eth_getLogs" for log in answer]
    victim = next(log for log in logs if len(log["data"]) > 2)
    victim["data"] = victim["data"][:-1] + ("1" if victim["data"][-1] == "0" else "0")
    bundle.write_text(json.dumps(payload), "utf-8")
    tampered = cli("verify", "--bundle", str(bundle), "--trust-block-hash", head["hash"], "--json")
    assert tampered.exit_code == 2, (tampered.stdout, tampered.stderr)
    assert json.loads(tampered.stdout)["verdict"] == "inconclusive"
    assert_matches_schema(["verify"], json.loads(tampered.stdout))
    missing = cli("verify", "--trust-block-hash", head["hash"])
    assert missing.exit_code == 2 and "TOKEN" in missing.stderr


def test_verify_on_a_node_without_eth_get_proof_cannot_verify(
    registered: tuple[Patent, str], cli: Run, chain: Chain
) -> None:
    """A node that does not serve ``eth_getProof`` (or has pruned the checkpoint's state): one line, exit 2."""
    proxies = rpc_proxy_module()

    class NoProofs(proxies.LimitingProxy):  # type: ignore[name-defined,misc]
        def handle(self, request: dict[str, Any]) -> dict[str, Any]:
            if request.get("method") == "eth_getProof":
                error = {"code": -32601, "message": "the method eth_getProof does not exist/is not available"}
                return {"jsonrpc": "2.0", "id": request.get("id"), "error": error}
            return dict(super().handle(request))

    _, token = registered
    (head,) = _blocks(chain.node.rpc_url, "latest")
    with proxies.serve(NoProofs(chain.node.rpc_url, max_blocks=2**62)) as url:
        options = ["--rpc-url", url, "--registry", chain.registry]
        result = cli("verify", token, "--trust-block-hash", head["hash"], *options, remote=False)
    assert_one_line_error(result, "could not verify", "eth_getProof", code=2)


def test_checkpoint_prints_the_latest_block_hash_alone(cli: Run, chain: Chain) -> None:
    result = cli("checkpoint")
    assert result.exit_code == 0, result.stderr
    (head,) = _blocks(chain.node.rpc_url, "latest")
    assert result.stdout.strip() == head["hash"] and "Block " in result.stderr
    earlier = cli("checkpoint", "--block", "1", "--json")
    assert json.loads(earlier.stdout)["block"] == 1
    assert_matches_schema(["checkpoint"], json.loads(earlier.stdout))
