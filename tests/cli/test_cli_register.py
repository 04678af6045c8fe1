"""ipledger register: from options, from JSON and YAML metadata files, by a registrar or as a claim."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Patent, Run
from ipledger import dev_account, know_how_number, parse_number, parse_token_id, right_id

Json = Callable[..., Any]

REGISTER_KEYS = {
    "token_id",
    "token_id_dec",
    "content_hash",
    "owner",
    "tx_hash",
    "block",
    "gas_used",
    "metadata_hash",
    "record_bytes",
    "self_declared",
    "registrar",
    "identifier",
    "numbers",
    "unpublished_salt",
    "documents",
    "metadata",
    "registry",
    "chain_id",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_register_with_options_prints_the_documented_json(patent: Patent, cli_json: Json) -> None:
    out = cli_json("register", *patent.options, "--to", "dev1")
    assert set(out) == REGISTER_KEYS
    assert out["token_id"] == hex(right_id(patent.number))
    assert out["token_id_dec"] == str(parse_token_id(out["token_id"]))
    assert out["owner"] == dev_account(1).address
    assert out["registrar"] == dev_account(0).address
    assert out["self_declared"] is False
    assert out["tx_hash"].startswith("0x") and len(out["tx_hash"]) == 66
    assert out["content_hash"].startswith("0x") and len(out["content_hash"]) == 66
    assert {doc["sha256"] for doc in out["documents"]} == {_sha256(path) for path in patent.documents}
    assert all("name" not in doc for doc in out["documents"])  # documents are known by content, never by name
    assert out["record_bytes"] > 0 and out["metadata_hash"].startswith("0x")
    assert out["metadata"]["number"] == patent.canonical
    assert out["identifier"] == patent.canonical
    number = parse_number(patent.number)
    assert out["numbers"] == [
        {"number": patent.canonical, "office": "US", "series": "PN", "family": False, "packed": hex(number.packed)}
    ]
    assert out["unpublished_salt"] is None


def test_register_human_output_says_what_happened_in_one_line(patent: Patent, cli: Run) -> None:
    result = cli("register", *patent.options, "--to", "dev1")
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"Registered patent {patent.canonical} as token 0x")
    assert "owned by dev1 (0x7099…79C8)" in first
    token = hex(right_id(patent.number))
    assert token in result.stdout  # the full id, to copy into the next command


def test_register_from_a_json_metadata_file(patent: Patent, cli_json: Json) -> None:
    metadata = patent.file(
        "metadata.json",
        json.dumps(
            {
                "title": "Anode coating",
                "kind": "patent",
                "jurisdiction": "US",
                "number": patent.number,
                "inventors": ["Li Wei"],
                "filing_date": "2019-03-01",
                "grant_date": "2022-06-14",
            }
        ),
    )
    out = cli_json("register", "--metadata", str(metadata), "--doc", str(patent.documents[0]))
    assert out["metadata"]["title"] == "Anode coating"
    assert out["metadata"]["inventors"] == ["Li Wei"]
    assert out["metadata"]["grant_date"] == "2022-06-14"
    assert out["owner"] == dev_account(0).address  # no --to: the registrar itself


def test_register_from_a_yaml_file_keeps_norway_a_country_and_numbers_strings(patent: Patent, cli_json: Json) -> None:
    # Norway has no numbering rules here: its rights are registered as know-how under the owner's reference.
    reference = patent.number.split()[1].replace(",", "")
    metadata = patent.file(
        "metadata.yaml",
        f"title: Fish feed\nkind: trade_secret\njurisdiction: NO\nnumber: {reference}\nfiling_date: 2020-05-04\n",
    )
    out = cli_json("register", "--metadata", str(metadata), "--doc", str(patent.documents[0]), "--to", "dev2")
    assert out["metadata"]["jurisdiction"] == "NO"
    assert out["metadata"]["number"] == reference
    number = know_how_number(reference, "NO")
    assert out["identifier"] == number.canonical
    assert out["token_id"] == hex(number.key)


def test_register_options_override_and_complete_the_metadata_file(patent: Patent, cli_json: Json) -> None:
    metadata = patent.file("metadata.yml", "title: Old title\nkind: design\njurisdiction: US\nassignee: ACME\n")
    out = cli_json(
        "register",
        "--metadata",
        str(metadata),
        "--title",
        "New title",
        "--kind",
        "patent",
        "--number",
        patent.number,
        "--doc",
        str(patent.documents[0]),
    )
    assert out["metadata"]["title"] == "New title"
    assert out["metadata"]["kind"] == "patent"
    assert out["metadata"]["assignee"] == "ACME"
    assert out["token_id"] == hex(right_id(patent.number))


def test_register_claim_is_self_declared_and_owned_by_the_claimant(patent: Patent, cli_json: Json) -> None:
    out = cli_json("register", *patent.options, "--claim", "--from", "dev4")
    assert out["self_declared"] is True
    assert out["registrar"] is None
    assert out["owner"] == dev_account(4).address
    shown = cli_json("show", out["token_id"])
    assert shown["self_declared"] is True
    assert shown["registrar"] is None


@pytest.mark.parametrize("spelling", ["hex", "decimal"])
def test_show_accepts_token_ids_in_hex_and_decimal(
    registered: tuple[Patent, str], cli_json: Json, spelling: str
) -> None:
    _, token = registered
    argument = token if spelling == "hex" else str(int(token, 16))
    shown = cli_json("show", argument)
    assert shown["token_id"] == token
    assert shown["token_id_dec"] == str(int(token, 16))
    assert shown["owner"] == dev_account(1).address
    assert shown["status"] == "active"
    assert "token_id_hex" not in shown


def test_grant_role_lets_a_new_registrar_register(patent: Patent, cli: Run, cli_json: Json) -> None:
    refused = cli("register", *patent.options, "--from", "dev6")
    assert refused.exit_code == 1
    assert "registrar role" in refused.stderr
    granted = cli_json("grant-role", "registrar", "dev6")
    assert granted["role"] == "registrar"
    assert granted["account"] == dev_account(6).address
    out = cli_json("register", *patent.options, "--from", "dev6")
    assert out["registrar"] == dev_account(6).address
