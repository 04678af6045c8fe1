"""Audit reports: every format for a right with a rich history, the as-at date, signatures and the HTML page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ipledger import (
    AuditReport,
    IPMetadata,
    Ledger,
    build_report,
    canonical_json,
    dev_account,
    render_report,
    sign_report,
    verify_report_file,
)
from ipledger.audit._report import CSV_COLUMNS, sidecar_document, sidecar_path, sign_bytes, signed_envelope_bytes
from render_support import CHROMIUM, run_chromium
from share_support import ONE, advance_time

Patent = tuple[IPMetadata, list[Path]]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def rich_right(ledger: Ledger, investors: dict[str, str], patent: Patent, tmp_path: Path) -> tuple[int, dt.date]:
    """Registered to dev1, assigned to dev2; two days later frozen, unfrozen, forced to dev3 and fractionalized by
    dev3. Returns the token and the date of the assignment (before everything else)."""
    metadata, documents = patent
    deed = tmp_path / "deed.txt"
    deed.write_text("assignment deed")
    order = tmp_path / "order.txt"
    order.write_text("court order 2026/77")
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    assigned_on = ledger.history(token).events[-1].timestamp.date()
    advance_time(ledger, 3 * 86_400)
    ledger.rights.freeze(token, order)
    ledger.rights.unfreeze(token, order)
    ledger.rights.force_transfer(token, "dev3", order)
    ledger.use("dev3").shares.fractionalize(token, "Electrode shares", "ELS", 1_000 * ONE)
    return token, assigned_on


@pytest.mark.anvil
def test_report_of_a_rich_history(ledger: Ledger, rich_right: tuple[int, dt.date]) -> None:
    token, _ = rich_right
    report = build_report(ledger, token=token)
    assert report.scope == "token" and report.verdict == "verified"
    (right,) = report.rights
    kinds = [event.kind for event in right.events]
    assert kinds == ["registered", "assignment", "frozen", "unfrozen", "forced_transfer", "fractionalized"]
    holders = [interval.holder for interval in right.custody]
    dev = [ledger.address_of(f"dev{i}") for i in range(4)]
    assert holders == [dev[1], dev[2], dev[3], report.vault]
    assert [interval.role for interval in right.custody] == ["owner", "owner", "owner", "share_vault"]
    assert right.custody[-1].end_block is None and right.custody[0].ended_by == "assignment"
    assert len(right.frozen) == 1 and right.frozen[0].end_block is not None
    assert right.cap_table is not None and right.cap_table.holders[0].account == dev[3]
    assert right.attestations == [] and right.licences == [] and right.disputes == []
    assert {check.name for check in right.checks} >= {"registry_code", "custody", "shares", "status"}


@pytest.mark.anvil
def test_report_at_a_past_date_leaves_out_later_events(ledger: Ledger, rich_right: tuple[int, dt.date]) -> None:
    token, assigned_on = rich_right
    report = build_report(ledger, token=token, at=assigned_on)
    (right,) = report.rights
    assert [event.kind for event in right.events] == ["registered", "assignment"]
    assert right.owner == ledger.address_of("dev2")
    assert right.cap_table is None and right.frozen == []
    assert report.as_at == assigned_on and report.block_time.date() == assigned_on
    assert report.block < build_report(ledger, token=token).block


def test_report_before_the_registry_existed_is_refused(ledger: Ledger) -> None:
    from ipledger import InvalidInputError

    with pytest.raises(InvalidInputError, match="did not exist yet"):
        build_report(ledger, all_rights_=True, at=dt.date(2001, 1, 1))


@pytest.mark.anvil
def test_portfolio_and_all_reports(ledger: Ledger, rich_right: tuple[int, dt.date], patent: Patent) -> None:
    token, assigned_on = rich_right
    past = build_report(ledger, owner="dev2", at=assigned_on)
    assert past.scope == "owner" and token in [right.token_id for right in past.rights]
    assert past.subject == ledger.address_of("dev2")
    now = build_report(ledger, owner="dev2")
    assert token not in [right.token_id for right in now.rights]
    assert all(right.owner == ledger.address_of("dev2") for right in now.rights)
    everything = build_report(ledger, all_rights_=True)
    assert token in [right.token_id for right in everything.rights]


def test_a_revoked_right_leaves_the_portfolio_and_register_reports(
    ledger: Ledger, patent: Patent, tmp_path: Path
) -> None:
    """A revoked right no longer exists: the owner's portfolio and the whole register leave it out instead of failing
    on it (its history still tells what became of it)."""
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev5").token_id
    assert token in [right.token_id for right in build_report(ledger, owner="dev5").rights]
    order = tmp_path / "order.txt"
    order.write_text("revocation order 2026/12")
    ledger.rights.revoke(token, order)
    assert token not in [right.token_id for right in build_report(ledger, owner="dev5").rights]
    assert token not in [right.token_id for right in build_report(ledger, all_rights_=True).rights]
    assert ledger.history(token).events[-1].kind == "revoked"


@pytest.mark.anvil
def test_json_is_canonical_and_round_trips(ledger: Ledger, rich_right: tuple[int, dt.date]) -> None:
    report = build_report(ledger, token=rich_right[0])
    data = render_report(report, "json")
    assert data == canonical_json(json.loads(data))
    assert AuditReport.model_validate(json.loads(data)).canonical_bytes() == data


@pytest.mark.anvil
def test_csv_has_a_row_per_custody_interval_and_event(ledger: Ledger, rich_right: tuple[int, dt.date]) -> None:
    report = build_report(ledger, token=rich_right[0])
    rows = list(csv.DictReader(io.StringIO(render_report(report, "csv").decode())))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert [row["row_type"] for row in rows].count("custody") == 4
    assert [row["kind"] for row in rows if row["row_type"] == "event"][-2:] == ["forced_transfer", "fractionalized"]
    custody = [row for row in rows if row["row_type"] == "custody"]
    assert custody[-1]["role"] == "share_vault" and custody[-1]["end_block"] == ""


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.open: list[str] = []
        self.resources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.resources += [value or "" for name, value in attrs if name in ("src", "href")]


@pytest.mark.anvil
def test_html_is_one_well_formed_self_contained_page(ledger: Ledger, rich_right: tuple[int, dt.date]) -> None:
    report = build_report(ledger, token=rich_right[0])
    page = render_report(report, "html").decode()
    parser = _Collector()
    parser.feed(page)
    parser.close()
    assert "script" not in parser.tags and "link" not in parser.tags and parser.resources == []
    assert "<svg" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    document = ET.fromstring(page.split("\n", 1)[1])  # the markup also parses as XML, minus the doctype
    timeline = next(svg for svg in document.iter(f"{SVG}svg") if svg.get("class") == "timeline")
    bars = [rect for rect in timeline.iter(f"{SVG}rect") if rect.get("class") == "custody-bar"]
    assert len(bars) == len(report.rights[0].custody) == 4
    kinds = {shape.get("data-kind") for shape in timeline.iter() if (shape.get("class") or "").startswith("marker")}
    assert {"assignment", "frozen", "unfrozen", "forced_transfer", "fractionalized"} <= kinds
    assert [rect for rect in timeline.iter(f"{SVG}rect") if rect.get("class") == "frozen-span"]
    assert "Moved by a court or authority order" in page and "Split into shares" in page


@pytest.mark.anvil
def test_signed_report_verifies_offline(ledger: Ledger, rich_right: tuple[int, dt.date], tmp_path: Path) -> None:
    report = build_report(ledger, token=rich_right[0])
    auditor = dev_account(7)
    path = tmp_path / "report.json"
    path.write_bytes(signed_envelope_bytes(sign_report(report, auditor)))
    assert verify_report_file(path) == (True, auditor.address, [])
    assert verify_report_file(path, expected_signer=auditor.address)[0]


@pytest.mark.anvil
def test_tampered_report_fails_with_a_named_reason(
    ledger: Ledger, rich_right: tuple[int, dt.date], tmp_path: Path
) -> None:
    report = build_report(ledger, token=rich_right[0])
    envelope = sign_report(report, dev_account(7))
    envelope["report"]["rights"][0]["owner"] = ledger.address_of("dev9")
    path = tmp_path / "report.json"
    path.write_bytes(signed_envelope_bytes(envelope))
    ok, signer, reasons = verify_report_file(path)
    assert not ok and signer != dev_account(7).address
    assert any(reason.startswith("report_hash_mismatch") for reason in reasons)
    assert any(reason.startswith("signer_mismatch") for reason in reasons)


@pytest.mark.anvil
def test_wrong_signer_is_detected(ledger: Ledger, rich_right: tuple[int, dt.date], tmp_path: Path) -> None:
    report = build_report(ledger, token=rich_right[0])
    envelope = sign_report(report, dev_account(7))
    path = tmp_path / "report.json"
    path.write_bytes(signed_envelope_bytes(envelope))
    ok, signer, reasons = verify_report_file(path, expected_signer=dev_account(8).address)
    assert not ok and signer == dev_account(7).address and reasons[0].startswith("unexpected_signer")
    envelope["signature"]["signer"] = dev_account(8).address
    path.write_bytes(signed_envelope_bytes(envelope))
    ok, _, reasons = verify_report_file(path)
    assert not ok and reasons[0].startswith("signer_mismatch")


@pytest.mark.anvil
def test_html_and_csv_are_signed_in_a_sidecar(ledger: Ledger, rich_right: tuple[int, dt.date], tmp_path: Path) -> None:
    report = build_report(ledger, token=rich_right[0])
    for fmt in ("html", "csv"):
        path = tmp_path / f"report.{fmt}"
        path.write_bytes(render_report(report, fmt))
        assert verify_report_file(path)[2][0].startswith("missing_signature")
        sidecar_path(path).write_text(json.dumps(sidecar_document(path, sign_bytes(dev_account(6), path.read_bytes()))))
        assert verify_report_file(path) == (True, dev_account(6).address, [])
        path.write_bytes(path.read_bytes().replace(b"Audit", b"Xu", 1) if fmt == "html" else path.read_bytes() + b"x")
        ok, _, reasons = verify_report_file(path)
        assert not ok and reasons[0].startswith("report_hash_mismatch")


@pytest.mark.anvil
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)"
)
def test_html_renders_in_headless_chromium(ledger: Ledger, rich_right: tuple[int, dt.date], tmp_path: Path) -> None:
    report = build_report(ledger, token=rich_right[0])
    page = tmp_path / "report.html"
    page.write_bytes(render_report(report, "html"))
    screenshot = tmp_path / "shot.png"
    completed = run_chromium("--window-size=1200,1600", f"--screenshot={screenshot}", page.as_uri())
    assert completed.returncode == 0, completed.stderr[-2000:]
    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000  # a blank page is a few hundred bytes
    console_errors = [line for line in completed.stderr.splitlines() if "CONSOLE" in line and "rror" in line]
    assert console_errors == []
