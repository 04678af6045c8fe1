"""Trustless verification (``Ledger.verify(token, trust_block_hash=...)``) against a lying node of our own.

The node is anvil behind tests/sdk/rpc_proxy.py's ``LyingProxy``, which tells one lie per test: about the right's
flags in ``recordOf``, its events in ``eth_getLogs`` (withheld, altered, reordered, invented, or everything before a
block), a block's time, the chain head, the chain id, a storage proof or a checkpoint's header. Each lie must be
caught by the check that names it, with a detail that says what was wrong; an honest node passes every proof check.
A failing proof check makes the verdict ``inconclusive`` and the report carries no record (the node's claims are never
shown as the record); a proven fact that fails an ordinary check (a frozen right) makes it ``failed``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from chain_support import reader_through
from ipledger import (
    CheckpointError,
    ContractRevertError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    NodeError,
    NodeInfo,
    RightStatus,
    VerificationReport,
)
from ipledger.audit._history_chain import history_slot
from ipledger.audit._proofs import PROOF_CHECKS, header_hash, owner_slot
from ipledger.chain._events import TOPIC_OF
from rpc_proxy import FAKE_OWNER, chain_id_proxy, limiting_proxy, lying_proxy, side_block_proxy

Patent = tuple[IPMetadata, list[Path]]
#: The proof checks every trusted report carries (``proof_scope`` appears only when the verdict rests on unproven
#: data: events of other contracts, a cap table).
PROVEN = {"checkpoint", "state_proof", "history", "owner_proof", "chain_id", "rights_in_use", "modules"}
#: eth_getProof calls that bind the modules to the registry (its roles, the royalty vault naming the licence registry,
#: and the vault's other immutables tried before it): a constant, whatever the chain's length.
BINDING_PROOFS = range(1, 6)
#: What the ``history`` check says when the node's events do not hash to the proven commitment.
NOT_THE_COMMITMENT = "do not hash to the proven commitment"


# ---------------------------------------------------------------------------------------------------- rights


@pytest.fixture
def assigned_right(ledger: Ledger, patent: Patent, tmp_path: Path) -> int:
    """Registered to dev1, assigned to dev2, frozen and unfrozen: four blocks of events."""
    metadata, documents = patent
    deed = tmp_path / "deed.txt"
    deed.write_text("deed of assignment")
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").rights.assign(token, "dev2", deed)
    ledger.rights.freeze(token, b"\x01" * 32)
    ledger.rights.unfreeze(token, b"\x02" * 32)
    return token


@pytest.fixture
def frozen_right(ledger: Ledger, patent: Patent) -> int:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.rights.freeze(token, b"\x03" * 32)
    return token


@pytest.fixture
def claimed_right(ledger: Ledger, patent: Patent) -> int:
    """A self-declared claim of dev3 (commit, then reveal in a later block)."""
    metadata, documents = patent
    return ledger.use("dev3").rights.claim(metadata, documents).token_id


@pytest.fixture
def reborn_right(ledger: Ledger, patent: Patent) -> int:
    """Registered to dev1, force-transferred to dev4, revoked, and registered again to dev3."""
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.rights.force_transfer(token, "dev4", b"\x04" * 32)
    ledger.rights.revoke(token, b"\x05" * 32)
    assert ledger.register(metadata, documents, to="dev3").token_id == token
    return token


# ---------------------------------------------------------------------------------------------------- helpers


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


def _block(ledger: Ledger, number: int) -> dict[str, Any]:
    block: dict[str, Any] = ledger.chain.w3.provider.make_request("eth_getBlockByNumber", [hex(number), False])[
        "result"
    ]  # type: ignore[arg-type]
    return block


def _event_blocks(ledger: Ledger, token: int) -> list[int]:
    return sorted({event.block for event in ledger.history(token).events})


def _checkpoints(ledger: Ledger, token: int) -> list[str]:
    """A checkpoint at each block of the right's events, and one at the head."""
    return [_block(ledger, number)["hash"] for number in _event_blocks(ledger, token)] + [_head_hash(ledger)]


def _sibling(block: dict[str, Any], **fields: str) -> dict[str, Any]:
    """A block of another fork at the same height: same parent, other extra data (and ``fields``), another hash."""
    sibling = dict(block, extraData="0x" + b"another fork".hex(), **fields)
    sibling["hash"] = "0x" + header_hash(sibling).hex()
    return sibling


def _contracts(ledger: Ledger) -> int:
    """How many contracts a trusted verify proves for one right: the registry and each module with a history."""
    deployment = ledger.deployment
    modules = (deployment.vault, deployment.licenses, deployment.attestations, deployment.disputes, deployment.loans)
    return 1 + sum(1 for address in modules if address)


def _check(report: VerificationReport, name: str) -> Any:
    found = [check for check in report.checks if check.name == name]
    assert len(found) == 1, (name, report.checks)
    return found[0]


def _failed(report: VerificationReport) -> set[str]:
    return {check.name for check in report.checks if not check.ok}


def _assert_honest_proofs(report: VerificationReport) -> None:
    """Every proof check is in the report, and passed."""
    for name in PROVEN:
        assert _check(report, name).ok, _check(report, name)


def _assert_unproven(report: VerificationReport, name: str, *fragments: str) -> None:
    """The proof check ``name`` failed (saying ``fragments``): the verdict is inconclusive, and the report shows
    no record and no events, never the node's."""
    check = _check(report, name)
    assert not check.ok
    for fragment in fragments:
        assert fragment in check.detail, (fragment, check.detail)
    assert report.verdict == "inconclusive"
    assert report.record is None and report.events == []


def test_proof_constants_name_the_checks_the_tests_expect() -> None:
    assert set(PROOF_CHECKS) == PROVEN | {"cap_table_proof", "number_proof"}


def test_slots_and_header_hash_match_the_node(ledger: Ledger, assigned_right: int) -> None:
    block = ledger.chain.w3.provider.make_request("eth_getBlockByNumber", ["latest", False])["result"]  # type: ignore[arg-type]
    assert "0x" + header_hash(block).hex() == block["hash"]
    registry = ledger.contracts.registry_address
    word = int.from_bytes(ledger.chain.w3.eth.get_storage_at(registry, owner_slot(assigned_right)), "big")
    assert word & (2**160 - 1) == int(ledger.address_of("dev2"), 16)
    history = int.from_bytes(ledger.chain.w3.eth.get_storage_at(registry, history_slot(assigned_right)), "big")
    last_block, head = ledger.contracts.registry.functions.historyOf(assigned_right).call()
    assert (history & (2**64 - 1), (history >> 64).to_bytes(24, "big")) == (last_block, bytes(head))
    assert last_block == _event_blocks(ledger, assigned_right)[-1]


# ---------------------------------------------------------------------------------------------------- honest node


def test_honest_node_passes_every_proof(anvil_node: NodeInfo, ledger: Ledger, assigned_right: int) -> None:
    trusted = _head_hash(ledger)
    with limiting_proxy(anvil_node.rpc_url, max_blocks=2**62) as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=trusted)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    _assert_honest_proofs(report)
    blocks = _event_blocks(ledger, assigned_right)
    assert f"in {len(blocks)} block(s) hash to the history commitment" in _check(report, "history").detail
    assert report.record is not None and report.record.owner == ledger.address_of("dev2")
    assert [event.block for event in report.events][-1] == blocks[-1]
    assert report.checked_at_block == ledger.chain.head()
    assert proxy.methods["eth_getProof"] - _contracts(ledger) in BINDING_PROOFS


# ---------------------------------------------------------------------------------------------------- flags, owner


def test_node_hiding_a_freeze_fools_only_the_untrusted_verify(
    anvil_node: NodeInfo, ledger: Ledger, frozen_right: int
) -> None:
    trusted = _head_hash(ledger)
    with lying_proxy(anvil_node.rpc_url, lie="flags") as (url, proxy):
        reader = reader_through(url, ledger)
        fooled = reader.verify(frozen_right)
        told = proxy.lies_told
        report = reader.verify(frozen_right, trust_block_hash=trusted)
    # Without a checkpoint the node's recordOf is the record: the freeze it hides is not seen (why the trusted
    # verify exists).
    assert told > 0
    assert fooled.verdict == "verified" and fooled.record is not None
    assert fooled.record.status is RightStatus.ACTIVE
    # The proven ownership word carries the frozen bit, whatever recordOf says.
    assert report.verdict == "failed"
    assert _failed(report) == {"status"}
    assert _check(report, "status").detail.startswith("frozen")
    assert report.record is not None and report.record.status is RightStatus.FROZEN
    _assert_honest_proofs(report)


def test_node_hiding_a_self_declared_claim_fools_only_the_untrusted_verify(
    anvil_node: NodeInfo, ledger: Ledger, claimed_right: int
) -> None:
    trusted = _head_hash(ledger)
    with lying_proxy(anvil_node.rpc_url, lie="flags") as (url, proxy):
        reader = reader_through(url, ledger)
        fooled = reader.verify(claimed_right)
        told = proxy.lies_told
        report = reader.verify(claimed_right, trust_block_hash=trusted)
    assert told > 0
    assert fooled.record is not None and not fooled.record.self_declared
    assert not _check(fooled, "verification_level").detail.startswith("self-declared")
    assert report.record is not None and report.record.self_declared
    assert _check(report, "verification_level").detail == "self-declared (commit-reveal claim)"
    assert any(notice.startswith("self-declared") for notice in report.notices)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    _assert_honest_proofs(report)


def test_node_lying_about_the_owner_is_shown_beside_the_proven_one(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    trusted = _head_hash(ledger)
    with lying_proxy(anvil_node.rpc_url, lie="owner") as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=trusted)
    assert proxy.lies_told > 0
    owner = ledger.address_of("dev2")
    check = _check(report, "owner_proof")
    assert not check.ok
    assert check.detail == f"the node reports the owner {FAKE_OWNER}, the proven word names {owner.lower()}"
    assert report.verdict == "inconclusive" and _failed(report) == {"owner_proof"}
    # The record is the proven one, never the node's claim.
    assert report.record is not None and report.record.owner == owner


# ---------------------------------------------------------------------------------------------------- events


def test_node_withholding_a_revoked_life_is_caught(anvil_node: NodeInfo, ledger: Ledger, reborn_right: int) -> None:
    """Every log before the second registration withheld: the node shows a right registered once to dev3, and
    hides the forced transfer and the revocation."""
    blocks = _event_blocks(ledger, reborn_right)
    again = blocks[-1]
    trusted = _head_hash(ledger)
    assert ledger.verify(reborn_right, trust_block_hash=trusted).verdict == "verified"
    with lying_proxy(anvil_node.rpc_url, lie="before", block=again) as (url, proxy):
        reader = reader_through(url, ledger)
        fooled = reader.verify(reborn_right)
        report = reader.verify(reborn_right, trust_block_hash=trusted)
    assert proxy.lies_told > 0
    assert fooled.verdict == "verified" and [event.kind for event in fooled.events] == ["registered"]
    _assert_unproven(report, "history", NOT_THE_COMMITMENT)
    assert _failed(report) == {"history"}


@pytest.mark.parametrize(
    ("lie", "event", "invent_as", "detail"),
    [
        pytest.param("alter", "Assigned", "", NOT_THE_COMMITMENT, id="alter-the-deed-of-an-assignment"),
        pytest.param("alter", "RightRegistered", "", "malformed log", id="alter-the-registration-to-bad-abi"),
        pytest.param("reorder", "RightRegistered", "", NOT_THE_COMMITMENT, id="registration-before-its-mint"),
        pytest.param("reorder", "Assigned", "", NOT_THE_COMMITMENT, id="assignment-before-its-transfer"),
        pytest.param("invent", "Unfrozen", "Frozen", NOT_THE_COMMITMENT, id="invent-a-second-freeze"),
        pytest.param("drop", "Assigned", "", NOT_THE_COMMITMENT, id="withhold-the-assignment"),
        pytest.param("drop", "HistoryLinked", "", NOT_THE_COMMITMENT, id="withhold-a-history-link"),
    ],
)
def test_node_tampering_with_events_is_caught_by_history(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int, lie: str, event: str, invent_as: str, detail: str
) -> None:
    trusted = _head_hash(ledger)
    options = {"invent_as": TOPIC_OF[invent_as]} if invent_as else {}
    with lying_proxy(anvil_node.rpc_url, lie=lie, topic=TOPIC_OF[event], **options) as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=trusted)
    assert proxy.lies_told > 0
    _assert_unproven(report, "history", detail)
    assert _failed(report) == {"history"}
    assert _check(report, "checkpoint").ok and _check(report, "state_proof").ok


def test_node_lying_about_a_blocks_time_is_caught_by_history(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    assigned = _event_blocks(ledger, assigned_right)[1]
    trusted = _head_hash(ledger)
    with lying_proxy(anvil_node.rpc_url, lie="timestamp", block=assigned) as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=trusted)
    assert proxy.lies_told > 0
    _assert_unproven(report, "history", NOT_THE_COMMITMENT)


@pytest.mark.parametrize(
    ("lie", "event"), [("drop", "Assigned"), ("alter", "Frozen"), ("drop", "HistoryLinked"), ("reorder", "Assigned")]
)
def test_lie_between_checkpoints_is_caught(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int, lie: str, event: str
) -> None:
    """The assignment lies between two checkpoints: its block is walked all the same."""
    registered, _, frozen, _ = _event_blocks(ledger, assigned_right)
    checkpoints = [_block(ledger, registered)["hash"], _block(ledger, frozen)["hash"], _head_hash(ledger)]
    with lying_proxy(anvil_node.rpc_url, lie=lie, topic=TOPIC_OF[event]) as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=checkpoints)
    assert proxy.lies_told > 0
    _assert_unproven(report, "history", NOT_THE_COMMITMENT)


# ---------------------------------------------------------------------------------------------------- chain head


@pytest.mark.anvil
@pytest.mark.parametrize("behind", [1, 3])
def test_node_lying_about_the_head_cannot_get_a_verdict_built_on_it(
    anvil_node: NodeInfo, ledger: Ledger, frozen_right: int, behind: int
) -> None:
    """The node says the chain ends ``behind`` blocks before the trusted head (before the freeze, for 3): the
    trusted verify judges the right as of the checkpoint (frozen), never as of the node's head, and does not refuse
    the checkpoint (the node returned it by hash; its eth_blockNumber proves nothing)."""
    ledger.chain.w3.provider.make_request("anvil_mine", [hex(2)])  # type: ignore[arg-type]
    head = ledger.chain.head()
    assert _event_blocks(ledger, frozen_right)[-1] == head - 2
    trusted = _head_hash(ledger)
    with lying_proxy(anvil_node.rpc_url, lie="latest", block=head - behind) as (url, proxy):
        reader = reader_through(url, ledger)
        assert reader.chain.head() == head - behind
        try:
            report = reader.verify(frozen_right, trust_block_hash=trusted)
        except (NodeError, InvalidInputError) as refused:
            pytest.fail(f"the trusted verify refused a checkpoint the node knows: {refused}")
    assert proxy.lies_told > 0
    assert report.checked_at_block == head
    assert report.verdict == "failed" and _failed(report) == {"status"}
    _assert_honest_proofs(report)


@pytest.mark.anvil
def test_node_lying_about_the_head_after_the_checkpoint_verifies_as_of_the_checkpoint(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    last = _event_blocks(ledger, assigned_right)[-1]
    ledger.chain.w3.provider.make_request("anvil_mine", [hex(3)])  # type: ignore[arg-type]
    trusted = _block(ledger, last)["hash"]
    with lying_proxy(anvil_node.rpc_url, lie="latest", block=last + 1) as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=trusted)
    assert proxy.lies_told > 0
    assert report.verdict == "verified" and report.checked_at_block == last
    _assert_honest_proofs(report)


# ---------------------------------------------------------------------------------------------------- chain id


def test_node_lying_about_the_chain_id_is_caught(anvil_node: NodeInfo, ledger: Ledger, assigned_right: int) -> None:
    trusted = _head_hash(ledger)
    with chain_id_proxy(anvil_node.rpc_url, reported=1) as (url, proxy):
        reader = reader_through(url, ledger)
        assert reader.chain_id == 1
        report = reader.verify(assigned_right, trust_block_hash=trusted)
    assert proxy.methods["eth_chainId"] > 0
    check = _check(report, "chain_id")
    assert not check.ok and "claims chain 1" in check.detail
    assert report.verdict == "inconclusive" and report.chain_id == 1
    assert _failed(report) == {"chain_id"}


# ---------------------------------------------------------------------------------------------------- proofs


@pytest.mark.parametrize(
    ("lie", "name", "fragment"),
    [
        pytest.param("storage", "state_proof", "differs from its own proof", id="storage-value"),
        pytest.param("proof", "state_proof", "the state proof does not verify", id="storage-proof-node"),
        pytest.param("checkpoint", "checkpoint", "does not hash to it", id="checkpoint-state-root"),
    ],
)
def test_node_forging_a_proof_is_caught(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int, lie: str, name: str, fragment: str
) -> None:
    trusted = _head_hash(ledger)
    with lying_proxy(anvil_node.rpc_url, lie=lie) as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=trusted)
    assert proxy.lies_told > 0
    _assert_unproven(report, name, fragment, trusted)
    assert _failed(report) == {name}


# ---------------------------------------------------------------------------------------------------- cost


@pytest.fixture(scope="module")
def long_after(ledger: Ledger, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str]:
    """A right registered and assigned, with 400 blocks mined after its events (once for the module: anvil mines
    slower as its chain grows, and a session chain is long by now); the right and the head's hash."""
    folder = tmp_path_factory.mktemp("long-after")
    documents = []
    for name in ("claims.txt", "description.txt"):
        path = folder / name
        path.write_text(f"{name} of a patent verified 400 blocks later\n", "utf-8")
        documents.append(path)
    metadata = IPMetadata(
        title="Electrode verified much later", kind="patent", jurisdiction="US", number="US 9,876,543 B2"
    )
    token = ledger.register(metadata, documents, to="dev1").token_id
    ledger.use("dev1").rights.assign(token, "dev2", b"\x06" * 32)
    ledger.chain.w3.provider.make_request("anvil_mine", [hex(400)])  # type: ignore[arg-type]
    return token, _head_hash(ledger)


def _walk_requests(calls: list[tuple[int, int, bool]]) -> list[int]:
    """The blocks of the single-block ``eth_getLogs`` of the registry with no topic filter: the trusted walk's."""
    return [start for start, end, filtered in calls if start == end and not filtered]


@pytest.mark.anvil
def test_trusted_walk_does_not_scan_the_chain(
    anvil_node: NodeInfo, ledger: Ledger, long_after: tuple[int, str]
) -> None:
    token, trusted = long_after
    blocks = _event_blocks(ledger, token)
    with limiting_proxy(anvil_node.rpc_url, max_blocks=4) as (url, proxy):
        report = reader_through(url, ledger).verify(token, trust_block_hash=trusted)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert proxy.methods["eth_getProof"] - _contracts(ledger) in BINDING_PROOFS
    walked = _walk_requests(proxy.get_logs_queries)
    assert Counter(walked) == Counter(blocks), (walked, blocks)


@pytest.mark.anvil
def test_trusted_verify_does_not_scan_the_chain(
    anvil_node: NodeInfo, ledger: Ledger, long_after: tuple[int, str]
) -> None:
    token, trusted = long_after
    with limiting_proxy(anvil_node.rpc_url, max_blocks=4) as (url, proxy):
        report = reader_through(url, ledger).verify(token, trust_block_hash=trusted)
    assert report.verdict == "verified"
    assert proxy.methods["eth_getLogs"] < 50, (proxy.methods["eth_getLogs"], proxy.refused, len(proxy.served))


# ---------------------------------------------------------------------------------------------------- checkpoints


def test_unknown_trusted_block_is_a_named_error(ledger: Ledger, assigned_right: int) -> None:
    with pytest.raises(NodeError, match="trusted block"):
        ledger.verify(assigned_right, trust_block_hash="0x" + "12" * 32)
    with pytest.raises(InvalidInputError):
        ledger.verify(assigned_right, trust_block_hash="0x1234")


def test_unknown_checkpoint_among_good_ones_is_named(ledger: Ledger, assigned_right: int) -> None:
    bogus = "0x" + "34" * 32
    with pytest.raises(NodeError, match=f"does not know the trusted block {bogus}"):
        ledger.verify(assigned_right, trust_block_hash=[*_checkpoints(ledger, assigned_right), bogus])
    with pytest.raises(InvalidInputError, match="no trusted block hash"):
        ledger.verify(assigned_right, trust_block_hash=[])
    with pytest.raises(InvalidInputError, match="either a block or trusted block hashes"):
        ledger.verify(assigned_right, block=1, trust_block_hash=[_head_hash(ledger)])


@pytest.mark.anvil
def test_several_checkpoints_are_each_proven(anvil_node: NodeInfo, ledger: Ledger, assigned_right: int) -> None:
    """A checkpoint at each event's block and at the head, in any order and case: each earlier one's proven history
    is a state the chain passed through."""
    ledger.chain.w3.provider.make_request("anvil_mine", [hex(3)])  # type: ignore[arg-type]
    checkpoints = _checkpoints(ledger, assigned_right)
    given = [checkpoints[-1], *reversed(checkpoints[:-1]), checkpoints[0].upper().replace("0X", "0x")]
    with limiting_proxy(anvil_node.rpc_url, max_blocks=2**62) as (url, proxy):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=given)
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert report.checked_at_block == ledger.chain.head()
    assert proxy.methods["eth_getProof"] - len(checkpoints) * _contracts(ledger) in BINDING_PROOFS
    _assert_honest_proofs(report)


def test_checkpoints_before_the_first_event_are_an_empty_history(ledger: Ledger, assigned_right: int) -> None:
    first = _event_blocks(ledger, assigned_right)[0]
    early = _block(ledger, first - 1)["hash"]
    report = ledger.verify(assigned_right, trust_block_hash=[early, _head_hash(ledger)])
    assert report.verdict == "verified"


def test_latest_checkpoint_sets_the_block_verified(ledger: Ledger, assigned_right: int) -> None:
    _, _, frozen, unfrozen = _event_blocks(ledger, assigned_right)
    report = ledger.verify(assigned_right, trust_block_hash=[_block(ledger, unfrozen)["hash"]])
    assert report.verdict == "verified" and report.checked_at_block == unfrozen
    # As of the freeze's block the right was frozen: the verdict is the checkpoint's, not the head's.
    then = ledger.verify(assigned_right, trust_block_hash=_block(ledger, frozen)["hash"])
    assert then.checked_at_block == frozen
    assert then.verdict == "failed" and _failed(then) == {"status"}
    assert [event.block for event in then.events][-1] == frozen


def test_latest_checkpoint_before_any_event_is_unknown_token(ledger: Ledger, assigned_right: int) -> None:
    first = _event_blocks(ledger, assigned_right)[0]
    with pytest.raises(ContractRevertError, match="UnknownToken"):
        ledger.verify(assigned_right, trust_block_hash=_block(ledger, first - 1)["hash"])


def test_two_checkpoints_at_one_height_are_refused(anvil_node: NodeInfo, ledger: Ledger, assigned_right: int) -> None:
    assigned = _event_blocks(ledger, assigned_right)[1]
    real = _block(ledger, assigned)
    fork = _sibling(real)
    checkpoints = [real["hash"], fork["hash"], _head_hash(ledger)]
    with (
        side_block_proxy(anvil_node.rpc_url, {fork["hash"]: fork}) as (url, proxy),
        pytest.raises(CheckpointError, match=f"both are block {assigned}") as refused,
    ):
        reader_through(url, ledger).verify(assigned_right, trust_block_hash=checkpoints)
    assert proxy.methods["eth_getBlockByHash"] >= 1
    assert {refused.value.earlier, refused.value.later} == {real["hash"], fork["hash"]}


def test_checkpoint_of_a_fork_with_another_history_is_refused(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    """A node of another fork, on which the right was already assigned at its registration's height: that
    checkpoint's proven history is not one the later checkpoint's chain passed through."""
    registered, assigned, _, _ = _event_blocks(ledger, assigned_right)
    fork = _sibling(_block(ledger, registered), stateRoot=_block(ledger, assigned)["stateRoot"])
    later = _block(ledger, assigned - 1)["hash"]
    with (
        side_block_proxy(anvil_node.rpc_url, {fork["hash"]: fork}, states={registered: assigned}) as (url, proxy),
        pytest.raises(CheckpointError, match="not on one chain") as refused,
    ):
        reader_through(url, ledger).verify(assigned_right, trust_block_hash=[fork["hash"], later])
    assert proxy.methods["eth_getBlockByHash"] >= 1
    error = refused.value
    assert (error.earlier, error.earlier_block, error.later) == (fork["hash"], registered, later)


def test_checkpoint_whose_history_names_a_later_block_is_refused(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    """The same fork checkpoint beside the head: its proven history (the assignment's) is a state the chain passed
    through, but at the assignment's block, after the checkpoint's height: no chain has it at that height."""
    registered, assigned, _, _ = _event_blocks(ledger, assigned_right)
    fork = _sibling(_block(ledger, registered), stateRoot=_block(ledger, assigned)["stateRoot"])
    checkpoints = [fork["hash"], _head_hash(ledger)]
    with (
        side_block_proxy(anvil_node.rpc_url, {fork["hash"]: fork}, states={registered: assigned}) as (url, _),
        pytest.raises(CheckpointError, match="not on one chain"),
    ):
        reader_through(url, ledger).verify(assigned_right, trust_block_hash=checkpoints)


def test_checkpoint_of_a_fork_the_node_cannot_prove_is_caught(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    """A node that knows a fork's block by hash but proves the canonical chain's state at its height: the proofs do
    not verify against the fork's state root."""
    _, assigned, frozen, _ = _event_blocks(ledger, assigned_right)
    fork = _sibling(_block(ledger, assigned), stateRoot=_block(ledger, frozen)["stateRoot"])
    with side_block_proxy(anvil_node.rpc_url, {fork["hash"]: fork}) as (url, _):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=[fork["hash"], _head_hash(ledger)])
    _assert_unproven(report, "state_proof", fork["hash"])


def test_checkpoint_of_a_fork_with_the_same_state_is_not_told_apart(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    """A sibling that differs from the real block only in its extra data proves the same state: the checkpoints'
    ancestry is not checked any more (only their proven histories), so it is accepted."""
    assigned = _event_blocks(ledger, assigned_right)[1]
    fork = _sibling(_block(ledger, assigned))
    with side_block_proxy(anvil_node.rpc_url, {fork["hash"]: fork}) as (url, _):
        report = reader_through(url, ledger).verify(assigned_right, trust_block_hash=[fork["hash"], _head_hash(ledger)])
    assert report.verdict == "verified"


def test_untrusted_verify_names_a_malformed_log_from_the_node(
    anvil_node: NodeInfo, ledger: Ledger, assigned_right: int
) -> None:
    """Without a checkpoint the node is believed, but garbage from it is a NodeError naming the event, not a crash."""
    with (
        lying_proxy(anvil_node.rpc_url, lie="alter", topic=TOPIC_OF["RightRegistered"]) as (url, proxy),
        pytest.raises(NodeError, match="malformed RightRegistered log"),
    ):
        reader_through(url, ledger).verify(assigned_right)
    assert proxy.lies_told > 0
