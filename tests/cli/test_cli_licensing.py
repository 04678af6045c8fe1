"""Rights in use: license grant|revoke|show|list|check, attest add|submit|revoke|cancel-nonce|list,
dispute raise|resolve|list|settings, royalty pay|claim|owed; human and --json output, one-line errors."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_support import Chain, Patent, Run, assert_one_line_error
from eth_utils.crypto import keccak
from ipledger import Ledger, dev_account

Json = Callable[..., Any]
TUSD = 10**6


def _sha256(text: str) -> str:
    return "0x" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def roles(chain: Chain) -> None:
    """dev7 an attestor and dev0 an arbitrator; dev4 and dev6 hold tUSD for royalties and dispute bonds."""
    ledger = Ledger.connect(
        chain.node.rpc_url, registry=chain.registry, vault=chain.vault, stablecoin=chain.stablecoin, account="dev0"
    )
    ledger.contracts.grant_role("attestor", "dev7")
    ledger.contracts.grant_role("arbitrator", "dev0")
    for name in ("dev4", "dev6"):
        ledger.payments.mint_test_stablecoin(name, 100_000 * TUSD)


@pytest.fixture
def token(registered: tuple[Patent, str], roles: None) -> str:
    """A fresh patent owned by dev1."""
    return registered[1]


def _grant(share_json: Json, token: str, *options: str) -> Any:
    return share_json("license", "grant", token, "--terms-text", "licence agreement", "--from", "dev1", *options)


# ---------------------------------------------------------------------------- deployment and roles


def test_deploy_lists_the_rights_in_use_modules(cli: Run, chain: Chain) -> None:
    result = cli("deploy", "--rpc-url", chain.node.rpc_url, remote=False)
    assert result.exit_code == 0, (result.stderr, result.exception)
    for label in ("Licence registry", "Royalty vault", "Attestations", "Dispute manager"):
        assert label in result.stdout
    usage = cli("grant-role", "--help", remote=False).stdout
    assert "attestor" in usage and "arbitrator" in usage


# ---------------------------------------------------------------------------- licences


def test_license_grant_show_list_and_check(token: str, share_json: Json, share_cli: Run, chain: Chain) -> None:
    sole = _grant(
        share_json,
        token,
        *("--to", "dev4", "--sole", "--territory", "US", "--territory", "de", "--field", " Electric  Vehicles"),
        *("--royalty", "2.5", "--start", "2026-01-01", "--end", "2036-01-01"),
    )
    assert sole["token_id"] == token and sole["licensee"] == dev_account(4).address
    assert sole["grantor"] == dev_account(1).address
    assert sole["exclusivity"] == "sole" and sole["territories"] == ["DE", "US"] and sole["worldwide"] is False
    assert sole["field_hash"] == "0x" + keccak(text="electric vehicles").hex()
    assert sole["field_of_use"] == "electric vehicles"  # as published on chain, in clear (LicenseFieldOfUse)
    assert sole["terms_hash"] == _sha256("licence agreement")
    assert sole["royalty_bps"] == 250 and sole["payment_token"] == chain.stablecoin
    assert sole["start"].startswith("2026-01-01") and sole["end"].startswith("2036-01-01")
    assert sole["tx_hash"].startswith("0x") and sole["gas_used"] > 0

    human = share_cli(
        "license", "grant", token, "--to", "dev5", "--terms-text", "second", "--territory", "JP,KR", "--from", "dev1"
    )
    assert human.exit_code == 0, human.stderr
    assert "Granted dev5" in human.stdout and "non-exclusive" in human.stdout and "in JP, KR" in human.stdout

    listed = share_json("license", "list", token)
    assert [item["licensee"] for item in listed["licenses"]] == [dev_account(4).address, dev_account(5).address]
    assert {item["state"] for item in listed["licenses"]} <= {"active", "not started"}
    table = share_cli("license", "list", token)
    assert "2 licence(s)" in table.stdout and "Licensee" in table.stdout and "2.5% tUSD" in table.stdout

    shown = share_json("license", "show", str(sole["license_id"]))
    assert shown["license_id"] == sole["license_id"] and shown["territories"] == ["DE", "US"]
    assert shown["field_of_use"] == "electric vehicles"  # read back from the chain by a fresh process
    shown_text = share_cli("license", "show", str(sole["license_id"])).stdout
    assert "sole" in shown_text and '"electric vehicles"' in shown_text

    covered = share_json(
        "license",
        "check",
        token,
        "--licensee",
        "dev4",
        "--territory",
        "de",
        "--field",
        "electric vehicles",
        "--at",
        "2027-06-01",
    )
    assert covered["licensed"] is True and covered["license_id"] == sole["license_id"]
    assert covered["territory"] == "DE" and covered["field_of_use"] == "electric vehicles"
    outside = share_json("license", "check", token, "--licensee", "dev4", "--territory", "FR", "--at", "2027-06-01")
    assert outside["licensed"] is False and outside["license_id"] is None
    too_late = share_cli(
        "license",
        "check",
        token,
        "--licensee",
        "dev4",
        "--territory",
        "US",
        "--at",
        "2040-01-01",
        "--field",
        "electric vehicles",
    )
    assert too_late.exit_code == 0 and "is not licensed" in too_late.stdout


def test_conflicting_exclusive_grant_is_refused_in_one_line(token: str, share_json: Json, share_cli: Run) -> None:
    first = _grant(share_json, token, "--to", "dev4", "--exclusive", "--territory", "US")
    result = share_cli(
        "license", "grant", token, "--to", "dev5", "--terms-text", "t", "--territory", "EP,US", "--from", "dev1"
    )
    assert_one_line_error(result, "LicenseConflict", f"licenseId={first['license_id']}", "license show")
    # Another territory does not overlap.
    assert _grant(share_json, token, "--to", "dev5", "--territory", "EP")["license_id"] == first["license_id"] + 1


def test_license_revoke_and_its_errors(token: str, share_json: Json, share_cli: Run) -> None:
    granted = _grant(share_json, token, "--to", "dev4")
    licence = str(granted["license_id"])
    result = share_cli("license", "revoke", licence, "--reason", "breach", "--from", "dev2")
    assert_one_line_error(result, "NotLicensor")
    revoked = share_json("license", "revoke", licence, "--reason", "breach of clause 4", "--from", "dev1")
    assert revoked["action"] == "license_revoked" and revoked["token_id"] == token
    assert revoked["reason_hash"] == _sha256("breach of clause 4")
    assert share_json("license", "show", licence)["state"] == "revoked"
    assert share_json("license", "check", token, "--licensee", "dev4", "--territory", "US")["licensed"] is False
    again = share_cli("license", "revoke", licence, "--reason", "again", "--from", "dev1")
    assert_one_line_error(again, "LicenseAlreadyRevoked")
    assert_one_line_error(share_cli("license", "revoke", "999999", "--reason", "x"), "unknown licence 999999")
    assert_one_line_error(share_cli("license", "show", "999999"), "unknown licence 999999", "license list")


def test_license_grant_refusals(token: str, share_cli: Run) -> None:
    base = ("license", "grant", token, "--to", "dev4", "--terms-text", "t")
    assert_one_line_error(share_cli(*base, "--from", "dev2"), "NotRightOwner")
    assert_one_line_error(share_cli(*base, "--exclusive", "--sole", "--from", "dev1"), "--exclusive", code=2)
    assert_one_line_error(share_cli(*base, "--royalty", "100.5", "--from", "dev1"), "percentage", code=2)
    assert_one_line_error(share_cli(*base, "--territory", "XX", "--from", "dev1"), "territory", code=2)
    assert_one_line_error(share_cli("license", "grant", token, "--to", "dev4", "--from", "dev1"), "--terms", code=2)
    ended = share_cli(*base, "--start", "2030-01-01", "--end", "2029-01-01", "--from", "dev1")
    assert_one_line_error(ended, "end after it starts")


# ---------------------------------------------------------------------------- attestations


def test_attest_add_list_and_revoke(token: str, share_json: Json, share_cli: Run) -> None:
    added = share_json(
        "attest", "add", token, "--claim", "title-verified", "--reason", "opinion letter 12", "--from", "dev7"
    )
    assert added["claim_type"] == "TITLE_VERIFIED" and added["attestor"] == dev_account(7).address
    assert added["evidence_hash"] == _sha256("opinion letter 12") and added["state"] == "valid"
    assert added["claim_type_hash"] == "0x" + keccak(text="TITLE_VERIFIED").hex()
    human = share_cli(
        "attest",
        "add",
        token,
        "--claim",
        "VALUATION",
        "--reason",
        "report",
        "--expires",
        "2031-01-01",
        "--from",
        "dev7",
    )
    assert human.exit_code == 0, human.stderr
    assert "attested VALUATION" in human.stdout and "until 2031-01-01" in human.stdout

    listed = share_json("attest", "list", token)
    assert [item["claim_type"] for item in listed["attestations"]] == ["TITLE_VERIFIED", "VALUATION"]
    assert listed["attestations"][1]["expiry"].startswith("2031-01-01")
    assert "TITLE_VERIFIED" in share_cli("attest", "list", token).stdout

    identifier = str(added["attestation_id"])
    stranger = share_cli("attest", "revoke", identifier, "--reason", "x", "--from", "dev8")
    assert_one_line_error(stranger, "NotAttestationAuthor", "only its attestor")
    revoked = share_json("attest", "revoke", identifier, "--reason", "title challenged", "--from", "dev7")
    assert revoked["action"] == "attestation_revoked" and revoked["claim_type"] == "TITLE_VERIFIED"
    states = [item["state"] for item in share_json("attest", "list", token)["attestations"]]
    assert states == ["revoked", "valid"]
    assert_one_line_error(share_cli("attest", "revoke", "999999", "--reason", "x"), "unknown attestation 999999")


def test_only_attestors_attest_and_the_hint_says_how(token: str, share_cli: Run, share_json: Json) -> None:
    result = share_cli("attest", "add", token, "--claim", "TITLE_VERIFIED", "--reason", "x", "--from", "dev8")
    assert_one_line_error(result, "NotAttestor", "grant-role attestor")
    granted = share_json("grant-role", "attestor", "dev8")
    assert granted["role"] == "attestor"
    share_json("attest", "add", token, "--claim", "FREEDOM_TO_OPERATE", "--reason", "x", "--from", "dev8")
    bad = share_cli("attest", "add", token, "--claim", "not a claim!", "--reason", "x", "--from", "dev7")
    assert_one_line_error(bad, "claim type", code=2)


def test_signed_attestation_is_submitted_by_anyone_once(
    token: str, share_json: Json, share_cli: Run, tmp_path: Path
) -> None:
    path = tmp_path / "attestation.json"
    signed = share_json(
        "attest",
        "add",
        token,
        "--claim",
        "VALUATION",
        "--reason",
        "valuation 2026",
        "--sign-only",
        str(path),
        "--from",
        "dev7",
    )
    assert signed["file"] == str(path) and signed["attestor"] == dev_account(7).address
    written = json.loads(path.read_text("utf-8"))
    assert written["signature"] == signed["signature"]
    assert written["holder"] == dev_account(1).address and written["registered_at"] > 0  # the record it is about
    assert share_json("attest", "list", token)["attestations"] == []

    submitted = share_json("attest", "submit", str(path), "--from", "dev9")
    assert submitted["attestor"] == dev_account(7).address and submitted["submitted_by"] == dev_account(9).address
    assert submitted["evidence_hash"] == _sha256("valuation 2026") and submitted["claim_type"] == "VALUATION"
    assert_one_line_error(share_cli("attest", "submit", str(path), "--from", "dev9"), "signed attestation")

    # A signature voided before anyone submits it is refused too.
    share_json(
        "attest", "add", token, "--claim", "VALUATION", "--reason", "v2", "--sign-only", str(path), "--from", "dev7"
    )
    cancelled = share_json("attest", "cancel-nonce", "--from", "dev7")
    assert cancelled["action"] == "attestation_nonce_cancelled"
    assert_one_line_error(share_cli("attest", "submit", str(path)), "signed attestation")
    path.write_text("{}", "utf-8")
    assert_one_line_error(share_cli("attest", "submit", str(path)), "not a signed attestation")


# ---------------------------------------------------------------------------- disputes


@pytest.fixture
def locking(share_json: Json) -> Iterator[Any]:
    """Dispute settings with transfers locked while a dispute is open (the original ones restored afterwards)."""
    before = share_json("dispute", "settings")
    yield share_json("dispute", "settings", "--lock")
    share_json("dispute", "settings", "--lock" if before["lock_transfers"] else "--no-lock")


def test_dispute_settings_show_and_set(share_json: Json, share_cli: Run, chain: Chain) -> None:
    shown = share_json("dispute", "settings")
    assert shown["bond_token"] == chain.stablecoin and shown["bond"] == str(100 * TUSD)
    assert shown["bond_symbol"] == "tUSD" and shown["changed"] is False
    changed = share_json("dispute", "settings", "--bond", "250")
    assert changed["bond"] == str(250 * TUSD) and changed["changed"] is True and changed["tx_hash"]
    assert "bond of 250 tUSD" in share_cli("dispute", "settings").stdout
    assert share_json("dispute", "settings", "--bond", "100")["bond"] == str(100 * TUSD)
    assert_one_line_error(share_cli("dispute", "settings", "--bond", "1", "--from", "dev3"), "admin")


def test_dispute_raised_and_dismissed_moves_the_bond(
    token: str, share_json: Json, share_cli: Run, locking: Any
) -> None:
    balance_before = int(share_json("stablecoin", "balance", "dev6")["balance"])
    raised = share_json("dispute", "raise", token, "--reason", "prior art: JP 2001-123456", "--from", "dev6")
    assert raised["claimant"] == dev_account(6).address and raised["outcome"] == "open"
    assert raised["bond"] == str(100 * TUSD) and raised["locked_transfers"] is True
    assert raised["evidence_hash"] == _sha256("prior art: JP 2001-123456")
    assert int(share_json("stablecoin", "balance", "dev6")["balance"]) == balance_before - 100 * TUSD

    moved = share_cli("assign", token, "dev2", "--deed", raised["evidence_hash"], "--from", "dev1")
    assert_one_line_error(moved, "RightDisputed", "open dispute")
    listed = share_json("dispute", "list", token)
    assert listed["open"] == 1 and [item["dispute_id"] for item in listed["disputes"]] == [raised["dispute_id"]]
    assert "transfers blocked" in share_cli("dispute", "list", token).stdout

    identifier = str(raised["dispute_id"])
    stranger = share_cli("dispute", "resolve", identifier, "--dismissed", "--reason", "no", "--from", "dev3")
    assert_one_line_error(stranger, "AccessControlUnauthorizedAccount", "grant-role arbitrator")
    resolved = share_json("dispute", "resolve", identifier, "--dismissed", "--reason", "not novel-destroying")
    assert resolved["outcome"] == "dismissed" and resolved["remedy"] == "none"
    assert resolved["arbitrator"] == dev_account(0).address and resolved["bond"] == str(100 * TUSD)
    forfeited = raised["forfeit_on_dismissal"]
    expected = dev_account(1).address if forfeited else dev_account(6).address
    assert resolved["bond_recipient"] == expected
    assert resolved["bond_credited"] is forfeited  # a forfeited bond lands in dev1's royalty account
    refund = 0 if forfeited else 100 * TUSD
    assert int(share_json("stablecoin", "balance", "dev6")["balance"]) == balance_before - 100 * TUSD + refund
    assert share_json("dispute", "list", token)["disputes"][0]["outcome"] == "dismissed"
    again = share_cli("dispute", "resolve", identifier, "--upheld", "--reason", "x")
    assert_one_line_error(again, "DisputeClosed")
    share_json("assign", token, "dev2", "--deed", raised["evidence_hash"], "--from", "dev1")


def test_upheld_dispute_freezes_the_right(token: str, share_json: Json, share_cli: Run) -> None:
    raised = share_json("dispute", "raise", token, "--reason", "stolen invention", "--from", "dev6")
    result = share_cli(
        "dispute", "resolve", str(raised["dispute_id"]), "--upheld", "--remedy", "freeze", "--reason", "court ruling 7"
    )
    assert result.exit_code == 0, result.stderr
    assert "Upheld dispute" in result.stdout and "flagged and frozen" in result.stdout
    listed = share_json("dispute", "list", token)
    assert listed["upheld"] == 1 and listed["disputes"][0]["remedy"] == "freeze"
    assert share_json("show", token)["status"] == "frozen"
    assert "upheld" in share_cli("dispute", "list", token).stdout


def test_dispute_input_errors(token: str, share_cli: Run) -> None:
    assert_one_line_error(share_cli("dispute", "raise", token, "--from", "dev6"), "--evidence", code=2)
    both = share_cli("dispute", "resolve", "1", "--upheld", "--dismissed", "--reason", "x")
    assert_one_line_error(both, "exactly one", code=2)
    remedy = share_cli("dispute", "resolve", "1", "--dismissed", "--remedy", "freeze", "--reason", "x")
    assert_one_line_error(remedy, "no --remedy", code=2)
    recipient = share_cli("dispute", "resolve", "1", "--upheld", "--remedy", "force-transfer", "--reason", "x")
    assert_one_line_error(recipient, "--to", code=2)
    assert_one_line_error(share_cli("dispute", "resolve", "999999", "--upheld", "--reason", "x"), "unknown dispute")


# ---------------------------------------------------------------------------- royalties


def test_royalty_to_the_owner_is_withdrawn_as_owner(token: str, share_json: Json, share_cli: Run) -> None:
    licence = _grant(share_json, token, "--to", "dev4", "--royalty", "5")["license_id"]
    owed_before = int(share_json("royalty", "owed", "dev1")["owed"][0]["amount"])
    paid = share_json("royalty", "pay", str(licence), "1234.5", "--report", "0x" + "ab" * 32, "--from", "dev4")
    assert paid["amount"] == str(1_234_500_000) and paid["symbol"] == "tUSD" and paid["decimals"] == 6
    assert paid["credited_to"] == "owner" and paid["beneficiary"] == dev_account(1).address
    assert paid["payer"] == dev_account(4).address and paid["report_hash"] == "0x" + "ab" * 32
    owed = share_json("royalty", "owed", "dev1")
    assert owed["as"] == "owner" and int(owed["owed"][0]["amount"]) == owed_before + 1_234_500_000
    assert "may collect" in share_cli("royalty", "owed", "dev1").stdout

    claimed = share_json("royalty", "claim", "--as-owner", "--from", "dev1")
    assert claimed["as"] == "owner" and claimed["token_id"] is None
    assert [int(row["amount"]) for row in claimed["claims"]] == [owed_before + 1_234_500_000]
    nothing = share_cli("royalty", "claim", "--as-owner", "--from", "dev1")
    assert nothing.exit_code == 0 and "has no royalties to claim as an owner" in nothing.stdout

    human = share_cli("royalty", "pay", str(licence), "10", "--from", "dev4")
    assert human.exit_code == 0 and "paid 10 tUSD in royalties" in human.stdout and "its owner dev1" in human.stdout


def test_royalty_errors(token: str, share_json: Json, share_cli: Run) -> None:
    free = _grant(share_json, token, "--to", "dev4")["license_id"]
    assert_one_line_error(share_cli("royalty", "pay", str(free), "1", "--from", "dev4"), "NoPaymentToken")
    assert_one_line_error(share_cli("royalty", "pay", "999999", "1", "--from", "dev4"), "unknown licence 999999")
    assert_one_line_error(share_cli("royalty", "claim", "--from", "dev1"), "--as-owner", code=2)
    assert_one_line_error(share_cli("royalty", "claim", token, "--as-owner"), "--as-owner", code=2)


@pytest.fixture
def licensed_shares(token: str, share_json: Json, cli_investors: None) -> tuple[str, int]:
    """dev1's patent licensed to dev4 with a 5% royalty in tUSD, then fractionalized by dev1 into 1,000 shares of
    which dev2 holds 250; the token id and the licence id."""
    licence = _grant(share_json, token, "--to", "dev4", "--royalty", "5")["license_id"]
    options = ["--name", "Licensed shares", "--symbol", "LS", "--supply", "1000", "--from", "dev1"]
    share_json("shares", "fractionalize", token, *options)
    share_json("shares", "transfer", token, "dev2", "250", "--from", "dev1")
    return token, int(licence)


def test_royalties_of_a_fractionalized_right_go_to_holders_pro_rata(
    licensed_shares: tuple[str, int], share_json: Json, share_cli: Run, chain: Chain
) -> None:
    token, licence = licensed_shares
    share_token = share_json("shares", "balance", token, "dev1")["share_token"]
    paid = share_json("royalty", "pay", str(licence), "1000", "--from", "dev4")
    assert paid["credited_to"] == "share_holders" and paid["beneficiary"] == share_token
    owed = share_json("royalty", "owed", "dev2", "--token", token)
    assert owed["as"] == "holder" and owed["token_id"] == token and owed["source"] == share_token
    assert owed["owed"] == [{"currency": chain.stablecoin, "symbol": "tUSD", "decimals": 6, "amount": str(250 * TUSD)}]
    assert "may collect 750 tUSD" in share_cli("royalty", "owed", "dev1", "--token", token).stdout

    before = int(share_json("stablecoin", "balance", "dev2")["balance"])
    claimed = share_json("royalty", "claim", token, "--from", "dev2")
    assert claimed["as"] == "holder" and [row["amount"] for row in claimed["claims"]] == [str(250 * TUSD)]
    assert int(share_json("stablecoin", "balance", "dev2")["balance"]) == before + 250 * TUSD
    human = share_cli("royalty", "claim", token, "--from", "dev1")
    assert human.exit_code == 0 and "claimed 750 tUSD in royalties as a holder" in human.stdout
    again = share_json("royalty", "claim", token, "--from", "dev2")
    assert again["claims"] == []
    assert share_json("royalty", "owed", "dev2", "--token", token)["owed"][0]["amount"] == "0"


# ---------------------------------------------------------------------------- payments the token refuses


def _leave_short(ledger: Ledger, payer: str, spender: str, needed: int) -> None:
    """``payer`` holds one base unit of tUSD less than ``needed`` and lets ``spender`` move ``needed`` (so no
    approval is sent first and the payment itself is what the token refuses)."""
    tusd = ledger.contracts.stablecoin
    address = ledger.address_of(payer)
    balance = ledger.payments.balance(str(tusd.address), payer)
    if balance >= needed:
        tx = tusd.functions.transfer(ledger.address_of("dev0"), balance - needed + 1).transact({"from": address})
        ledger.chain.w3.eth.wait_for_transaction_receipt(tx)
    elif balance < needed - 1:
        ledger.payments.mint_test_stablecoin(payer, needed - 1 - balance)
    ledger.chain.w3.eth.wait_for_transaction_receipt(
        tusd.functions.approve(spender, needed).transact({"from": address})
    )


@pytest.fixture
def reader(chain: Chain) -> Ledger:
    return Ledger.connect(
        chain.node.rpc_url, registry=chain.registry, vault=chain.vault, stablecoin=chain.stablecoin, account="dev0"
    )


def test_a_bond_the_claimant_cannot_pay_names_the_refusal_and_the_remedy(
    token: str, share_cli: Run, reader: Ledger
) -> None:
    _leave_short(reader, "dev8", str(reader.contracts.disputes.address), 100 * TUSD)
    head = reader.chain.w3.eth.block_number
    line = assert_one_line_error(
        share_cli("dispute", "raise", token, "--reason", "prior art", "--from", "dev8"),
        "raise dispute reverted: TransferFromFailed()",
        f"the payment token tUSD ({reader.contracts.stablecoin.address}) refused to move 100 tUSD from "
        f"{dev_account(8).address}",
        "it holds 99.999999 tUSD",
        "the payer lacks the balance",
        f"{dev_account(8).address} needs 0.000001 tUSD more",
    )
    assert "unknown" not in line
    assert reader.chain.w3.eth.block_number == head


def test_a_royalty_the_licensee_cannot_pay_names_the_refusal_and_the_remedy(
    token: str, share_json: Json, share_cli: Run, reader: Ledger
) -> None:
    licence = _grant(share_json, token, "--to", "dev9", "--royalty", "5")["license_id"]
    _leave_short(reader, "dev9", str(reader.contracts.royalties.address), 50 * TUSD)
    head = reader.chain.w3.eth.block_number
    line = assert_one_line_error(
        share_cli("royalty", "pay", str(licence), "50", "--from", "dev9"),
        "pay royalty reverted: TransferFromFailed()",
        f"refused to move 50 tUSD from {dev_account(9).address}",
        "the payer lacks the balance",
        "needs 0.000001 tUSD more",
    )
    assert "unknown" not in line
    assert reader.chain.w3.eth.block_number == head
