"""The trusted verify over the modules: licences, attestations, disputes and the share vault keep history
commitments of their own, so a right in use is proven at a checkpoint without scanning the chain, and a node
that hides or changes a licence, attestation, dispute or pledge is caught."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from eth_utils import keccak
from ipledger import EventIndex, IPMetadata, Ledger, LicenseTerms
from ipledger.audit._history_chain import HistoryWord, history_slot
from ipledger.chain._events import TOPIC_OF
from loan_support import open_loan, register_pledge
from rpc_proxy import LimitingProxy, serve

Patent = tuple[IPMetadata, list[Path]]


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


@pytest.fixture
def right_in_use(ledger: Ledger, patent: Patent) -> int:
    """A patent of dev1 with a licence granted and one revoked, an attestation and a dismissed dispute."""
    token = ledger.register(*patent, to="dev1").token_id
    owner = ledger.use("dev1")
    terms = {"terms": "licence agreement v1", "start": ledger.chain.chain_time(), "royalty_bps": 0}
    owner.licenses.grant(token, LicenseTerms.model_validate({**terms, "licensee": ledger.address_of("dev2")}))
    second = owner.licenses.grant(token, LicenseTerms.model_validate({**terms, "licensee": ledger.address_of("dev3")}))
    owner.licenses.revoke(second.license_id, reason="licensee in breach")
    ledger.contracts.grant_role("attestor", "dev4")
    ledger.use("dev4").attestations.attest(token, "TITLE_VERIFIED", evidence="title search")
    bond_token, bond, _, _ = ledger.disputes.settings()
    if bond_token is not None and bond:
        ledger.payments.mint_test_stablecoin("dev5", 10 * bond)
    raised = ledger.use("dev5").disputes.open(token, evidence="prior art: US 1,234,567")
    ledger.disputes.resolve(raised.dispute_id, upheld=False, ruling="prior art not anticipatory")
    return token


def test_modules_keep_a_history_word_per_right(ledger: Ledger, right_in_use: int) -> None:
    for contract in (ledger.contracts.licenses, ledger.contracts.attestations, ledger.contracts.disputes):
        last_block, head = contract.functions.historyOf(right_in_use).call()
        word = int.from_bytes(ledger.chain.w3.eth.get_storage_at(contract.address, history_slot(right_in_use)), "big")
        assert HistoryWord.from_word(word) == HistoryWord(last_block, int.from_bytes(head, "big"))
        assert last_block > 0


def test_a_right_in_use_is_proven_with_its_modules(ledger: Ledger, right_in_use: int) -> None:
    report = ledger.verify(right_in_use, trust_block_hash=_head_hash(ledger))
    checks = {check.name: check for check in report.checks}
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert (
        checks["rights_in_use"].ok
        and "2 licence(s), 1 attestation(s) and 1 dispute(s)" in checks["rights_in_use"].detail
    )
    assert len(report.licenses) == 2 and len(report.disputes) == 1


class HidingProxy(LimitingProxy):
    """Forwards to the node but drops every log of one event from eth_getLogs answers."""

    def __init__(self, upstream: str, hidden: str) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.topic = TOPIC_OF[hidden]

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        answer = super().handle(request)
        if request.get("method") == "eth_getLogs" and isinstance(answer.get("result"), list):
            answer["result"] = [log for log in answer["result"] if log["topics"][0].lower() != self.topic]
        return answer


@pytest.mark.parametrize("hidden", ["LicenseRevoked", "Attested", "DisputeResolved"])
def test_a_node_hiding_a_module_event_is_caught(ledger: Ledger, right_in_use: int, hidden: str) -> None:
    checkpoint = _head_hash(ledger)
    with serve(HidingProxy(ledger.chain.rpc_url, hidden)) as url:
        liar = Ledger.connect(url, registry=ledger.contracts.registry_address)
        deployment = ledger.deployment
        liar.attach(licenses=deployment.licenses, attestations=deployment.attestations, disputes=deployment.disputes)
        report = liar.verify(right_in_use, trust_block_hash=checkpoint)
    assert report.verdict == "inconclusive"
    failed = [check for check in report.checks if not check.ok]
    assert [check.name for check in failed] == ["history"], failed
    assert report.record is None


@pytest.fixture
def fractionalized_right(ledger: Ledger, patent: Patent) -> int:
    """A patent of dev1 fractionalized into 1,000 shares, 250 of them sold to dev2."""
    token = ledger.register(*patent, to="dev1").token_id
    owner = ledger.use("dev1")
    owner.shares.fractionalize(token, "专利份额", "ZLS", 1_000 * 10**18, restricted=False)
    owner.shares.transfer(token, "dev2", 250 * 10**18)
    return token


def test_a_fractionalized_right_has_its_cap_table_proven(ledger: Ledger, fractionalized_right: int) -> None:
    report = ledger.verify(fractionalized_right, trust_block_hash=_head_hash(ledger))
    checks = {check.name: check for check in report.checks}
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert checks["cap_table_proof"].ok and "2 holder balance(s) proven" in checks["cap_table_proof"].detail


class HolderLyingProxy(LimitingProxy):
    """Rewrites share Transfer logs to ``honest`` as transfers to ``liar`` (the proofs stay honest)."""

    def __init__(self, upstream: str, honest: str, liar: str) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.honest, self.liar = ("0x" + address[2:].lower().rjust(64, "0") for address in (honest, liar))

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        answer = super().handle(request)
        if request.get("method") == "eth_getLogs" and isinstance(answer.get("result"), list):
            for log in answer["result"]:
                topics = log["topics"]
                if topics[0].lower() == TOPIC_OF["Transfer"] and len(topics) == 3 and topics[2].lower() == self.honest:
                    topics[2] = self.liar
        return answer


def test_a_node_lying_about_a_holder_is_caught(ledger: Ledger, fractionalized_right: int) -> None:
    checkpoint = _head_hash(ledger)
    proxy = HolderLyingProxy(ledger.chain.rpc_url, ledger.address_of("dev2"), ledger.address_of("dev3"))
    with serve(proxy) as url:
        liar = Ledger.connect(
            url, registry=ledger.contracts.registry_address, vault=str(ledger.contracts.vault.address)
        )
        report = liar.verify(fractionalized_right, trust_block_hash=checkpoint)
    failed = {check.name: check for check in report.checks if not check.ok}
    assert report.verdict == "inconclusive"
    assert "cap_table_proof" in failed and "proven" in failed["cap_table_proof"].detail


@pytest.mark.anvil
def test_an_index_names_the_holders_without_a_scan(ledger: Ledger, fractionalized_right: int, tmp_path: Path) -> None:
    """400 blocks after the events, behind a provider that answers eth_getLogs over 4 blocks at most: with a
    synced index naming the holders (not trusted: their balances are proven), the trusted verify of a fractionalized
    right makes a handful of single-block eth_getLogs; without it, the share token's logs are scanned."""
    ledger.chain.w3.provider.make_request("anvil_mine", [hex(400)])  # type: ignore[arg-type]
    index = EventIndex(tmp_path / "index.sqlite")
    index.sync(ledger)
    checkpoint = _head_hash(ledger)
    deployment = ledger.deployment
    counts = {}
    for label, given in (("index", index), ("scan", None)):
        proxy = LimitingProxy(ledger.chain.rpc_url, max_blocks=4)
        with serve(proxy) as url:
            reader = Ledger.connect(url, registry=ledger.contracts.registry_address, vault=deployment.vault)
            reader.attach(
                licenses=deployment.licenses,
                attestations=deployment.attestations,
                disputes=deployment.disputes,
                loans=deployment.loans,
            )
            report = reader.verify(fractionalized_right, trust_block_hash=checkpoint, index=given)
        assert report.verdict == "verified", [check for check in report.checks if not check.ok]
        counts[label] = proxy.methods["eth_getLogs"]
    assert counts["index"] <= 10 < 100 < counts["scan"], counts


def test_a_royalty_setting_and_a_reclaimed_content_are_proven(ledger: Ledger, patent: Patent) -> None:
    """Events the SDK once could not decode (``RoyaltySet``) are in the history commitment like any other."""
    token = ledger.register(*patent, to="dev1").token_id
    sent = ledger.contracts.registry.functions.setTokenRoyalty(token, 250).transact({"from": ledger.address_of("dev1")})
    ledger.chain.w3.eth.wait_for_transaction_receipt(sent)
    report = ledger.verify(token, trust_block_hash=_head_hash(ledger))
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]


def test_a_holder_listed_twice_cannot_hide_another(ledger: Ledger, fractionalized_right: int) -> None:
    """dev1 (750) listed under two spellings would add up to... nothing else: a holder listed twice is refused."""
    from ipledger.audit._proofs import TrustlessVerifier

    verifier = TrustlessVerifier(ledger.chain.rpc, _head_hash(ledger))
    vault = str(ledger.contracts.vault.address)
    proven = verifier.prove(registry=ledger.contracts.registry_address, token_id=fractionalized_right, modules=[vault])
    share_token = ledger.shares.token(fractionalized_right)
    dev1 = ledger.address_of("dev1")
    honest = {dev1: 750 * 10**18, ledger.address_of("dev2"): 250 * 10**18}
    assert verifier.cap_table_check(proven, share_token, honest).ok
    doubled = {dev1: 750 * 10**18, dev1.lower(): 750 * 10**18}
    check = verifier.cap_table_check(proven, share_token, doubled)
    assert not check.ok and "twice" in check.detail


class NumberLyingProxy(LimitingProxy):
    """Says no right has the number's key and that another token holds the number (``exists``, ``tokenOfNumber``)."""

    def __init__(self, upstream: str, other: int) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.other = other

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        answer = super().handle(request)
        call = request["params"][0] if request.get("method") == "eth_call" else {}
        data = str(call.get("data") or call.get("input") or "")
        if data.startswith("0x" + keccak(text="exists(uint256)")[:4].hex()):
            answer["result"] = "0x" + "00" * 32
        elif data.startswith("0x" + keccak(text="tokenOfNumber(uint256)")[:4].hex()):
            answer["result"] = "0x" + self.other.to_bytes(32, "big").hex()
        return answer


def test_a_number_the_node_maps_to_another_right_is_caught(ledger: Ledger, patent: Patent, tmp_path: Path) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    other_metadata = metadata.model_copy(
        update={"number": f"US {int(metadata.number[3:-3].replace(',', '')) + 7:,} B2"}
    )
    other_documents = [tmp_path / "other.txt"]
    other_documents[0].write_text("another invention", "utf-8")
    other = ledger.register(other_metadata, other_documents, to="dev2").token_id
    with serve(NumberLyingProxy(ledger.chain.rpc_url, other)) as url:
        liar = Ledger.connect(url, registry=ledger.contracts.registry_address)
        report = liar.verify(metadata.number, trust_block_hash=_head_hash(ledger))
    assert report.token_id == other and report.verdict == "inconclusive"
    assert [check.name for check in report.checks if not check.ok] == ["number_proof"]
    honest = ledger.verify(metadata.number, trust_block_hash=_head_hash(ledger))
    assert honest.token_id == token and honest.verdict == "verified"


def test_another_licence_registry_of_this_registry_is_not_proven(ledger: Ledger, right_in_use: int) -> None:
    """A second LicenseRegistry deployed for the same registry (shipped code, this registry among its immutables,
    an empty history for the right) is not the deployment's: the share vault's royalty vault does not name it. A node
    naming it, or a caller attaching it, gets "could not verify", never "0 licences"."""
    from ipledger._artifacts import load_artifact

    artifact = load_artifact("LicenseRegistry")
    factory = ledger.chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    sent = factory.constructor(ledger.contracts.registry_address).transact({"from": ledger.address_of("dev0")})
    impostor = ledger.chain.w3.eth.wait_for_transaction_receipt(sent)["contractAddress"]
    deployment = ledger.deployment
    reader = Ledger.connect(ledger.chain.rpc_url, registry=ledger.contracts.registry_address, vault=deployment.vault)
    reader.attach(licenses=impostor, attestations=deployment.attestations, disputes=deployment.disputes)
    report = reader.verify(right_in_use, trust_block_hash=_head_hash(ledger))
    failed = {check.name: check.detail for check in report.checks if not check.ok}
    assert report.verdict == "inconclusive" and "modules" in failed, report.checks
    assert "royalty vault" in failed["modules"]


class TxHashLyingProxy(LimitingProxy):
    """Gives every log of one event another transaction hash (nothing proves transaction hashes)."""

    def __init__(self, upstream: str, event: str) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.topic = TOPIC_OF[event]

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        answer = super().handle(request)
        if request.get("method") == "eth_getLogs" and isinstance(answer.get("result"), list):
            for log in answer["result"]:
                if log["topics"][0].lower() == self.topic:
                    log["transactionHash"] = "0x" + "ee" * 32
        return answer


def test_a_forced_transfer_stays_forced_whatever_its_transaction_hash(ledger: Ledger, patent: Patent) -> None:
    """The node moves the ForceTransferred log to another transaction: the trusted history still pairs it with its
    Transfer (the proven order), so the forced transfer and its notice are not hidden as a plain transfer."""
    token = ledger.register(*patent, to="dev1").token_id
    ledger.rights.force_transfer(token, "dev2", b"\x03" * 32)
    checkpoint = _head_hash(ledger)
    with serve(TxHashLyingProxy(ledger.chain.rpc_url, "ForceTransferred")) as url:
        report = Ledger.connect(url, registry=ledger.contracts.registry_address).verify(
            token, trust_block_hash=checkpoint
        )
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert "forced_transfer" in [event.kind for event in report.events]
    assert any("forced" in notice.lower() for notice in report.notices), report.notices


@pytest.fixture
def pledged_right(ledger: Ledger, patent: Patent) -> int:
    """A patent of dev1 pledged to dev2, its pledge registration recorded."""
    token = ledger.register(*patent, to="dev1").token_id
    loan = open_loan(ledger, token)
    register_pledge(ledger, loan, "Y2026990000456")
    return token


@pytest.mark.parametrize("hidden", ["LoanOpened", "PledgeRegistered", "PledgeSet"])
def test_a_node_hiding_a_pledge_is_caught(ledger: Ledger, pledged_right: int, hidden: str) -> None:
    checkpoint = _head_hash(ledger)
    with serve(HidingProxy(ledger.chain.rpc_url, hidden)) as url:
        liar = Ledger.connect(url, registry=ledger.contracts.registry_address)
        liar.attach(loans=ledger.deployment.loans)
        report = liar.verify(pledged_right, trust_block_hash=checkpoint)
    assert report.verdict == "inconclusive"
    failed = [check for check in report.checks if not check.ok]
    assert [check.name for check in failed] == ["history"], failed
    assert report.record is None


class ReleaseForgingProxy(LimitingProxy):
    """Rewrites the registry's PledgeSet logs to say the pledge was lifted: the story of a right freed of its
    pledge (the proven ownership word still says pledged, and the registry's history no longer hashes)."""

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        answer = super().handle(request)
        if request.get("method") == "eth_getLogs" and isinstance(answer.get("result"), list):
            for log in answer["result"]:
                if log["topics"][0].lower() == TOPIC_OF["PledgeSet"]:
                    log["data"] = "0x" + "00" * 32 + log["data"][66:]
        return answer


def test_a_node_forging_a_release_is_caught(ledger: Ledger, pledged_right: int) -> None:
    checkpoint = _head_hash(ledger)
    with serve(ReleaseForgingProxy(ledger.chain.rpc_url, max_blocks=2**62)) as url:
        liar = Ledger.connect(url, registry=ledger.contracts.registry_address)
        report = liar.verify(pledged_right, trust_block_hash=checkpoint)
    assert report.verdict == "inconclusive"
    assert [check.name for check in report.checks if not check.ok] == ["history"]


def test_the_loan_desk_is_found_from_the_proven_pledge(ledger: Ledger, pledged_right: int) -> None:
    """A reader given only the registry finds the desk that pledged the right (its role grant, or the proven pledge
    lock) and proves it: a shipped LoanDesk of this registry holding its pledge role."""
    reader = Ledger.connect(ledger.chain.rpc_url, registry=ledger.contracts.registry_address)
    report = reader.verify(pledged_right, trust_block_hash=_head_hash(ledger))
    checks = {check.name: check for check in report.checks}
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert str(ledger.deployment.loans) in checks["modules"].detail
    assert checks["pledge"].ok and "Y2026990000456" in checks["pledge"].detail


def test_a_desk_without_the_pledge_role_is_not_this_registry_s(ledger: Ledger, pledged_right: int) -> None:
    """The modules check proves the desk holds the registry's pledge role in proven storage."""
    from ipledger.audit._proofs import TrustlessVerifier
    from ipledger.chain._roles import PLEDGE_ROLE

    desk = str(ledger.deployment.loans)
    verifier = TrustlessVerifier(ledger.chain.rpc, _head_hash(ledger))
    proven = verifier.prove(registry=ledger.contracts.registry_address, token_id=pledged_right, modules=[desk])
    assert verifier.modules_check(proven, ledger.contracts.registry_address, {"loans": desk}).ok
    registry = ledger.contracts.registry
    sent = registry.functions.revokeRole(PLEDGE_ROLE, desk).transact({"from": ledger.address_of("dev0")})
    ledger.chain.w3.eth.wait_for_transaction_receipt(sent)
    try:
        later = TrustlessVerifier(ledger.chain.rpc, _head_hash(ledger))
        proven = later.prove(registry=ledger.contracts.registry_address, token_id=pledged_right, modules=[desk])
        check = later.modules_check(proven, ledger.contracts.registry_address, {"loans": desk})
        assert not check.ok and "does not hold the registry's role" in check.detail
    finally:
        sent = registry.functions.grantRole(PLEDGE_ROLE, desk).transact({"from": ledger.address_of("dev0")})
        ledger.chain.w3.eth.wait_for_transaction_receipt(sent)
