"""History and verify of one right with 1,000 events: the SDK beside the naive web3.py approach, in the same run.

On a fresh anvil the SDK deploys the suite (``deploy_all``) and dev0 (admin and registrar) registers one right;
then ``--events - 1`` more history events follow, sent as locally signed raw transactions with managed nonces
(nothing waits until the last receipt; every receipt is then checked): assignments between dev1, dev2 and dev3
(the current owner signs), freeze and unfreeze pairs by the registrar, and public record updates
(``publishMetadata``) by the owner. anvil mines each transaction in its own block.

Timed ``--runs`` times each, alternating, and reported as medians (all samples kept):

- SDK history: ``Ledger.history(token)`` from the node (a few ``eth_getLogs`` filtered by the token topic, block
  headers in JSON-RPC batches);
- naive history: plain web3.py, for each event of the registry ABI with a token id argument
  ``contract.events.X.get_logs(from_block=deployment block, argument_filters={token id})`` when the token id is
  indexed, else all of that event's logs filtered in Python (ERC-4906 ``MetadataUpdate``), then
  ``w3.eth.get_block(n)`` per log for its timestamp, sorted and merged per transaction (a Transfer with its
  Assigned or RightRegistered companion is one event);
- SDK verify: ``Ledger.verify(token)``;
- careful naive history (a stricter baseline, reported beside): the same without the non-indexed event and
  with one ``get_block`` per distinct block;
- naive verify: the naive history plus ``ownerOf``, ``recordOf`` and ``tokenOfContent`` through web3.py contract
  calls and a replay of custody from the mint to ``ownerOf``.

Both paths must give the same events (the same count and the same transaction hashes and log indexes) and the
same verdict, or the run fails. Target (issue): the SDK at least 5x faster than the naive approach for both.
Writes ``benchmarks/results/history_verify.json``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from eth_account import Account
from web3 import Web3
from web3.contract import Contract

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _figures import Figure, median, write_results
from ipledger import Ledger, parse_number, start_node, stop_node
from ipledger.chain._accounts import dev_account

T = TypeVar("T")
#: The public record the right is registered with; each update publishes a new version of it.
RECORD = b'{"kind":"patent","title":"History benchmark","v":1}'
ZERO = "0x0000000000000000000000000000000000000000"
#: Log names that only explain the Transfer of their transaction (the history shows one event for both).
COMPANIONS = {"Assigned", "RightRegistered", "ForceTransferred", "ClaimSuperseded", "RightRevoked"}
#: Event names the history shows on their own.
STANDALONE = {"Frozen", "Unfrozen", "MetadataPublished", "ClaimConfirmed", "DisputeLockSet"}
GAS = 500_000


# ---------------------------------------------------------------------------- generation


class Sender:
    """Signs locally and sends raw transactions with nonces kept here; never waits for a receipt."""

    def __init__(self, w3: Web3, chain_id: int) -> None:
        self.w3 = w3
        self.chain_id = chain_id
        self.nonces: dict[str, int] = {}
        self.hashes: list[str] = []

    def send(self, signer_index: int, call: Any) -> None:
        account = dev_account(signer_index).account
        address = account.address
        if address not in self.nonces:
            self.nonces[address] = self.w3.eth.get_transaction_count(address)
        tx = call.build_transaction(
            {
                "from": address,
                "nonce": self.nonces[address],
                "gas": GAS,
                "maxFeePerGas": 10**10,
                "maxPriorityFeePerGas": 0,
                "chainId": self.chain_id,
            }
        )
        self.nonces[address] += 1
        signed = Account.sign_transaction(tx, account.key)
        self.hashes.append(self.w3.eth.send_raw_transaction(signed.raw_transaction).to_0x_hex())

    def wait_all(self) -> None:
        """Waits for the last receipt, then checks that every transaction succeeded."""
        self.w3.eth.wait_for_transaction_receipt(self.hashes[-1], timeout=600)
        for tx_hash in self.hashes:
            receipt = self.w3.eth.get_transaction_receipt(tx_hash)
            if receipt["status"] != 1:
                raise RuntimeError(f"generation transaction {tx_hash} reverted")


def populate(ledger: Ledger, events: int) -> tuple[int, dict[str, int]]:
    """Registers one right to dev1 and gives it ``events`` history events in all; returns its id and the mix."""
    w3, registry = ledger.chain.w3, ledger.contracts.registry
    sender = Sender(w3, ledger.chain_id)
    number = parse_number("US 10,000,001")
    token = number.key
    registration = (Web3.keccak(text="history benchmark content"), 0, 0, [number.packed], RECORD)
    sender.send(0, registry.functions.register(dev_account(1).address, registration))
    owner, made = 1, {"registered": 1, "assignment": 0, "frozen": 0, "unfrozen": 0, "metadata_updated": 0}
    step = 0
    while sum(made.values()) < events:
        left = events - sum(made.values())
        choice = step % 4
        step += 1
        if choice in (0, 1):  # assignment to the next of dev1..dev3
            target = owner % 3 + 1
            deed = Web3.keccak(text=f"deed {step}")
            sender.send(owner, registry.functions.assign(token, dev_account(target).address, deed))
            owner = target
            made["assignment"] += 1
        elif choice == 2 and left >= 2:  # freeze then unfreeze by the registrar
            sender.send(0, registry.functions.freeze(token, Web3.keccak(text=f"freeze {step}")))
            sender.send(0, registry.functions.unfreeze(token, Web3.keccak(text=f"unfreeze {step}")))
            made["frozen"] += 1
            made["unfrozen"] += 1
        else:  # the owner publishes a new public record
            sender.send(owner, registry.functions.publishMetadata(token, RECORD[:-1] + f',"version":{step}}}'.encode()))
            made["metadata_updated"] += 1
    sender.wait_all()
    return token, made


# ---------------------------------------------------------------------------- the naive web3.py path


def token_argument(event_abi: dict[str, Any]) -> tuple[str, bool] | None:
    """The event's token id argument (name, indexed), if it has one."""
    for argument in event_abi["inputs"]:
        if argument["type"] == "uint256" and argument["name"] in ("tokenId", "_tokenId", "id"):
            return argument["name"], bool(argument["indexed"])
    return None


def naive_history(
    w3: Web3, registry: Contract, token: int, from_block: int, *, careful: bool = False
) -> list[dict[str, Any]]:
    """The right's history the way web3.py's documentation suggests: ``get_logs`` per event type, ``get_block``
    per log for its timestamp, then sorted and merged per transaction.

    ``careful``: a stricter baseline that skips the events whose token id is not indexed (none of them is part
    of the history) and fetches each block once."""
    logs: list[Any] = []
    for event_abi in (item for item in registry.abi if item["type"] == "event"):
        found = token_argument(event_abi)
        if found is None:
            continue
        name, indexed = found
        event = registry.events[event_abi["name"]]
        if indexed:
            logs += event.get_logs(from_block=from_block, argument_filters={name: token})
        elif not careful:
            logs += [log for log in event.get_logs(from_block=from_block) if log["args"][name] == token]
    entries = []
    blocks: dict[int, Any] = {}
    for log in logs:
        number = log["blockNumber"]
        block = blocks.get(number) if careful else None
        if block is None:
            block = blocks[number] = w3.eth.get_block(number)
        entries.append({"log": log, "timestamp": block["timestamp"]})
    entries.sort(key=lambda entry: (entry["log"]["blockNumber"], entry["log"]["logIndex"]))
    by_tx: dict[bytes, list[Any]] = defaultdict(list)
    for entry in entries:
        by_tx[entry["log"]["transactionHash"]].append(entry["log"])
    history = []
    for entry in entries:
        log = entry["log"]
        name = log["event"]
        if name == "Transfer":
            companions = [other["event"] for other in by_tx[log["transactionHash"]] if other["event"] in COMPANIONS]
            kind = "registered" if log["args"]["from"] == ZERO else (companions or ["transfer"])[0]
            history.append(
                {
                    "kind": kind,
                    "from": log["args"]["from"],
                    "to": log["args"]["to"],
                    "block": log["blockNumber"],
                    "timestamp": entry["timestamp"],
                    "tx_hash": log["transactionHash"].to_0x_hex(),
                    "log_index": log["logIndex"],
                }
            )
        elif name in STANDALONE:
            history.append(
                {
                    "kind": name,
                    "block": log["blockNumber"],
                    "timestamp": entry["timestamp"],
                    "tx_hash": log["transactionHash"].to_0x_hex(),
                    "log_index": log["logIndex"],
                }
            )
    return history


def naive_verify(w3: Web3, registry: Contract, token: int, from_block: int) -> dict[str, Any]:
    """Naive history plus the reads ``Ledger.verify`` makes of the record, and a replay of custody."""
    history = naive_history(w3, registry, token, from_block)
    owner = registry.functions.ownerOf(token).call()
    record = registry.functions.recordOf(token).call()
    registered = next(
        log
        for log in registry.events.RightRegistered.get_logs(from_block=from_block, argument_filters={"tokenId": token})
    )
    content_ok = registry.functions.tokenOfContent(registered["args"]["contentHash"]).call() == token
    holder, custody_ok = None, True
    for event in (event for event in history if "from" in event):
        if event["kind"] == "registered":
            custody_ok = custody_ok and holder is None
        else:
            custody_ok = custody_ok and event["from"] == holder
        holder = event["to"]
    custody_ok = custody_ok and holder == owner
    frozen = bool(record[5] == 1)
    return {"events": history, "verdict": "verified" if custody_ok and content_ok and not frozen else "failed"}


# ---------------------------------------------------------------------------- timing


def timed(call: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def keys(events: list[Any]) -> list[tuple[str, int]]:
    return [
        (event["tx_hash"], event["log_index"]) if isinstance(event, dict) else (event.tx_hash, event.log_index)
        for event in events
    ]


def measure(ledger: Ledger, token: int, runs: int) -> dict[str, list[float]]:
    w3, registry, start = ledger.chain.w3, ledger.contracts.registry, ledger.contracts.deployment_block
    # One untimed round of each warms the connection pools and web3's ABI caches; it also checks agreement.
    sdk_history = ledger.history(token).events
    naive = naive_history(w3, registry, token, start)
    careful = naive_history(w3, registry, token, start, careful=True)
    if keys(sdk_history) != keys(naive) or keys(careful) != keys(naive):
        raise RuntimeError(f"the SDK found {len(sdk_history)} events, the naive path {len(naive)}, or others")
    if [int(event.timestamp.timestamp()) for event in sdk_history] != [event["timestamp"] for event in naive]:
        raise RuntimeError("the SDK and the naive path disagree on timestamps")
    report = ledger.verify(token)
    naive_report = naive_verify(w3, registry, token, start)
    if report.verdict != naive_report["verdict"] or keys(report.events) != keys(naive_report["events"]):
        raise RuntimeError(f"verify disagrees: SDK {report.verdict}, naive {naive_report['verdict']}")
    samples: dict[str, list[float]] = defaultdict(list)
    for run in range(runs):
        for label, call in (
            ("sdk_history", lambda: ledger.history(token)),
            ("naive_history", lambda: naive_history(w3, registry, token, start)),
            ("careful_naive_history", lambda: naive_history(w3, registry, token, start, careful=True)),
            ("sdk_verify", lambda: ledger.verify(token)),
            ("naive_verify", lambda: naive_verify(w3, registry, token, start)),
        ):
            seconds, _ = timed(call)
            samples[label].append(round(seconds * 1000, 2))
        print(f"run {run + 1}/{runs}: " + ", ".join(f"{k} {v[-1]} ms" for k, v in samples.items()), file=sys.stderr)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="history events of the right (>= 2)")
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each path (median reported)")
    parser.add_argument("--name", default="history_verify", help="results/<name>.json")
    args = parser.parse_args(argv)
    node = start_node()
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0")
        ledger.deploy_all()
        started = time.perf_counter()
        token, made = populate(ledger, args.events)
        print(
            f"generated {sum(made.values())} events in {time.perf_counter() - started:.1f} s: {made}", file=sys.stderr
        )
        events = len(ledger.history(token).events)
        if events != args.events:
            raise RuntimeError(f"the right has {events} history events, {args.events} wanted")
        samples = measure(ledger, token, args.runs)
    finally:
        stop_node(node.pid)
    figures = []
    for what in ("history", "verify"):
        sdk, naive = samples[f"sdk_{what}"], samples[f"naive_{what}"]
        figure = Figure(
            group=f"{what} of a right with {events:,} events",
            name=f"Ledger.{what} (node)",
            unit="ms",
            value=median(sdk),
            baseline_name=f"naive web3.py {what} (get_logs per event type, get_block per log)",
            baseline_value=median(naive),
            ratio_kind="speedup",
            target=">= 5x faster",
            samples=sdk,
            baseline_samples=naive,
        )
        figure.met = figure.ratio is not None and figure.ratio >= 5
        figures.append(figure)
        print(f"{what}: SDK {figure.value} ms, naive {figure.baseline_value} ms, {figure.ratio:.1f}x", file=sys.stderr)
    careful = Figure(
        group=f"history of a right with {events:,} events",
        name="Ledger.history (node), against a stricter baseline",
        unit="ms",
        value=median(samples["sdk_history"]),
        baseline_name="careful naive web3.py history (indexed events only, get_block once per block)",
        baseline_value=median(samples["careful_naive_history"]),
        ratio_kind="speedup",
        samples=samples["sdk_history"],
        baseline_samples=samples["careful_naive_history"],
    )
    figures.insert(1, careful)
    write_results(args.name, figures, events=events, event_mix=made, runs=args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
