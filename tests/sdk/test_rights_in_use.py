"""The SDK over the licence registry, attestation registry, dispute manager and royalty vault, on a real anvil:
validation before any transaction, decoded refusals, history, index, verify and reports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from ipledger import (
    DisputeOutcome,
    EventIndex,
    Exclusivity,
    InvalidInputError,
    IPMetadata,
    Ledger,
    LicenseConflictError,
    LicenseTerms,
    PaymentAttempt,
    PaymentRefusedError,
    RegistrationChangedError,
    Remedy,
    RightDisputedError,
    SignatureError,
    UnauthorizedError,
    UnknownRecordError,
    build_report,
    hash_file,
    render_report,
)
from share_support import ONE, USD, advance_time

#: End-to-end flows: also run on anvil with a block a second (make test-nodes).
pytestmark = pytest.mark.flow

Patent = tuple[IPMetadata, list[Path]]


def _terms(ledger: Ledger, licensee: str, **overrides: object) -> LicenseTerms:
    values: dict[str, object] = {
        "licensee": licensee,
        "terms": "licence agreement v1",
        "start": ledger.chain.chain_time(),
        "royalty_bps": 300,
        "payment_token": str(ledger.contracts.stablecoin.address),
    }
    values.update(overrides)
    return LicenseTerms.model_validate(values)


@pytest.fixture
def right(ledger: Ledger, patent: Patent) -> int:
    """A patent registered to dev1."""
    return ledger.register(*patent, to="dev1").token_id


def test_bad_terms_fail_before_any_transaction(ledger: Ledger, right: int) -> None:
    owner = ledger.use("dev1")
    nonce = ledger.chain.w3.eth.get_transaction_count(owner.signer.address)
    for bad in (
        {"territories": ["XX"]},
        {"royalty_bps": 20_000},
        {"royalty_bps": 100, "payment_token": None},
        {"end": 1, "start": 2},
        {"exclusivity": "mostly"},
    ):
        with pytest.raises(InvalidInputError):
            owner.licenses.grant(right, {**_terms(ledger, "dev2").model_dump(), **bad})
    assert ledger.chain.w3.eth.get_transaction_count(owner.signer.address) == nonce


def test_grant_list_check_and_conflict(ledger: Ledger, right: int) -> None:
    owner = ledger.use("dev1")
    exclusive = owner.licenses.grant(
        right, _terms(ledger, "dev2", exclusivity="exclusive", territories=["DE", "FR"], field_of_use="Batteries")
    )
    licence = ledger.licenses.get(exclusive.license_id)
    assert (licence.exclusivity, licence.territories, licence.active) == (Exclusivity.EXCLUSIVE, ["DE", "FR"], True)
    assert licence.field_of_use == "batteries"  # published in clear, as the chain hashes it
    assert licence.licensee == ledger.address_of("dev2") and licence.royalty_bps == 300

    with pytest.raises(LicenseConflictError) as refused:
        owner.licenses.grant(right, _terms(ledger, "dev3", territories=["FR"], field_of_use="  batteries "))
    assert refused.value.conflicting_license_id == exclusive.license_id
    other_field = owner.licenses.grant(right, _terms(ledger, "dev3", territories=["FR"], field_of_use="Medical"))
    assert [item.license_id for item in ledger.licenses.of(right)] == [exclusive.license_id, other_field.license_id]
    granted = [event for event in ledger.history(right).events if event.kind == "license_granted"]
    assert [event.field_of_use for event in granted][-2:] == ["batteries", "medical"]
    everywhere = owner.licenses.grant(right, _terms(ledger, "dev4", territories=["JP"]))
    assert ledger.licenses.get(everywhere.license_id).field_of_use is None  # every field: nothing to name

    yes = ledger.licenses.is_licensed(right, "dev2", "de", field_of_use="Batteries")
    assert yes.licensed and yes.license_id == exclusive.license_id
    assert not ledger.licenses.is_licensed(right, "dev2", "US", field_of_use="Batteries").licensed
    with pytest.raises(UnauthorizedError):
        ledger.use("dev2").licenses.grant(right, _terms(ledger, "dev4"))


def test_a_licence_survives_an_assignment_and_binds_the_new_owner(ledger: Ledger, right: int, tmp_path: Path) -> None:
    granted = ledger.use("dev1").licenses.grant(right, _terms(ledger, "dev2", exclusivity="sole"))
    deed = tmp_path / "deed.txt"
    deed.write_text("assignment deed of the patent", "utf-8")
    ledger.use("dev1").rights.assign(right, "dev3", deed)
    assert ledger.licenses.is_licensed(right, "dev2", "US").licensed
    with pytest.raises(UnauthorizedError):
        ledger.use("dev1").licenses.revoke(granted.license_id, reason="former owner")
    ledger.use("dev3").licenses.revoke(granted.license_id, reason="breach of clause 7")
    assert ledger.licenses.get(granted.license_id).revoked_at is not None
    assert not ledger.licenses.is_licensed(right, "dev2", "US").licensed
    with pytest.raises(UnknownRecordError):
        ledger.licenses.get(10**9)


def test_signed_attestation_replay_and_revocation(ledger: Ledger, right: int) -> None:
    ledger.contracts.grant_role("attestor", "dev4")
    attorney = ledger.use("dev4")
    signed = attorney.attestations.sign(right, "VALUATION", evidence="valuation report 2026")
    submitted = ledger.use("dev5").attestations.submit(signed)
    with pytest.raises(SignatureError):
        ledger.use("dev5").attestations.submit(signed)
    (attestation,) = [item for item in ledger.attestations.of(right) if item.attestation_id == submitted.attestation_id]
    assert (attestation.claim_type, attestation.attestor, attestation.valid) == (
        "VALUATION",
        ledger.address_of("dev4"),
        True,
    )
    with pytest.raises(UnauthorizedError):
        ledger.use("dev5").attestations.revoke(submitted.attestation_id, reason="not mine")
    attorney.attestations.revoke(submitted.attestation_id, reason="superseded valuation")
    assert not ledger.attestations.get(submitted.attestation_id).valid
    with pytest.raises(UnauthorizedError):
        ledger.use("dev6").attestations.attest(right, "TITLE_VERIFIED", evidence="not an attestor")


def test_signed_attestation_is_bound_to_the_registration(ledger: Ledger, right: int) -> None:
    """Signed about dev1's registration; once the right changes hands it can no longer be submitted, and a direct
    attestation names the new holder."""
    ledger.contracts.grant_role("attestor", "dev4")
    attorney = ledger.use("dev4")
    record = ledger.get(right)
    signed = attorney.attestations.sign(right, "TITLE_VERIFIED", evidence="title search")
    assert (signed.holder, signed.registered_at) == (ledger.address_of("dev1"), int(record.registered_at.timestamp()))
    ledger.use("dev1").rights.transfer(right, "dev2")
    with pytest.raises(RegistrationChangedError) as caught:
        ledger.use("dev5").attestations.submit(signed)
    assert caught.value.holder == ledger.address_of("dev2")
    assert caught.value.registered_at == signed.registered_at
    assert attorney.attestations.attest(right, "TITLE_VERIFIED", evidence="title search").attestation_id > 0


def test_dispute_bonds_and_the_transfer_lock(ledger: Ledger, right: int) -> None:
    token_address, bond, _, _ = ledger.disputes.settings()
    assert token_address is not None and bond > 0
    ledger.disputes.set_settings(
        bond_token=token_address, bond_amount=bond, forfeit_on_dismissal=True, lock_transfers=True
    )
    ledger.payments.mint_test_stablecoin("dev6", 1_000 * USD)
    claimant = ledger.use("dev6")
    before = ledger.payments.balance(token_address, "dev1")
    owed = ledger.royalties.owed("dev1", token_address).amount
    raised = claimant.disputes.open(right, evidence="prior art: US 1,234,567")
    assert raised.approval is not None and raised.bond == bond
    with pytest.raises(RightDisputedError):
        ledger.use("dev1").rights.transfer(right, "dev2")
    ledger.disputes.resolve(raised.dispute_id, upheld=False, ruling="prior art not anticipatory")
    dispute = ledger.disputes.get(raised.dispute_id)
    assert dispute.outcome is DisputeOutcome.DISMISSED and dispute.resolved_at is not None
    # The forfeited bond is credited to the owner in the royalty vault, not pushed to its wallet.
    assert ledger.payments.balance(token_address, "dev1") == before
    assert ledger.royalties.owed("dev1", token_address).amount == owed + bond
    ledger.use("dev1").royalties.withdraw(token_address)
    assert ledger.payments.balance(token_address, "dev1") == before + owed + bond
    assert ledger.royalties.owed("dev1", token_address).amount == 0
    ledger.use("dev1").rights.transfer(right, "dev2")
    with pytest.raises(UnauthorizedError):
        claimant.disputes.resolve(raised.dispute_id, upheld=True, ruling="self-serving")
    with pytest.raises(InvalidInputError):
        ledger.disputes.resolve(raised.dispute_id, upheld=True, ruling="x", remedy=Remedy.FORCE_TRANSFER)


def test_a_forfeited_bond_about_a_fractionalized_right_reaches_its_holders(
    ledger: Ledger, fractionalized: int, tmp_path: Path
) -> None:
    """The share vault owns the right but could not move a bond: the royalty vault credits the share token, and
    the holders claim the bond pro rata like a royalty. History and index both show the credit."""
    tusd = str(ledger.contracts.stablecoin.address)
    bond_token, bond, _, _ = ledger.disputes.settings()
    assert bond_token == tusd and bond > 0
    ledger.disputes.set_settings(bond_token=tusd, bond_amount=bond, forfeit_on_dismissal=True, lock_transfers=False)
    ledger.use("dev1").shares.transfer(fractionalized, "dev2", 250 * ONE)
    ledger.payments.mint_test_stablecoin("dev7", 1_000 * USD)
    vault_before = ledger.payments.balance(tusd, str(ledger.contracts.vault.address))
    raised = ledger.use("dev7").disputes.open(fractionalized, evidence="ownership claim, unfounded")
    resolved = ledger.disputes.resolve(raised.dispute_id, upheld=False, ruling="claim rejected")

    share_token = ledger.shares.token(fractionalized)
    owed = {name: ledger.royalties.owed(name, tusd, token_id=fractionalized).amount for name in ("dev1", "dev2")}
    assert owed == {"dev1": bond * 3 // 4, "dev2": bond // 4}
    assert ledger.payments.balance(tusd, str(ledger.contracts.vault.address)) == vault_before
    assert ledger.royalties.currencies(fractionalized) == [tusd]
    before = ledger.payments.balance(tusd, "dev2")
    ledger.use("dev2").royalties.claim(fractionalized, tusd)
    assert ledger.payments.balance(tusd, "dev2") == before + bond // 4

    events = [event for event in ledger.history(fractionalized).events if event.tx_hash == resolved.tx_hash]
    assert [event.kind for event in events] == ["right_credited", "dispute_resolved"]
    credited, closed = events
    assert (credited.from_, credited.to, credited.amount, credited.payment_token) == (
        str(ledger.contracts.disputes.address),
        share_token,
        bond,
        tusd,
    )
    assert credited.evidence_hash == "0x" + raised.dispute_id.to_bytes(32, "big").hex()
    assert closed.to == share_token and closed.outcome == "dismissed"
    index = EventIndex(tmp_path / "index.sqlite")
    index.sync(ledger)
    assert index.history(fractionalized) == ledger.history(fractionalized)


def test_royalties_to_an_owner_and_to_share_holders(ledger: Ledger, investors: dict[str, str], patent: Patent) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    tusd = str(ledger.contracts.stablecoin.address)
    licence = ledger.use("dev1").licenses.grant(token, _terms(ledger, "dev4")).license_id
    ledger.payments.mint_test_stablecoin("dev4", 10_000 * USD)
    licensee = ledger.use("dev4")
    paid = licensee.royalties.pay(licence, 100 * USD, report="Q1 sales report")
    assert paid.beneficiary == ledger.address_of("dev1")
    assert ledger.royalties.owed("dev1", tusd).amount == 100 * USD
    before = ledger.payments.balance(tusd, "dev1")
    ledger.use("dev1").royalties.withdraw(tusd)
    assert ledger.payments.balance(tusd, "dev1") == before + 100 * USD

    ledger.use("dev1").shares.fractionalize(token, "Royalty shares", "RYS", 1_000 * ONE)
    ledger.use("dev1").shares.transfer(token, "dev2", 300 * ONE)
    licensee.royalties.pay(licence, 1_000 * USD)
    ledger.use("dev2").shares.transfer(token, "dev3", 300 * ONE)
    licensee.royalties.pay(licence, 500 * USD)
    owed = {name: ledger.royalties.owed(name, tusd, token_id=token).amount for name in ("dev1", "dev2", "dev3")}
    assert owed == {"dev1": 700 * USD + 350 * USD, "dev2": 300 * USD, "dev3": 150 * USD}
    assert ledger.royalties.currencies(token) == [tusd]
    before = ledger.payments.balance(tusd, "dev2")
    ledger.use("dev2").royalties.claim(token, tusd)
    assert ledger.payments.balance(tusd, "dev2") == before + 300 * USD
    assert ledger.royalties.owed("dev2", tusd, token_id=token).amount == 0


@pytest.mark.anvil
def test_history_index_verify_and_report_show_the_right_in_use(ledger: Ledger, right: int, tmp_path: Path) -> None:
    owner = ledger.use("dev1")
    granted = owner.licenses.grant(right, _terms(ledger, "dev2", exclusivity="exclusive", territories=["JP"]))
    ledger.contracts.grant_role("attestor", "dev0")
    attested = ledger.attestations.attest(
        right, "FREEDOM_TO_OPERATE", evidence="FTO opinion", expires_at=ledger.chain.chain_time() + 86400
    )
    ledger.payments.mint_test_stablecoin("dev7", 1_000 * USD)
    raised = ledger.use("dev7").disputes.open(right, evidence="ownership claim")
    ledger.disputes.resolve(raised.dispute_id, upheld=True, ruling="award of the tribunal", remedy="freeze")

    kinds = [event.kind for event in ledger.history(right).events]
    for kind in ("license_granted", "attested", "dispute_raised", "dispute_resolved", "frozen"):
        assert kind in kinds
    index = EventIndex(tmp_path / "index.sqlite")
    index.sync(ledger)
    assert index.history(right) == ledger.history(right)

    report = ledger.verify(right)
    assert [item.license_id for item in report.licenses] == [granted.license_id]
    assert [item.attestation_id for item in report.attestations] == [attested.attestation_id]
    checks = {check.name: check for check in report.checks}
    assert checks["licenses"].ok and not checks["disputes"].ok and report.verdict == "failed"
    assert any("FREEDOM_TO_OPERATE" in notice for notice in report.notices)

    advance_time(ledger, 2 * 86400)
    later = ledger.attestations.get(attested.attestation_id)
    assert not later.valid and later.revoked_at is None

    audit = build_report(ledger, token=right)
    document = json.loads(render_report(audit, "json"))
    (section,) = document["rights"]
    assert [item["license_id"] for item in section["licences"]] == [granted.license_id]
    assert section["disputes"][0]["outcome"] == "upheld"
    csv_rows = render_report(audit, "csv").decode().splitlines()
    assert any(row.startswith("licence,") for row in csv_rows) and any(row.startswith("dispute,") for row in csv_rows)
    html = render_report(audit, "html").decode()
    assert "Licences" in html and "exclusive" in html and "upheld" in html


def test_a_registrar_title_attestation_confirms_a_claim(ledger: Ledger, patent: Patent) -> None:
    token = ledger.use("dev3").rights.claim(*patent).token_id
    assert ledger.get(token).self_declared
    ledger.contracts.grant_role("attestor", "dev0")
    ledger.attestations.attest(token, "TITLE_VERIFIED", evidence="title search by the registrar")
    assert not ledger.get(token).self_declared
    assert any(event.kind == "claim_confirmed" for event in ledger.history(token).events)
    assert (
        "title attestation" in {check.name: check for check in ledger.verify(token).checks}["verification_level"].detail
    )


def test_dates_in_terms_are_utc(ledger: Ledger) -> None:
    terms = LicenseTerms(licensee="dev2", terms="t", start=dt.date(2030, 1, 1), end=dt.datetime(2031, 1, 1))
    assert terms.start_time == int(dt.datetime(2030, 1, 1, tzinfo=dt.UTC).timestamp())
    assert terms.end_time == int(dt.datetime(2031, 1, 1, tzinfo=dt.UTC).timestamp())


def test_terms_given_as_a_file_record_the_file_hash(ledger: Ledger, right: int, tmp_path: Path) -> None:
    agreement = tmp_path / "licence.pdf"
    agreement.write_bytes(b"%PDF-1.7 licence agreement, signed")
    granted = ledger.use("dev1").licenses.grant(right, _terms(ledger, "dev2", terms=agreement))
    assert ledger.licenses.get(granted.license_id).terms_hash == "0x" + hash_file(agreement).hex()
    missing = tmp_path / "missing.pdf"
    with pytest.raises(InvalidInputError):
        ledger.use("dev1").licenses.grant(right, _terms(ledger, "dev3", terms=missing))


@pytest.mark.anvil
def test_a_dispute_about_a_superseded_claim_applies_no_remedy_and_history_says_why(
    ledger: Ledger, patent: Patent
) -> None:
    """dev6 disputes dev8's self-declared claim; a registrar then registers the right for dev1 (superseding it). The
    upheld ruling with a freeze must not freeze dev1's registration: the bond goes back and history records why."""
    metadata, documents = patent
    token_address, bond, _, _ = ledger.disputes.settings()
    assert token_address is not None
    ledger.disputes.set_settings(
        bond_token=token_address, bond_amount=bond, forfeit_on_dismissal=True, lock_transfers=False
    )
    claimed = ledger.use("dev8").rights.claim(metadata, documents)
    ledger.payments.mint_test_stablecoin("dev6", 1_000 * USD)
    claimant = ledger.use("dev6")
    raised = claimant.disputes.open(claimed.token_id, evidence="the claimant copied a published patent")
    advance_time(ledger, 10)
    ledger.register(metadata, documents, to="dev1")
    before = ledger.payments.balance(token_address, "dev6")
    resolved = ledger.disputes.resolve(raised.dispute_id, upheld=True, ruling="copied", remedy=Remedy.FREEZE)

    record = ledger.get(claimed.token_id)
    assert record.owner == ledger.address_of("dev1")
    assert record.status.value == "active"
    assert ledger.payments.balance(token_address, "dev6") == before + bond
    events = [event for event in ledger.history(claimed.token_id).events if event.tx_hash == resolved.tx_hash]
    assert events[0].kind == "dispute_registration_changed"
    assert events[0].dispute_id == raised.dispute_id
    assert events[-1].kind == "dispute_resolved"


# ---------------------------------------------------------------------------- payments the token refuses


def _leave_short(ledger: Ledger, payer: str, spender: str, needed: int) -> None:
    """``payer`` holds one base unit of tUSD less than ``needed`` and lets ``spender`` move ``needed`` (so the SDK
    sends no approval first and the payment itself is what the token refuses)."""
    tusd = ledger.contracts.stablecoin
    address = ledger.address_of(payer)
    balance = ledger.payments.balance(str(tusd.address), payer)
    if balance >= needed:
        sink = ledger.address_of("dev0")
        tx = tusd.functions.transfer(sink, balance - needed + 1).transact({"from": address})
        ledger.chain.w3.eth.wait_for_transaction_receipt(tx)
    elif balance < needed - 1:
        ledger.payments.mint_test_stablecoin(payer, needed - 1 - balance)
    ledger.chain.w3.eth.wait_for_transaction_receipt(
        tusd.functions.approve(spender, needed).transact({"from": address})
    )
    assert ledger.payments.balance(str(tusd.address), payer) == needed - 1


def test_a_bond_the_claimant_cannot_pay_is_a_named_refusal_and_nothing_is_sent(ledger: Ledger, right: int) -> None:
    """Solady's SafeTransferLib reverts TransferFromFailed() from assembly (in no contract's ABI): it still decodes,
    and the SDK tells it with the bond, the claimant's balance and allowance."""
    bond_token, bond, _, _ = ledger.disputes.settings()
    assert bond_token == str(ledger.contracts.stablecoin.address) and bond > 0
    manager = str(ledger.contracts.disputes.address)
    _leave_short(ledger, "dev9", manager, bond)
    head, nonce = ledger.chain.w3.eth.block_number, ledger.chain.w3.eth.get_transaction_count(ledger.address_of("dev9"))
    with pytest.raises(PaymentRefusedError) as refused:
        ledger.use("dev9").disputes.open(right, evidence="prior art I cannot pay a bond for")
    error = refused.value
    assert error.error_name == "TransferFromFailed" and error.data == "0x7939f424" and error.action == "raise dispute"
    assert error.payment == PaymentAttempt(
        token=bond_token,
        payer=ledger.address_of("dev9"),
        spender=manager,
        amount=bond,
        symbol="tUSD",
        decimals=6,
        balance=bond - 1,
        allowance=bond,
    )
    assert error.payment.shortfall == "balance" and error.reason == "the payer lacks the balance"
    assert "unknown" not in str(error) and f"refused to move {bond / USD:,.0f} tUSD from" in str(error)
    assert ledger.chain.w3.eth.block_number == head
    assert ledger.chain.w3.eth.get_transaction_count(ledger.address_of("dev9")) == nonce
    assert ledger.disputes.of(right) == []


def test_a_royalty_the_licensee_cannot_pay_is_a_named_refusal_and_nothing_is_sent(ledger: Ledger, right: int) -> None:
    licence = ledger.use("dev1").licenses.grant(right, _terms(ledger, "dev8")).license_id
    vault = str(ledger.contracts.royalties.address)
    _leave_short(ledger, "dev8", vault, 50 * USD)
    head = ledger.chain.w3.eth.block_number
    with pytest.raises(PaymentRefusedError) as refused:
        ledger.use("dev8").royalties.pay(licence, 50 * USD)
    error = refused.value
    assert error.error_name == "TransferFromFailed" and error.action == "pay royalty"
    assert error.payment is not None and error.payment.spender == vault and error.payment.amount == 50 * USD
    assert (error.payment.balance, error.payment.allowance) == (50 * USD - 1, 50 * USD)
    assert "it holds 49.999999 tUSD" in str(error) and str(error).endswith("the payer lacks the balance")
    assert ledger.chain.w3.eth.block_number == head
