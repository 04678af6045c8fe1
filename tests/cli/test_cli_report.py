"""report: audit reports in every format, signed with --sign and checked offline with `report verify`."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Patent, Run, assert_matches_schema, assert_one_line_error
from ipledger import dev_account

Json = Callable[..., Any]


@pytest.fixture
def storied(registered: tuple[Patent, str], cli_json: Json, share_json: Json, cli_investors: None) -> str:
    """dev1's patent assigned to dev2, frozen, unfrozen, forced back to dev1 and fractionalized by dev1."""
    patent, token = registered
    deed = patent.file("deed.txt", "deed\n")
    cli_json("assign", token, "dev2", "--deed", str(deed), "--from", "dev1")
    cli_json("freeze", token, "--reason", "case 1:26-cv-9")
    cli_json("unfreeze", token, "--reason", "settled")
    cli_json("force-transfer", token, "dev1", "--reason", "judgment 2026/9")
    share_json(
        "shares",
        "fractionalize",
        token,
        "--name",
        "Report shares",
        "--symbol",
        "RPS",
        "--supply",
        "500",
        "--from",
        "dev1",
    )
    return token


def test_report_json_to_stdout_has_the_timeline(storied: str, share_cli: Run) -> None:
    result = share_cli("report", storied)
    assert result.exit_code == 0, (result.stderr, result.exception)
    report = json.loads(result.stdout)
    (right,) = report["rights"]
    assert report["schema"] == "ipledger.audit-report.v1" and report["verdict"] == "verified"
    assert [interval["acquired_by"] for interval in right["custody"]] == [
        "registered",
        "assignment",
        "forced_transfer",
        "fractionalized",
    ]
    assert right["cap_table"]["symbol"] == "RPS" and right["licences"] == []


def test_report_every_format_to_a_file(storied: str, share_cli: Run, tmp_path: Path) -> None:
    for fmt in ("json", "csv", "html"):
        path = tmp_path / f"report.{fmt}"
        result = share_cli("report", storied, "--format", fmt, "--output", str(path), "--json")
        assert result.exit_code == 0, (result.stderr, result.exception)
        summary = json.loads(result.stdout)
        assert_matches_schema(["report"], summary)
        assert summary["format"] == fmt and summary["rights"] == 1 and summary["signature"] is None
        assert path.stat().st_size > 500
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text())))
    assert sum(row["row_type"] == "custody" for row in rows) == 4
    page = (tmp_path / "report.html").read_text()
    assert page.count('class="custody-bar"') == 4 and "<script" not in page


def test_portfolio_and_all_reports(storied: str, share_cli: Run) -> None:
    mine = json.loads(share_cli("report", "--owner", "dev2").stdout)
    assert mine["scope"] == "owner" and storied not in [right["token_id_hex"] for right in mine["rights"]]
    reported = share_cli("report", "--all")
    assert reported.exit_code == 0, reported.stderr
    everything = json.loads(reported.stdout)
    assert storied in [right["token_id_hex"] for right in everything["rights"]]


def test_signed_json_report_verifies_and_tampering_fails(
    storied: str, share_cli: Run, cli: Run, tmp_path: Path
) -> None:
    path = tmp_path / "signed.json"
    result = share_cli("report", storied, "--sign", "--from", "dev7", "--output", str(path))
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert "Signed by " + dev_account(7).address in result.stdout
    checked = cli("report", "verify", str(path), "--json", remote=False)
    assert checked.exit_code == 0, checked.stderr
    assert_matches_schema(["report"], json.loads(checked.stdout))
    assert json.loads(checked.stdout) == {
        "ok": True,
        "signer": dev_account(7).address,
        "reasons": [],
        "file": str(path),
    }
    wrong = cli("report", "verify", str(path), "--signer", dev_account(8).address, "--json", remote=False)
    assert wrong.exit_code == 1 and json.loads(wrong.stdout)["reasons"][0].startswith("unexpected_signer")
    envelope = json.loads(path.read_text())
    envelope["report"]["rights"][0]["verdict"] = "failed"
    path.write_text(json.dumps(envelope))
    tampered = cli("report", "verify", str(path), remote=False)
    assert tampered.exit_code == 1 and "INVALID" in tampered.stdout and "report_hash_mismatch" in tampered.stderr


def test_signed_html_report_has_a_sidecar(storied: str, share_cli: Run, cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    result = share_cli(
        "report", storied, "--format", "html", "--sign", "--from", "dev7", "--output", str(path), "--json"
    )
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert json.loads(result.stdout)["signature"]["signer"] == dev_account(7).address
    assert (tmp_path / "report.html.sig.json").is_file()
    assert cli("report", "verify", str(path), remote=False).exit_code == 0
    path.write_bytes(path.read_bytes() + b" ")
    assert cli("report", "verify", str(path), remote=False).exit_code == 1


def test_report_needs_exactly_one_scope(cli: Run) -> None:
    assert_one_line_error(cli("report"), "exactly one of TOKEN, --owner ACCOUNT or --all", code=2)
    assert_one_line_error(cli("report", "0x1", "--all"), "exactly one", code=2)


def test_report_at_a_bad_or_too_early_date(storied: str, share_cli: Run) -> None:
    assert_one_line_error(share_cli("report", storied, "--at", "31/12/2026"), "not a date YYYY-MM-DD", code=2)
    assert_one_line_error(share_cli("report", "--all", "--at", "2001-01-01"), "did not exist yet")


def test_signed_csv_needs_an_output_file(cli: Run) -> None:
    assert_one_line_error(cli("report", "0x1", "--format", "csv", "--sign"), "needs --output FILE", code=2)


def test_report_in_traditional_chinese(storied: str, share_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    result = share_cli("report", storied, "--format", "html", "--lang", "zh-Hant", "--output", str(path), "--json")
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert json.loads(result.stdout)["lang"] == "zh-Hant"
    page = path.read_text("utf-8")
    assert '<html lang="zh-Hant">' in page and "審計報告" in page and "權屬" in page and "Checks" not in page
    assert "Report shares" in page  # the share token's name, as given
    simplified = share_cli("report", storied, "--format", "html", "--lang", "zh-Hans")
    assert simplified.exit_code == 0 and "审计报告" in simplified.stdout and '"Noto Sans CJK SC"' in simplified.stdout


def test_report_refuses_an_unknown_language(cli: Run) -> None:
    result = cli("report", "0x1", "--format", "html", "--lang", "fr")
    assert result.exit_code == 2 and "fr" in result.stderr
