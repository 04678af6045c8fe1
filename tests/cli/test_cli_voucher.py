"""``ipledger voucher sign|submit|cancel|show`` (issue 16): a registrar signs a voucher file for a right's owner,
anyone submits it and the token goes to the owner; refusals are one line naming the registry's error (or, for a
file that was edited or made for another chain, refused before anything is sent)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import Chain, Patent, Run, assert_one_line_error, rpc_proxy_module
from ipledger import Ledger, cn_application, dev_account
from web3 import Web3
from web3.types import RPCEndpoint

Json = Callable[..., Any]
_cn_serials = itertools.count(3_100_000)
DEV1 = dev_account(1).address
DEV2 = dev_account(2).address


def _head(chain: Chain) -> int:
    return int(Web3(Web3.HTTPProvider(chain.node.rpc_url)).eth.block_number)


def _sign(cli_json: Json, patent: Patent, *extra: str, to: str = "dev1") -> tuple[Path, Any]:
    """``voucher sign`` of ``patent`` for ``to`` by dev0 (the registrar): the file and the printed voucher."""
    file = patent.folder / "voucher.json"
    signed = cli_json("voucher", "sign", *patent.options, "--to", to, "--out", str(file), "--from", "dev0", *extra)
    return file, signed


def _edit(file: Path, **changes: Any) -> Path:
    data = json.loads(file.read_text("utf-8"))
    data.update(changes)
    edited = file.with_name("edited.json")
    edited.write_text(json.dumps(data), "utf-8")
    return edited


def test_sign_then_submit_by_the_recipient_registers_the_right_to_it(cli_json: Json, patent: Patent) -> None:
    file, signed = _sign(cli_json, patent)
    assert signed["format"] == "ipledger.voucher.v1"
    assert signed["to"] == DEV1
    assert signed["signer"] == dev_account(0).address
    assert signed["numbers"] == [patent.canonical]
    assert signed["title"] == f"Battery electrode {patent.number}"
    assert signed["file"] == str(file)
    assert json.loads(file.read_text("utf-8"))["signature"] == signed["signature"]

    shown = cli_json("voucher", "show", str(file))
    assert shown["state"] == "valid"
    assert (shown["recipient"], shown["signer"], shown["signer_is_registrar"]) == (DEV1, signed["signer"], True)
    assert (shown["nonce"], shown["current_nonce"], shown["registered"]) == (signed["nonce"], signed["nonce"], False)

    submitted = cli_json("voucher", "submit", str(file), "--from", "dev1")
    assert submitted["token_id"] == signed["token_id"]
    assert submitted["owner"] == submitted["recipient"] == submitted["submitted_by"] == DEV1
    assert submitted["registrar"] == signed["signer"]
    assert submitted["numbers"][0]["number"] == patent.canonical
    record = cli_json("show", signed["token_id"])
    assert record["owner"] == DEV1
    assert record["registrar"] == signed["signer"]
    assert not record["self_declared"]

    used = cli_json("voucher", "show", str(file))
    assert used["state"] == "used"
    assert (used["used_tx"], used["submitted_by"], used["owner"]) == (submitted["tx_hash"], DEV1, DEV1)


def test_anyone_may_submit_and_the_token_still_goes_to_the_recipient(cli: Run, cli_json: Json, patent: Patent) -> None:
    file, _ = _sign(cli_json, patent)
    submitted = cli_json("voucher", "submit", str(file), "--from", "dev2")
    assert (submitted["owner"], submitted["submitted_by"]) == (DEV1, DEV2)
    human = cli("voucher", "show", str(file))
    assert human.exit_code == 0, human.stderr
    assert "already used" in human.stdout
    assert "submitted by dev2" in human.stdout
    again = cli("voucher", "submit", str(file), "--from", "dev2")
    assert_one_line_error(again, "InvalidAccountNonce", "already used", submitted["tx_hash"])


def test_a_chinese_patent_by_voucher_keeps_its_title_and_number(cli: Run, cli_json: Json, tmp_path: Path) -> None:
    number = cn_application(2021, 1, next(_cn_serials)).canonical
    documents = []
    for name in ("权利要求书.pdf", "说明书.pdf"):
        path = tmp_path / name
        path.write_text(f"{name} {number}\n", "utf-8")
        documents.append(path)
    title = "一种固态电池电极及其制备方法"
    file = tmp_path / "凭证.json"
    sign = cli(
        "voucher", "sign", "--title", title, "--kind", "patent_application", "--number", number,
        "--doc", f"claims={documents[0]}", "--doc", f"description={documents[1]}",
        "--to", "dev1", "--out", str(file), "--from", "dev0",
    )  # fmt: skip
    assert sign.exit_code == 0, sign.stderr
    assert title in sign.stdout and number in sign.stdout
    assert f'"title": "{title}"' in file.read_text("utf-8")  # the file is UTF-8, the title readable

    shown = cli("voucher", "show", str(file), "--doc", f"claims={documents[0]}", "--doc", str(documents[1]))
    assert shown.exit_code == 0, shown.stderr
    assert "is valid" in shown.stdout and title in shown.stdout and number in shown.stdout
    assert "match the content hash (2 documents)" in shown.stdout
    other = cli_json("voucher", "show", str(file), "--doc", str(documents[0]))
    assert other["documents_match"] is False

    submitted = cli("voucher", "submit", str(file), "--from", "dev1")
    assert submitted.exit_code == 0, submitted.stderr
    assert title in submitted.stdout and "owned by dev1" in submitted.stdout
    record = cli_json("show", number)
    assert record["owner"] == DEV1
    assert record["title"] == title
    assert record["kind"] == "patent_application"


def test_a_confidential_title_stays_out_of_the_file(cli_json: Json, patent: Patent) -> None:
    file, signed = _sign(cli_json, patent, "--confidential", "title")
    assert signed["title"] is None
    assert "Battery electrode" not in file.read_text("utf-8")
    assert cli_json("voucher", "submit", str(file), "--from", "dev1")["owner"] == DEV1


def test_a_cancelled_voucher_is_refused_naming_the_cancellation(cli: Run, cli_json: Json, patent: Patent) -> None:
    file, signed = _sign(cli_json, patent, to="dev4")
    cancelled = cli_json("voucher", "cancel", "--to", "dev4", "--from", "dev0")
    assert cancelled["action"] == "voucher_cancelled"
    assert (cancelled["recipient"], cancelled["nonce"]) == (dev_account(4).address, signed["nonce"])
    assert cancelled["registrar"] == dev_account(0).address

    refused = cli("voucher", "submit", str(file), "--from", "dev4")
    assert_one_line_error(refused, "InvalidAccountNonce", "cancelled it in tx", cancelled["tx_hash"])
    shown = cli_json("voucher", "show", str(file))
    assert (shown["state"], shown["cancelled_tx"], shown["registered"]) == ("cancelled", cancelled["tx_hash"], False)


def test_only_a_registrar_cancels_or_signs(cli: Run, patent: Patent) -> None:
    assert_one_line_error(cli("voucher", "cancel", "--to", "dev1", "--from", "dev3"), "lacks the registrar role")
    file = patent.folder / "voucher.json"
    refused = cli("voucher", "sign", *patent.options, "--to", "dev3", "--out", str(file), "--from", "dev3")
    assert_one_line_error(refused, "is not a registrar", "InvalidVoucherSigner", "grant-role registrar dev3")
    assert not file.exists()


def test_a_later_nonce_waits_for_the_earlier_voucher(cli: Run, cli_json: Json, patent: Patent, tmp_path: Path) -> None:
    current = int(cli_json("voucher", "show", str(_sign(cli_json, patent, to="dev5")[0]))["current_nonce"])
    later = tmp_path / "later.json"
    signed = cli_json(
        "voucher",
        "sign",
        *patent.options,
        "--to",
        "dev5",
        "--out",
        str(later),
        "--nonce",
        str(current + 1),
        "--from",
        "dev0",
    )
    assert int(signed["nonce"]) == current + 1
    assert cli_json("voucher", "show", str(later))["state"] == "waiting"
    assert_one_line_error(cli("voucher", "submit", str(later), "--from", "dev5"), "InvalidAccountNonce", "first")


def test_an_expired_voucher_is_refused(cli: Run, cli_json: Json, chain: Chain, patent: Patent) -> None:
    file, _ = _sign(cli_json, patent, "--valid-for", "30s")
    w3 = Web3(Web3.HTTPProvider(chain.node.rpc_url))
    w3.provider.make_request(RPCEndpoint("evm_increaseTime"), [120])
    w3.provider.make_request(RPCEndpoint("evm_mine"), [])
    assert cli_json("voucher", "show", str(file))["state"] == "expired"
    head = _head(chain)
    refused = cli("voucher", "submit", str(file), "--from", "dev1")
    assert_one_line_error(refused, "VoucherExpired", "the voucher expired at", "ask the registrar for a new one")
    assert _head(chain) == head


def test_a_voucher_edited_for_another_recipient_is_refused_before_sending(
    cli: Run, cli_json: Json, chain: Chain, patent: Patent
) -> None:
    file, _ = _sign(cli_json, patent)
    head = _head(chain)
    stolen = _edit(file, to=DEV2)
    line = assert_one_line_error(cli("voucher", "submit", str(stolen), "--from", "dev2"), "field 'signer'", "altered")
    assert str(stolen) in line
    # Naming the stranger the signature now recovers to as the signer: the registry refuses it, by name.
    recovered = line.split("recovers to ")[1].split(",")[0]
    disguised = _edit(stolen, signer=recovered)
    refused = cli("voucher", "submit", str(disguised), "--from", "dev2")
    assert_one_line_error(refused, "InvalidVoucherSigner", recovered, "is not a registrar")
    assert cli_json("voucher", "show", str(disguised))["state"] == "not_registrar"
    assert _head(chain) == head
    assert cli_json("voucher", "submit", str(file), "--from", "dev2")["owner"] == DEV1


def test_a_voucher_for_another_chain_is_refused_before_sending(
    cli: Run, cli_json: Json, chain: Chain, patent: Patent
) -> None:
    file = patent.folder / "chain5.json"
    registrar_key = {"VOUCHER_TEST_KEY": "0x" + dev_account(0).account.key.hex().removeprefix("0x")}
    with rpc_proxy_module().chain_id_proxy(chain.node.rpc_url, reported=5) as (url, _):
        signed = cli(
            "voucher", "sign", *patent.options, "--to", DEV1, "--out", str(file), "--from", "env:VOUCHER_TEST_KEY",
            "--rpc-url", url, "--registry", chain.registry, "--chain-id", "5", remote=False, env=registrar_key,
        )  # fmt: skip
    assert signed.exit_code == 0, signed.stderr
    assert json.loads(file.read_text("utf-8"))["chain_id"] == 5
    head = _head(chain)
    refused = cli("voucher", "submit", str(file), "--from", "dev1")
    assert_one_line_error(
        refused, "reports chain 31337", f"the registry {chain.registry} is on chain 5 (the voucher's chain_id)"
    )
    assert_one_line_error(cli("voucher", "show", str(file)), "on chain 5")
    assert _head(chain) == head


def test_the_files_registry_is_used_without_registry_and_checked_against_it(
    cli: Run, cli_json: Json, chain: Chain, patent: Patent
) -> None:
    file, _ = _sign(cli_json, patent)
    shown = cli("voucher", "show", str(file), "--rpc-url", chain.node.rpc_url, "--json", remote=False)
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["registry"] == chain.registry
    other = Ledger.connect(chain.node.rpc_url, account="dev0")
    other.deploy()
    elsewhere = cli(
        "voucher", "submit", str(file), "--from", "dev1",
        "--rpc-url", chain.node.rpc_url, "--registry", other.contracts.registry_address, remote=False,
    )  # fmt: skip
    assert_one_line_error(elsewhere, "field 'registry'", chain.registry)


def test_malformed_files_are_one_line_naming_the_field(cli: Run, cli_json: Json, patent: Patent) -> None:
    file, signed = _sign(cli_json, patent)
    registration = signed["registration"]
    cases = {
        "registration.content_hash": {"registration": {**registration, "content_hash": "0x1234"}},
        "registration.numbers[0]": {"registration": {**registration, "numbers": ["0xnot-hex"]}},
        "registration.record": {"registration": {**registration, "record": "0xabc"}},
        "signature": {"signature": signed["signature"][:-2]},
        "'to'": {"to": "0x1234"},
        "'title'": {"title": "Another title"},
        "'format'": {"format": "ipledger.voucher.v0"},
    }
    for field, change in cases.items():
        assert_one_line_error(cli("voucher", "show", str(_edit(file, **change))), field)
    broken = patent.file("broken.json", "{not json")
    assert_one_line_error(cli("voucher", "submit", str(broken)), "not valid JSON")
    assert_one_line_error(cli("voucher", "show", str(patent.folder / "missing.json")), "no such file")
