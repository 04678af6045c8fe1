"""Bulk registration on anvil: both modes, idempotent reruns, row errors, races and the results file."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from bulk_support import patent_rows, write_csv, write_jsonl
from ipledger import (
    BulkEntry,
    BulkMode,
    BulkStatus,
    InvalidBulkFileError,
    IPMetadata,
    Ledger,
    NodeInfo,
    UnauthorizedError,
    dev_account,
    parse_number,
    read_bulk_file,
    right_id,
)
from ipledger.models._requests import prepare_registration
from rpc_proxy import LimitingProxy, serve
from web3 import Web3


def registrations_of(ledger: Ledger, token_ids: list[int]) -> dict[int, int]:
    """How many RightRegistered logs each token has (exactly one for a right registered once)."""
    event = ledger.contracts.registry.events.RightRegistered()
    logs = event.get_logs(from_block=ledger.contracts.deployment_block)
    counts = dict.fromkeys(token_ids, 0)
    for log in logs:
        token = int(log["args"]["tokenId"])
        if token in counts:
            counts[token] += 1
    return counts


def token_ids(rows: list[dict[str, object]]) -> list[int]:
    return [right_id(str(row["number"]), "US") for row in rows]


@pytest.mark.parametrize("mode", [BulkMode.BATCH, BulkMode.SINGLE])
def test_every_row_is_registered_once_and_a_rerun_sends_nothing(ledger: Ledger, tmp_path: Path, mode: BulkMode) -> None:
    rows = patent_rows(tmp_path, 25)
    source = write_csv(tmp_path / "rights.csv", rows)
    results = tmp_path / "rights.results.csv"
    report = ledger.rights.register_bulk(source, mode=mode, batch_size=10, window=8, results=results)
    assert report.count(BulkStatus.REGISTERED) == 25
    assert report.complete
    assert report.transactions == (3 if mode is BulkMode.BATCH else 25)
    ids = token_ids(rows)
    assert [int(row.token_id or "0", 16) for row in report.rows] == ids
    for token in ids:
        assert ledger.get(token).owner == ledger.signer.address
    assert set(registrations_of(ledger, ids).values()) == {1}

    head = ledger.chain.w3.eth.block_number
    again = ledger.rights.register_bulk(source, mode=mode, results=results)
    assert again.count(BulkStatus.ALREADY_REGISTERED) == 25
    assert again.transactions == 0
    assert ledger.chain.w3.eth.block_number == head
    # The earlier run's transactions are carried over from the results file it wrote.
    assert [row.tx_hash for row in again.rows] == [row.tx_hash for row in report.rows]


def test_results_file_maps_every_row_to_its_token(ledger: Ledger, tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 3)
    results = tmp_path / "out.jsonl"
    ledger.rights.register_bulk(write_jsonl(tmp_path / "rights.jsonl", rows), results=results)
    lines = [json.loads(line) for line in results.read_text().splitlines()]
    assert [line["row"] for line in lines] == [1, 2, 3]
    assert [int(line["token_id"], 16) for line in lines] == token_ids(rows)
    assert {line["status"] for line in lines} == {"registered"}
    assert all(line["tx_hash"].startswith("0x") for line in lines)


def test_an_interrupted_run_is_completed_without_duplicates(ledger: Ledger, tmp_path: Path) -> None:
    """The first 7 rows were registered by a run that died before writing anything; the rerun adds the rest."""
    rows = patent_rows(tmp_path, 20)
    ledger.rights.register_bulk(write_csv(tmp_path / "first.csv", rows[:7]))
    report = ledger.rights.register_bulk(write_csv(tmp_path / "all.csv", rows), results=tmp_path / "all.results.csv")
    assert report.count(BulkStatus.ALREADY_REGISTERED) == 7
    assert report.count(BulkStatus.REGISTERED) == 13
    assert set(registrations_of(ledger, token_ids(rows)).values()) == {1}


def test_invalid_rows_refuse_the_file_and_nothing_is_sent(ledger: Ledger, tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 4)
    rows[2]["jurisdiction"] = "XX"
    results = tmp_path / "rights.results.csv"
    head = ledger.chain.w3.eth.block_number
    with pytest.raises(InvalidBulkFileError, match="row 3") as raised:
        ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), results=results)
    assert ledger.chain.w3.eth.block_number == head
    statuses = [row.status for row in raised.value.report.rows]
    assert statuses == [BulkStatus.NOT_SENT, BulkStatus.NOT_SENT, BulkStatus.INVALID, BulkStatus.NOT_SENT]
    assert "row" in results.read_text().splitlines()[0]


def test_skip_invalid_registers_the_valid_rows(ledger: Ledger, tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 4)
    rows[1]["documents"] = "absent.pdf"
    report = ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), skip_invalid=True)
    assert [row.status for row in report.rows] == [
        BulkStatus.REGISTERED,
        BulkStatus.INVALID,
        BulkStatus.REGISTERED,
        BulkStatus.REGISTERED,
    ]
    assert not report.complete


def test_rows_repeating_a_right_or_a_bundle_are_invalid(ledger: Ledger, tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 3)
    rows.append(dict(rows[0], documents=rows[1]["documents"], number="US 1,000,001 B2"))
    # The same number in another spelling and with another kind code is the same right (one token).
    spelled = str(rows[2]["number"]).replace(",", "").replace(" B2", " B1")
    rows.append(dict(rows[2], title="Same number, other documents", number=spelled, documents=rows[0]["documents"]))
    report = ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), skip_invalid=True)
    assert [row.status for row in report.rows][:3] == [BulkStatus.REGISTERED] * 3
    assert report.rows[3].status is BulkStatus.INVALID
    assert report.rows[3].error == "repeats the document bundle of row 2"
    assert report.rows[4].status is BulkStatus.INVALID
    assert report.rows[4].error == f"repeats number {parse_number(spelled).canonical} of row 3"


@pytest.mark.parametrize("mode", [BulkMode.BATCH, BulkMode.SINGLE])
def test_a_right_taken_meanwhile_fails_its_row_only(
    ledger: Ledger, tmp_path: Path, patent: tuple[IPMetadata, list[Path]], mode: BulkMode
) -> None:
    """Someone registered row 2's right with other documents: row 2 fails with the registry's error, in batch
    mode the batch is sent again without it."""
    rows = patent_rows(tmp_path, 5)
    metadata, documents = patent
    taken = metadata.model_copy(update={"number": rows[1]["number"]})
    ledger.register(taken, documents)
    report = ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), mode=mode)
    failed = report.rows[1]
    assert failed.status is BulkStatus.FAILED
    assert failed.error_name == "RightAlreadyRegistered"
    assert [row.status for row in report.rows if row is not failed] == [BulkStatus.REGISTERED] * 4


def test_rows_go_to_their_recipients(ledger: Ledger, tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 4)
    rows[0]["to"] = "dev3"
    rows[2]["to"] = dev_account(4).address
    report = ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows))
    owners = [ledger.get(token).owner for token in token_ids(rows)]
    me = ledger.signer.address
    assert owners == [dev_account(3).address, me, dev_account(4).address, me]
    assert report.transactions == 3


def test_a_bad_recipient_is_an_invalid_row(ledger: Ledger, tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 2)
    rows[1]["to"] = "0x12345"
    report = ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), skip_invalid=True)
    assert report.rows[1].status is BulkStatus.INVALID
    assert report.rows[0].status is BulkStatus.REGISTERED


def test_a_signer_without_the_registrar_role_is_refused_before_sending(ledger: Ledger, tmp_path: Path) -> None:
    stranger = ledger.use("dev7")
    head = ledger.chain.w3.eth.block_number
    with pytest.raises(UnauthorizedError):
        stranger.rights.register_bulk(write_csv(tmp_path / "rights.csv", patent_rows(tmp_path, 2)))
    assert ledger.chain.w3.eth.block_number == head


def test_progress_reaches_the_total(ledger: Ledger, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    rows = patent_rows(tmp_path, 12)
    ledger.rights.register_bulk(
        write_csv(tmp_path / "rights.csv", rows),
        batch_size=5,
        on_progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (12, 12)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_pipelined_singles_are_signed_locally_with_increasing_nonces(ledger: Ledger, tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 6)
    nonce = ledger.chain.w3.eth.get_transaction_count(Web3.to_checksum_address(ledger.signer.address))
    report = ledger.rights.register_bulk(write_csv(tmp_path / "rights.csv", rows), mode="single", window=3)
    nonces = [ledger.chain.w3.eth.get_transaction(row.tx_hash)["nonce"] for row in report.rows if row.tx_hash]
    assert nonces == list(range(nonce, nonce + 6))


@pytest.mark.anvil
def test_a_run_waits_for_the_pending_transactions_of_an_earlier_one(ledger: Ledger, tmp_path: Path) -> None:
    """An earlier run died with a batch still in the node's pool: the rerun waits for it to be mined before deciding
    what is left, so its rows are not sent a second time."""
    rows = patent_rows(tmp_path, 8)
    source = write_csv(tmp_path / "rights.csv", rows)
    entries = [entry for entry in read_bulk_file(source) if isinstance(entry, BulkEntry)]
    first = [prepare_registration(entry.metadata, entry.documents).as_tuple() for entry in entries[:5]]
    w3 = ledger.chain.w3
    me = Web3.to_checksum_address(ledger.signer.address)
    w3.provider.make_request("evm_setAutomine", [False])
    try:
        ledger.contracts.registry.functions.registerBatch(me, first).transact({"from": me, "gas": 3_000_000})

        def node_resumes() -> None:
            w3.provider.make_request("evm_setAutomine", [True])
            w3.provider.make_request("evm_mine", [])

        timer = threading.Timer(0.5, node_resumes)
        timer.start()
        report = ledger.rights.register_bulk(source, pending_timeout=30)
        timer.join()
    finally:
        w3.provider.make_request("evm_setAutomine", [True])
    assert report.waited_for_pending == 1
    assert [row.status for row in report.rows] == [BulkStatus.ALREADY_REGISTERED] * 5 + [BulkStatus.REGISTERED] * 3
    assert set(registrations_of(ledger, token_ids(rows)).values()) == {1}


class RefusingProxy(LimitingProxy):
    """Forwards everything but refuses the ``refuse``-th ``eth_sendRawTransaction`` (counting from 1), as a node
    with a full pool would."""

    def __init__(self, upstream: str, *, refuse: int) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.refuse = refuse
        self.sends = 0

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("method") == "eth_sendRawTransaction":
            self.sends += 1
            if self.sends == self.refuse:
                return {
                    "jsonrpc": "2.0",
                    "id": request.get("id"),
                    "error": {"code": -32000, "message": "txpool is full"},
                }
        return super().handle(request)


@pytest.mark.anvil(
    reason="the node must hold the transactions after a refused nonce in its pool; Hardhat refuses them while "
    "automining (nonce too high)"
)
def test_a_refused_send_leaves_no_gap_and_the_rerun_sends_only_that_row(
    ledger: Ledger, anvil_node: NodeInfo, tmp_path: Path
) -> None:
    """The node refuses the 4th of a window of 8: its nonce is filled with an empty transfer so the 5th to 8th, which
    the node holds, are mined; the run reports row 4 not sent and stops; a rerun registers row 4 alone."""
    rows = patent_rows(tmp_path, 8)
    source = write_csv(tmp_path / "rights.csv", rows)
    proxy = RefusingProxy(anvil_node.rpc_url, refuse=4)
    with serve(proxy) as url:
        flaky = Ledger.connect(url, registry=ledger.contracts.registry_address, account="dev0")
        report = flaky.rights.register_bulk(source, mode="single", window=8)
    statuses = [row.status for row in report.rows]
    assert statuses == [BulkStatus.REGISTERED] * 3 + [BulkStatus.NOT_SENT] + [BulkStatus.REGISTERED] * 4
    assert "txpool is full" in (report.rows[3].error or "")
    again = ledger.rights.register_bulk(source, mode="single")
    assert again.count(BulkStatus.REGISTERED) == 1
    assert again.rows[3].status is BulkStatus.REGISTERED
    assert set(registrations_of(ledger, token_ids(rows)).values()) == {1}
