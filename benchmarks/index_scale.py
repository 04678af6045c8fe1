"""Index sync rate and query times as the registry grows, beside the plain node path, all in one run.

Run ``make bench`` (after the gas figures) or ``python benchmarks/index_scale.py``; add ``--sizes 1000
--transfers-per-right 2`` for a quick look. For each size (default 1,000, 10,000 and 100,000 rights with 10 transfers
each, so 1,000,000 transfers at the top), on a fresh anvil (block gas limit lifted, one dev account per holder):

- generate: the benchmark-only ``benchmarks/contracts/ScaleFixture.sol`` (compiled with the project's settings
  by ``scripts/compile.py``) gets REGISTRAR_ROLE and each holder's ``setApprovalForAll``; its ``registerMany``
  registers ``--registrations-per-tx`` rights per transaction (spread over ``--holders`` accounts, all kinds and
  eight jurisdictions, each under one know-how number of its office) and its ``move`` makes ``--moves-per-tx``
  transfers per transaction (random holder to random other holder). Every log is the registry's own, as with
  single transactions. anvil mines one transaction per block and each block one day after the last;
- sync the SQLite index from scratch (``--chunk`` blocks per ``eth_getLogs``; by default the chunk holds about
  20,000 logs, since each block here holds thousands): seconds, events per second, file size;
- time queries (medians): ``history(token)`` from the index and from the node (``Ledger.history``: eth_getLogs
  plus block headers; both must agree); ``portfolio(holder)`` at the head and at a block halfway through the
  transfers, from the index and from the node (``_report.rights_of``: the holder's incoming Transfer logs, then
  ``ownerOf`` per token at that block; both must name the same rights); ``rights(kind, jurisdiction)`` and
  ``transfers`` of one day (one block's moves) from the index (the node has no equivalent short of replaying
  every log; those figures are index-only).

Writes ``benchmarks/results/index.md`` and ``index.json`` (the figures through ``_figures``, with the machine and
versions; the rows as measured). Nothing is asserted beyond agreement between the paths: the figures are the product.
The default run takes about 20 minutes on 2 cores (at 100,000 rights: generation ~3 min, sync ~4 min, the node-path
portfolios ~4 min); anvil then peaks near 10 GB of memory and the SQLite file reaches ~1.8 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests
from eth_abi.abi import encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from _figures import Figure, write_results  # noqa: E402
from compile import compile_directory  # noqa: E402
from ipledger import Ledger, start_node, stop_node  # noqa: E402
from ipledger.audit import _index, _index_schema  # noqa: E402
from ipledger.audit._index import EventIndex  # noqa: E402
from ipledger.audit._report import rights_of  # noqa: E402
from ipledger.models._hashing import canonical_json  # noqa: E402
from ipledger.models._models import RightKind  # noqa: E402
from ipledger.models._numbers import right_key  # noqa: E402
from ipledger.models._public_record import RECORD_VERSION  # noqa: E402
from ipledger.node._node import find_anvil  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
CONTRACTS = ROOT / "benchmarks" / "contracts"

#: As in ScaleFixture.sol: right ``serial`` gets kind ``serial % 7`` and jurisdiction pair ``serial % 8``.
JURISDICTIONS = "USEPDEJPCNGBFRKR"
#: The modules whose version the figures belong to.
INDEX_MODULES = (_index, _index_schema)
KINDS = 7
SALT = keccak(text="ipledger index benchmark")
DAY = 86_400
#: Gas allowed per operation in a fixture transaction (used: ~62k per registration, ~8.5k per move).
GAS_PER_REGISTRATION = 200_000
GAS_PER_MOVE = 80_000
#: Logs per ``eth_getLogs`` the default sync chunk aims at.
LOGS_PER_CHUNK = 20_000
#: The rights(...) query: patents in the US, 1/56 of the registry.
RIGHTS_QUERY = {"kind": RightKind.from_chain(0), "jurisdiction": "US"}

T = TypeVar("T")


# ---------------------------------------------------------------------------- the chain


def anvil_args(holders: int) -> tuple[str, ...]:
    """One dev account per holder besides dev0; a block gas limit of 10^12 for the fixture's big transactions."""
    return (
        "--accounts",
        str(holders + 1),
        "--gas-limit",
        str(10**12),
        "--block-base-fee-per-gas",
        "0",
    )


class Chain:
    """Raw JSON-RPC to the benchmark's anvil: unlocked-account sends and receipts, no signing on our side."""

    def __init__(self, rpc_url: str) -> None:
        self.rpc_url = rpc_url
        self._session = requests.Session()

    def call(self, method: str, params: list[Any]) -> Any:
        answer = self._session.post(
            self.rpc_url, json={"jsonrpc": "2.0", "id": 1, "method": method, "params": params}, timeout=3600
        ).json()
        if "error" in answer:
            raise RuntimeError(f"{method} failed: {answer['error']}")
        return answer["result"]

    def transact(self, sender: str, to: str | None, data: str, gas: int) -> dict[str, Any]:
        """Sends one transaction and waits for its receipt; raises unless it succeeded."""
        tx: dict[str, Any] = {"from": sender, "data": data, "gas": hex(gas), "gasPrice": "0x0"}
        if to is not None:
            tx["to"] = to
        tx_hash = self.call("eth_sendTransaction", [tx])
        while (receipt := self.call("eth_getTransactionReceipt", [tx_hash])) is None:
            time.sleep(0.005)
        if int(receipt["status"], 16) != 1:
            raise RuntimeError(f"generation transaction {tx_hash} reverted")
        return dict(receipt)

    def head(self) -> int:
        return int(self.call("eth_blockNumber", []), 16)


# ---------------------------------------------------------------------------- generation


def fixture_number(serial: int) -> int:
    """The packed official number ScaleFixture gives right ``serial``: a know-how number ("KH") of the office
    ``JURISDICTIONS[serial % 8]``, serial the low 216 bits of keccak256(abi.encodePacked(salt, serial))."""
    office = JURISDICTIONS[2 * (serial % 8) : 2 * (serial % 8) + 2].encode("ascii")
    hashed = int.from_bytes(keccak(SALT + serial.to_bytes(32, "big")), "big") & ((1 << 216) - 1)
    return int.from_bytes(office, "big") << 232 | int.from_bytes(b"KH", "big") << 216 | hashed


def title_frame() -> tuple[bytes, bytes]:
    """The canonical public-record JSON around a title, split where the fixture writes the title."""
    marker = "@@title@@"
    prefix, suffix = canonical_json({"title": marker, "v": RECORD_VERSION}).split(marker.encode("utf-8"))
    return prefix, suffix


def fixture_title(serial: int, words: Sequence[str]) -> str:
    """The title ``ScaleFixture.registerManyWithTitles`` gives right ``serial``."""
    n = len(words)
    return f"{words[serial % n]}{words[(serial // n) % n]} {serial}"


def right_id(serial: int) -> int:
    """The token id the registry derives from right ``serial``'s number (``OfficialNumbers.key``)."""
    return right_key(fixture_number(serial))


@dataclass
class Generated:
    """What the generator made and where it put it."""

    tokens: list[int]
    holders: list[str]
    registration_s: float = 0.0
    transfer_s: float = 0.0
    transactions: int = 0
    gas: int = 0
    #: Block of the last registration, and the block halfway through the transfers (the "past" portfolio block).
    registered_block: int = 0
    middle_block: int = 0
    #: UTC date of a block halfway through the transfers (the one-day transfers query).
    middle_day: dt.date = field(default_factory=lambda: dt.date(1970, 1, 1))


def populate(
    ledger: Ledger,
    fixture_code: dict[str, Any],
    *,
    rights: int,
    transfers_per_right: int,
    holders: int,
    registrations_per_tx: int,
    moves_per_tx: int,
    title_words: Sequence[str] = (),
) -> Generated:
    """Registers ``rights`` rights across ``holders`` dev accounts, then moves each ``transfers_per_right`` times
    (rounds over a shuffled registry, to a random other holder), in big fixture transactions. With
    ``title_words``, each right also gets a public record titled from them (``ScaleFixture.registerManyWithTitles``)."""
    chain = Chain(ledger.chain.rpc_url)
    accounts = ledger.chain.w3.eth.accounts
    admin, holder_accounts = accounts[0], list(accounts[1 : holders + 1])
    if len(holder_accounts) < holders:
        raise RuntimeError(f"anvil gave {len(accounts)} accounts, {holders + 1} needed")
    factory = ledger.chain.w3.eth.contract(abi=fixture_code["abi"], bytecode=fixture_code["bytecode"])
    deployed = chain.transact(
        admin, None, factory.constructor(ledger.contracts.registry_address).data_in_transaction, 3_000_000
    )
    fixture = ledger.chain.w3.eth.contract(
        address=to_checksum_address(deployed["contractAddress"]), abi=fixture_code["abi"]
    )
    ledger.contracts.grant_role("registrar", fixture.address)
    approve = ledger.contracts.registry.encode_abi("setApprovalForAll", [fixture.address, True])
    for holder in holder_accounts:
        chain.transact(holder, ledger.contracts.registry_address, approve, 200_000)
    # One block per fixture transaction, one day apart: a day's transfers are one transaction's moves.
    chain.call("anvil_setBlockTimestampInterval", [DAY])

    generated = Generated(tokens=[right_id(serial) for serial in range(rights)], holders=holder_accounts)
    frame = title_frame()
    started = time.perf_counter()
    for first in range(0, rights, registrations_per_tx):
        count = min(registrations_per_tx, rights - first)
        data = (
            fixture.encode_abi(
                "registerManyWithTitles", [SALT, first, count, holder_accounts, *frame, list(title_words)]
            )
            if title_words
            else fixture.encode_abi("registerMany", [SALT, first, count, holder_accounts])
        )
        receipt = chain.transact(admin, fixture.address, data, 1_000_000 + count * GAS_PER_REGISTRATION)
        generated.transactions += 1
        generated.gas += int(receipt["gasUsed"], 16)
    generated.registration_s = time.perf_counter() - started
    generated.registered_block = chain.head()

    owner = [serial % holders for serial in range(rights)]
    moves: list[tuple[int, int]] = []
    rng = random.Random(11)
    for _ in range(transfers_per_right):
        order = list(range(rights))
        rng.shuffle(order)
        for serial in order:
            target = (owner[serial] + rng.randrange(1, holders)) % holders
            owner[serial] = target
            moves.append((serial, target))
    batches = [moves[offset : offset + moves_per_tx] for offset in range(0, len(moves), moves_per_tx)]
    move_selector = keccak(text="move(uint256[],address[])")[:4]
    started = time.perf_counter()
    for number, batch in enumerate(batches):
        data = move_selector + encode(
            ["uint256[]", "address[]"],
            [[generated.tokens[serial] for serial, _ in batch], [holder_accounts[target] for _, target in batch]],
        )
        receipt = chain.transact(admin, fixture.address, "0x" + data.hex(), 1_000_000 + len(batch) * GAS_PER_MOVE)
        generated.transactions += 1
        generated.gas += int(receipt["gasUsed"], 16)
        if number == len(batches) // 2:
            generated.middle_block = int(receipt["blockNumber"], 16)
    generated.transfer_s = time.perf_counter() - started
    if not batches:
        generated.middle_block = generated.registered_block
    block = chain.call("eth_getBlockByNumber", [hex(generated.middle_block), False])
    generated.middle_day = dt.datetime.fromtimestamp(int(block["timestamp"], 16), dt.UTC).date()
    return generated


# ---------------------------------------------------------------------------- timing


def timed(call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def median_ms(seconds: Sequence[float]) -> float | None:
    return round(statistics.median(seconds) * 1000, 2) if seconds else None


def ratio(node_ms: float | None, index_ms: float | None) -> float | None:
    return None if node_ms is None or not index_ms else round(node_ms / index_ms, 1)


def peak_rss_mb(pid: int) -> int | None:
    """The process's peak resident memory (Linux), or ``None`` where /proc does not tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text("utf-8")
    except OSError:
        return None
    peak = [line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")]
    return round(int(peak[0]) / 1024) if peak else None


def measure(size: int, code: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    load_before = round(os.getloadavg()[0], 2)
    node = start_node(extra_args=anvil_args(args.holders))
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0")
        ledger.deploy_all()
        generated = populate(
            ledger,
            code,
            rights=size,
            transfers_per_right=args.transfers_per_right,
            holders=args.holders,
            registrations_per_tx=args.registrations_per_tx,
            moves_per_tx=args.moves_per_tx,
        )
        print(
            f"[{size:,}] generated in {generated.registration_s + generated.transfer_s:.1f} s "
            f"({generated.transactions} transactions, {generated.gas / 1e9:.2f} Ggas)",
            file=sys.stderr,
        )
        head = ledger.chain.w3.eth.block_number
        chunk = args.chunk or max(1, LOGS_PER_CHUNK // max(2 * args.registrations_per_tx, args.moves_per_tx))
        with tempfile.TemporaryDirectory() as home:
            index = EventIndex.for_ledger(ledger, home=Path(home))
            sync_seconds, result = timed(lambda: index.sync(ledger, chunk=chunk))
            events = index.log_count()
            file_bytes = sum(
                path.stat().st_size
                for path in (index.path, index.path.with_name(index.path.name + "-wal"))
                if path.exists()
            )
            print(f"[{size:,}] synced {events:,} logs in {sync_seconds:.1f} s", file=sys.stderr)
            row = {
                "rights": size,
                "transfers": size * args.transfers_per_right,
                "holders": args.holders,
                "events": events,
                "blocks": head,
                "generation_transactions": generated.transactions,
                "generation_gas": generated.gas,
                "generation_registrations_s": round(generated.registration_s, 1),
                "generation_transfers_s": round(generated.transfer_s, 1),
                "generation_s": round(generated.registration_s + generated.transfer_s, 1),
                "sync_chunk_blocks": chunk,
                "sync_s": round(sync_seconds, 2),
                "sync_events_per_s": round(events / sync_seconds),
                "chunks": result.chunks,
                "sqlite_bytes": file_bytes,
                "sqlite_mb": round(file_bytes / 1e6, 1),
            }
            row.update(queries(ledger, index, generated, head, args))
            index.close()
        row["anvil_peak_rss_mb"] = peak_rss_mb(node.pid)
        row["load_average_1min"] = [load_before, round(os.getloadavg()[0], 2)]
        print(f"[{size:,}] {json.dumps(row)}", file=sys.stderr)
        return row
    finally:
        stop_node(node.pid)


def queries(
    ledger: Ledger, index: EventIndex, generated: Generated, head: int, args: argparse.Namespace
) -> dict[str, Any]:
    """Medians of each query from the index and, where the SDK has one, from the node; the paths must agree."""
    rng = random.Random(7)
    row: dict[str, Any] = {}

    index_times, node_times = [], []
    for token in rng.sample(generated.tokens, min(args.samples, len(generated.tokens))):
        index_s, from_index = timed(lambda token=token: index.history(token))
        node_s, from_node = timed(lambda token=token: ledger.history(token))
        if from_index != from_node:
            raise RuntimeError(f"index and node disagree on the history of {hex(token)}")
        index_times.append(index_s)
        node_times.append(node_s)
    row["history_samples"] = len(index_times)
    row["history_index_ms"] = median_ms(index_times)
    row["history_node_ms"] = median_ms(node_times)
    row["history_node_over_index"] = ratio(row["history_node_ms"], row["history_index_ms"])

    owners = rng.sample(generated.holders, min(args.query_samples, len(generated.holders)))
    for label, block in (("head", head), ("past", generated.middle_block)):
        index_times, node_times, sizes = [], [], []
        for number, owner in enumerate(owners):
            index_s, held = timed(lambda owner=owner, block=block: index.portfolio(owner, at_block=block))
            index_times.append(index_s)
            sizes.append(len(held.rights))
            if number < args.node_portfolio_samples:
                node_s, from_node = timed(lambda owner=owner, block=block: rights_of(ledger, owner, block))
                node_times.append(node_s)
                if sorted(from_node) != sorted(right.token_id for right in held.rights):
                    raise RuntimeError(f"index and node disagree on the portfolio of {owner} at block {block}")
        row[f"portfolio_{label}_block"] = block
        row[f"portfolio_{label}_rights"] = round(statistics.median(sizes))
        row[f"portfolio_{label}_index_ms"] = median_ms(index_times)
        row[f"portfolio_{label}_node_samples"] = len(node_times)
        row[f"portfolio_{label}_node_ms"] = median_ms(node_times)
        row[f"portfolio_{label}_node_over_index"] = ratio(
            row[f"portfolio_{label}_node_ms"], row[f"portfolio_{label}_index_ms"]
        )

    wanted = sum(
        1
        for serial in range(len(generated.tokens))
        if serial % KINDS == 0 and JURISDICTIONS[2 * (serial % 8) : 2 * (serial % 8) + 2] == "US"
    )
    times, found = [], []
    for _ in range(args.query_samples):
        seconds, found = timed(lambda: index.rights(**RIGHTS_QUERY))
        times.append(seconds)
    if len(found) != wanted:
        raise RuntimeError(f"rights({RIGHTS_QUERY}) found {len(found)} rights, {wanted} were registered")
    row["rights_query_results"] = len(found)
    row["rights_query_index_ms"] = median_ms(times)

    times, moves = [], []
    for _ in range(args.query_samples):
        seconds, moves = timed(lambda: index.transfers(generated.middle_day, generated.middle_day))
        times.append(seconds)
    row["transfers_day"] = generated.middle_day.isoformat()
    row["transfers_day_results"] = len(moves)
    row["transfers_day_index_ms"] = median_ms(times)
    return row


# ---------------------------------------------------------------------------- the report


def _git(*args: str) -> str:
    answer = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=False)
    return answer.stdout.strip() if answer.returncode == 0 else ""


def environment() -> dict[str, Any]:
    """The machine, the tools and the index code measured (git blob ids of the modules actually imported, and
    whether they are the ones committed at HEAD)."""
    anvil = subprocess.run([find_anvil(), "--version"], capture_output=True, text=True, check=True).stdout
    head = _git("rev-parse", "--short", "HEAD")
    blobs = {Path(module.__file__ or "").name: _git("hash-object", module.__file__ or "") for module in INDEX_MODULES}
    committed = all(_git("rev-parse", f"HEAD:sdk/ipledger/{name}") == blob for name, blob in blobs.items())
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "anvil": anvil.splitlines()[0].strip(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "cpus": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}",
        "commit": head,
        "index_code": ", ".join(f"{name} blob {blob[:10]}" for name, blob in blobs.items())
        + (f" (as committed at {head})" if committed else f" (not the files committed at {head})"),
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value}x"


def render(run: dict[str, Any]) -> str:
    env, settings, rows = run["environment"], run["settings"], run["rows"]
    lines = [
        "# Event index: sync rate and query times as the registry grows, beside the node path (same run)",
        "",
        f"{env['date']}; {env['anvil']}; Python {env['python']}, SQLite {env['sqlite']}; {env['cpus']} CPUs "
        f"({env['machine']}); commit {env['commit']}, {env['index_code']}.",
        "",
        f"Generated by `benchmarks/index_scale.py` on a fresh anvil per size: `ScaleFixture` registers "
        f"{settings['registrations_per_tx']:,} rights and makes {settings['moves_per_tx']:,} transfers per "
        f"transaction, among {settings['holders']} holders, {settings['transfers_per_right']} transfers per right. "
        "One transaction per block, so blocks are far denser than on a public chain.",
        "",
        "## Generation and sync",
        "",
        "| rights | transfers | events indexed | blocks | generation (s): register + transfer | gas (G) | sync (s) "
        "| sync events/s | blocks per eth_getLogs | SQLite file (MB) | anvil peak RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['rights']:,} | {row['transfers']:,} | {row['events']:,} | {row['blocks']:,} | "
            f"{row['generation_s']} = {row['generation_registrations_s']} + {row['generation_transfers_s']} | "
            f"{row['generation_gas'] / 1e9:.1f} | {row['sync_s']} | {row['sync_events_per_s']:,} | "
            f"{row['sync_chunk_blocks']} | {row['sqlite_mb']} | {_ms(row['anvil_peak_rss_mb'])} |"
        )
    loads = ", ".join(
        f"{row['rights']:,} rights {row['load_average_1min'][0]} before, {row['load_average_1min'][1]} after"
        for row in rows
    )
    lines += ["", f"Load average (1 min) on the machine: {loads}."]
    lines += [
        "",
        "## Queries (median ms)",
        "",
        f"`history`: median over {settings['samples']} random rights; `node` is `Ledger.history` (eth_getLogs plus "
        "block headers), identical result checked. `portfolio`: median over "
        f"{settings['query_samples']} holders from the index, {settings['node_portfolio_samples']} from the node "
        "(`_report.rights_of`: the holder's incoming Transfer logs, then `ownerOf` per token at the block; same "
        "rights checked), at the head and at a block halfway through the transfers. `rights(kind=patent, "
        "jurisdiction=US)` and `transfers(one day)` (one transaction's moves): index only, the node has no "
        f"equivalent; median of {settings['query_samples']}.",
        "",
        "| rights | history index | history node | node / index | portfolio (rights held) | portfolio index "
        "| portfolio node | node / index | portfolio at past block index | past block node | node / index "
        "| rights(...) (results) | rights(...) index | transfers(day) (results) | transfers(day) index |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['rights']:,} | {_ms(row['history_index_ms'])} | {_ms(row['history_node_ms'])} | "
            f"{_x(row['history_node_over_index'])} | {row['portfolio_head_rights']:,} | "
            f"{_ms(row['portfolio_head_index_ms'])} | {_ms(row['portfolio_head_node_ms'])} | "
            f"{_x(row['portfolio_head_node_over_index'])} | {_ms(row['portfolio_past_index_ms'])} | "
            f"{_ms(row['portfolio_past_node_ms'])} | {_x(row['portfolio_past_node_over_index'])} | "
            f"{row['rights_query_results']:,} | {_ms(row['rights_query_index_ms'])} | "
            f"{row['transfers_day_results']:,} | {_ms(row['transfers_day_index_ms'])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated registry sizes (rights)")
    parser.add_argument("--transfers-per-right", type=int, default=10)
    parser.add_argument("--holders", type=int, default=20, help="dev accounts that hold and trade the rights")
    parser.add_argument("--registrations-per-tx", type=int, default=1000)
    parser.add_argument("--moves-per-tx", type=int, default=2500)
    parser.add_argument("--chunk", type=int, default=None, help="blocks per sync chunk (default: ~20,000 logs)")
    parser.add_argument("--samples", type=int, default=20, help="rights sampled for history")
    parser.add_argument("--query-samples", type=int, default=3, help="repeats of the whole-registry queries")
    parser.add_argument("--node-portfolio-samples", type=int, default=1, help="node-path portfolios per block")
    args = parser.parse_args(argv)
    if args.holders < 2:
        parser.error("--holders must be at least 2 (a transfer needs another holder)")
    code = compile_directory(CONTRACTS)["ScaleFixture"]
    run: dict[str, Any] = {
        "environment": environment(),
        "settings": {
            name: getattr(args, name)
            for name in (
                "transfers_per_right",
                "holders",
                "registrations_per_tx",
                "moves_per_tx",
                "samples",
                "query_samples",
                "node_portfolio_samples",
            )
        },
        "rows": [measure(int(part), code, args) for part in args.sizes.split(",")],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    markdown = render(run)
    (RESULTS / "index.md").write_text(markdown, "utf-8")
    write_results("index", figures(run["rows"]), settings=run["settings"], rows=run["rows"])
    print(markdown)
    return 0


def figures(rows: Sequence[dict[str, Any]]) -> list[Figure]:
    """The index's figures at each size, each beside the node path measured in the same run where there is one."""
    result: list[Figure] = []
    pairs = (
        ("history of a right", "history_index_ms", "history_node_ms"),
        ("portfolio at the head", "portfolio_head_index_ms", "portfolio_head_node_ms"),
        ("portfolio at a past block", "portfolio_past_index_ms", "portfolio_past_node_ms"),
    )
    for row in rows:
        group = f"Event index at {row['rights']:,} rights ({row['events']:,} events)"
        result.append(Figure(group, "sync", "events/s", row["sync_events_per_s"]))
        for name, index_key, node_key in pairs:
            if row.get(index_key) is not None and row.get(node_key) is not None:
                result.append(
                    Figure(
                        group,
                        f"{name}, from the index",
                        "ms",
                        row[index_key],
                        "the node (eth_getLogs)",
                        row[node_key],
                        "speedup",
                    )
                )
        for name, key in (
            ("rights(kind, jurisdiction)", "rights_query_index_ms"),
            ("transfers of a day", "transfers_day_index_ms"),
        ):
            if row.get(key) is not None:
                result.append(Figure(group, f"{name}, from the index", "ms", row[key]))
    return result


if __name__ == "__main__":
    raise SystemExit(main())
