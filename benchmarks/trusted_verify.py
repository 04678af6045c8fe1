"""Trusted verify as the chain grows past a right's last event: the history-word proof beside the header walk.

One fresh anvil (``--hardfork cancun --prune-history``: the contracts are compiled for Cancun, and on anvil 1.7.1's
default, Prague with every state kept, each mined block costs more as the chain grows, so 100,000 blocks would take
hours; this way ``anvil_mine`` makes 100,000 blocks in seconds; state is read only at the head). The SDK deploys the
suite (``Ledger.deploy``, dev0 admin and registrar) and registers one right to dev1 (a US patent, two documents);
four more events follow, each in its own block: dev1 assigns it to dev2 with a deed, the registrar freezes and
unfreezes it, dev2 assigns it back to dev1 with a deed. Then, for each gap in ``--gaps`` (default 1,000, 10,000 and
100,000 blocks after the right's last event, mined with ``anvil_mine``, the difference each step, on the one chain),
the head's hash is the checkpoint ``H`` and, as of it, each path runs ``--runs`` times, alternating, and its
median is reported (all samples kept):

- new, whole call: ``Ledger.verify(token, trust_block_hash=H)`` (``sdk/ipledger/_proofs.py``: ``eth_getProof`` of
  the right's ownership and history words at ``H``, then back along ``HistoryLinked``, one single-block
  ``eth_getLogs`` and one header per block with events, in the registry and in each module attached; plus
  everything else the verify reads, none of it a range scan: the registry code, the node's owner claim, the rights
  in use and their licence labels from the proven history);
- new, proof alone: ``TrustlessVerifier(rpc, H).prove(registry=..., token_id=...)`` of ``_proofs.py``;
- baseline: the header walk it replaced (``benchmarks/header_walk.py``, kept verbatim, loaded as a module of the
  ``ipledger`` package for its relative imports):
  ``TrustlessVerifier(rpc, H).verify(registry=..., token_id=..., logs=..., owner=..., from_block=...)``, every
  header from the right's first event to ``H`` in one JSON-RPC batch, ``eth_getBlockReceipts`` of each block
  whose bloom may hold the right's logs, ``eth_getProof`` of the owner. Its inputs (the right's registry logs from
  ``fetch_token_logs``, the owner from ``ownerOf`` at ``H``, ``from_block`` the first log's block, as the old
  ``Ledger.verify`` passed them; with the right's ``HistoryLinked`` logs, which the registry now emits and the
  walk finds in the receipts) are read once beforehand and not timed, which favours the baseline.

Each path runs against three endpoints, each through its own connection (``Ledger.connect``, timeout 600 s), after
one untimed call of the new paths on each (connections, ABI caches, module discovery):

- limits: a counting JSON-RPC proxy in this script in front of anvil that refuses what hosted providers refuse, an
  ``eth_getLogs`` over more than ``--max-log-range`` blocks (1,000) and a batch of more than ``--max-batch``
  requests (100), each with a JSON-RPC error (code -32005, one per request). Timed, and counted on every run (the
  counts must not change between runs);
- counted, no limits: the same proxy without the caps; one untimed call per path, for the counts;
- direct: anvil itself, timed, no proxy in the way: the times the paths are compared by.

The header walk asks for every header from the right's first event in one batch, so under the limits it is refused
from 100 blocks on: recorded as "refused by the provider limits" (with the requests it made until then); its figures
come from the other two endpoints. There anvil itself refuses a request body over 2 MiB (about 22,000 header
requests), so the walk's batches are sent in chunks of ``--node-batch`` requests (10,000: one batch up to 10,000
blocks, ten at 100,000).

Counts: JSON-RPC requests (each request inside a batch counted on its own, refused ones included), batches (HTTP
posts whose body is a list) and the requests in them, HTTP posts, requests per method, bytes received (the bodies
of the answers as the proxy sent them), and each ``eth_getLogs`` query's contracts, first topics and span, so the
table can say which query grows. Ratios: new / baseline for the requests (new under the limits, the header walk
without them) and for the time (both direct), and the new path at the largest gap / at the smallest (target: within
1.2x for requests and time). Every verify must give the verdict ``verified`` and every proof and header walk must
pass every check, or the run fails. Writes ``benchmarks/results/trusted_verify.json`` (figures, a ``rows`` table
and ``growing_methods``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _figures import Figure, median, write_results
from ipledger import IPMetadata, Ledger, start_node, stop_node
from ipledger.audit._history import fetch_token_logs
from ipledger.audit._proofs import TrustlessVerifier
from ipledger.chain._events import TOPIC_OF, decode_log, token_topic
from ipledger.chain._logs import fetch_logs
from ipledger.chain._rpc import Rpc


def _load_header_walk() -> Any:
    """``benchmarks/header_walk.py``, kept verbatim from the SDK with its relative imports, loaded as a module of
    the ``ipledger`` package (``ipledger._header_walk``) so that they resolve."""
    path = Path(__file__).resolve().parent / "header_walk.py"
    spec = importlib.util.spec_from_file_location("ipledger._header_walk", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


HeaderWalk = _load_header_walk().TrustlessVerifier

#: Gaps (blocks mined after the right's last event) measured, in this order, on one chain.
GAPS = "1000,10000,100000"
#: The provider limits the proxy enforces by default (common among hosted providers).
MAX_LOG_RANGE = 1000
MAX_BATCH = 100
#: Without the provider limits, the header walk's batches are sent in chunks of this many requests (under 1 MB):
#: anvil itself refuses a body over 2 MiB, about 22,000 header requests.
NODE_BATCH = 10_000
#: A JSON-RPC error code for a request over a provider's limit (EIP-1474 "limit exceeded").
LIMIT_CODE = -32005
#: Seconds the SDK waits for one answer (a 100,000-header batch is a large answer).
TIMEOUT = 600.0
#: The growth target: the new path at the largest gap within this factor of itself at the smallest.
FLAT = 1.2
#: anvil's options: Cancun (the artifacts' EVM version) and no state history. On anvil 1.7.1's default (Prague, every
#: state kept) each mined block costs more as the chain grows: 9,000 blocks took 143 s from height 1,021, and 1,000
#: blocks took 0.2 s at height 0 but 2 s at 5,000 on Cancun with states kept; with both options, about 30 ms per
#: 1,000 blocks at any height. The verify reads state only at the checkpoint, the head.
ANVIL_ARGS = ("--hardfork", "cancun", "--prune-history")
#: The paths measured, in the order each run times them.
PATHS = ("verify", "prove", "header_walk")
LABELS = {
    "verify": "Ledger.verify(trust_block_hash)",
    "prove": "TrustlessVerifier.prove (proof alone)",
    "header_walk": "header walk (benchmarks/header_walk.py)",
}


# ---------------------------------------------------------------------------- the counting, limiting proxy


class CountingProxy:
    """Forwards JSON-RPC posts to ``upstream`` and counts them; with ``max_log_range`` and ``max_batch`` refuses
    what a provider with those limits refuses (an error answer for each request concerned)."""

    def __init__(self, upstream: str, *, max_log_range: int | None = None, max_batch: int | None = None) -> None:
        self.upstream = upstream
        self.max_log_range = max_log_range
        self.max_batch = max_batch
        self._lock = threading.Lock()
        self._local = threading.local()
        self.counts: Counter[str] = Counter()
        self.methods: Counter[str] = Counter()
        #: Every ``eth_getLogs`` query seen: (addresses, first topics, blocks spanned, refused).
        self.log_queries: list[tuple[tuple[str, ...], tuple[str, ...], int, bool]] = []

    def snapshot(self) -> tuple[Counter[str], Counter[str], int]:
        with self._lock:
            return Counter(self.counts), Counter(self.methods), len(self.log_queries)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _post(self, payload: bytes) -> bytes:
        answer = self._session().post(
            self.upstream, data=payload, headers={"Content-Type": "application/json"}, timeout=TIMEOUT
        )
        return answer.content

    def _height(self, tag: Any) -> int:
        if isinstance(tag, str) and tag.startswith("0x"):
            return int(tag, 16)
        if tag == "earliest":
            return 0
        answer = json.loads(self._post(b'{"jsonrpc":"2.0","id":0,"method":"eth_blockNumber","params":[]}'))
        return int(answer["result"], 16)

    def _refusal(self, request: dict[str, Any]) -> str | None:
        """Why a provider with the limits refuses ``request`` on its own (``None``: it does not); records every
        ``eth_getLogs`` query."""
        if request.get("method") != "eth_getLogs":
            return None
        query = (request.get("params") or [{}])[0]
        span = 1
        if "blockHash" not in query:
            span = self._height(query.get("toBlock", "latest")) - self._height(query.get("fromBlock", "latest")) + 1
        refused = self.max_log_range is not None and span > self.max_log_range
        address = query.get("address") or ()
        addresses = tuple(sorted(str(item).lower() for item in ([address] if isinstance(address, str) else address)))
        first = (query.get("topics") or [None])[0]
        topics = tuple(sorted(str(item).lower() for item in ([first] if isinstance(first, str) else first or ())))
        with self._lock:
            self.log_queries.append((addresses, topics, span, refused))
        return f"query exceeds max block range {self.max_log_range}" if refused else None

    @staticmethod
    def _error(request: Any, message: str) -> dict[str, Any]:
        ident = request.get("id") if isinstance(request, dict) else None
        return {"jsonrpc": "2.0", "id": ident, "error": {"code": LIMIT_CODE, "message": message}}

    def answer(self, body: bytes) -> bytes:
        parsed = json.loads(body)
        items = parsed if isinstance(parsed, list) else [parsed]
        with self._lock:
            self.counts["http_posts"] += 1
            self.counts["requests"] += len(items)
            self.counts["bytes_sent"] += len(body)
            if isinstance(parsed, list):
                self.counts["batches"] += 1
                self.counts["batched_requests"] += len(items)
            for item in items:
                self.methods[str(item.get("method") if isinstance(item, dict) else None)] += 1
        if isinstance(parsed, list) and self.max_batch is not None and len(parsed) > self.max_batch:
            with self._lock:
                self.counts["refused_batches"] += 1
                self.counts["refused_requests"] += len(parsed)
            message = f"batch of {len(parsed)} requests exceeds the limit of {self.max_batch}"
            payload = json.dumps([self._error(item, message) for item in parsed]).encode()
        else:
            refusals = [self._refusal(item) if isinstance(item, dict) else None for item in items]
            if not any(refusals):
                payload = self._post(body)
            else:
                with self._lock:
                    self.counts["refused_requests"] += sum(1 for reason in refusals if reason)
                    self.counts["refused_log_ranges"] += sum(1 for reason in refusals if reason)
                passed = [item for item, reason in zip(items, refusals, strict=True) if reason is None]
                forwarded: list[Any] = []
                if passed:
                    forward = passed if isinstance(parsed, list) else passed[0]
                    upstream = json.loads(self._post(json.dumps(forward).encode()))
                    forwarded = upstream if isinstance(upstream, list) else [upstream]
                by_id = {str(answer.get("id")): answer for answer in forwarded if isinstance(answer, dict)}
                answers = [
                    self._error(item, reason) if reason else by_id.get(str(item.get("id")))
                    for item, reason in zip(items, refusals, strict=True)
                ]
                payload = json.dumps(answers if isinstance(parsed, list) else answers[0]).encode()
        with self._lock:
            self.counts["bytes_received"] += len(payload)
        return payload


@contextmanager
def serve(proxy: CountingProxy) -> Iterator[str]:
    """Runs ``proxy`` on a free loopback port; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else each answer waits for a delayed ACK (~40 ms)

        def do_POST(self) -> None:
            payload = proxy.answer(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def counted(proxy: CountingProxy, call: Callable[[], Any]) -> tuple[float, Any, dict[str, Any]]:
    """Runs ``call``; returns its seconds, its result (or the exception it raised) and what it asked the proxy."""
    counts, methods, queries = proxy.snapshot()
    started = time.perf_counter()
    try:
        result: Any = call()
    except Exception as exc:  # noqa: BLE001 - a refusal by the provider limits is a result here
        result = exc
    seconds = time.perf_counter() - started
    after_counts, after_methods, after_queries = proxy.snapshot()
    usage: dict[str, Any] = dict(after_counts - counts)
    for key in ("http_posts", "requests", "batches", "batched_requests", "bytes_received", "bytes_sent"):
        usage.setdefault(key, 0)
    usage["methods"] = dict(sorted((after_methods - methods).items()))
    usage["log_queries"] = proxy.log_queries[queries:after_queries]
    return seconds, result, usage


def log_query_summary(
    queries: list[tuple[tuple[str, ...], tuple[str, ...], int, bool]], roles: dict[str, str]
) -> list[dict[str, Any]]:
    """The ``eth_getLogs`` queries of one call grouped by what they ask (contracts and events): how many requests,
    how many refused by the limits, the widest span asked."""
    names = {topic: name for name, topic in TOPIC_OF.items()}
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for addresses, topics, span, refused in queries:
        contracts = "+".join(roles.get(address, address) for address in addresses) or "any contract"
        events = [names.get(topic, topic[:10]) for topic in topics]
        label = ", ".join(events) if len(events) <= 2 else f"{len(events)} events ({', '.join(events[:2])}, ...)"
        key = (contracts, label or "any event")
        group = groups.setdefault(key, {"contracts": key[0], "events": key[1], "requests": 0, "refused": 0, "span": 0})
        group["requests"] += 1
        group["refused"] += int(refused)
        group["span"] = max(group["span"], span)
    return sorted(groups.values(), key=lambda group: -group["requests"])


# ---------------------------------------------------------------------------- the right and its checkpoints


def populate(ledger: Ledger, folder: Path) -> tuple[int, int]:
    """Registers one right to dev1 and gives it four more events; returns its id and its last event's block."""
    documents = []
    for name in ("claims.txt", "description.txt"):
        path = folder / name
        path.write_text(f"{name} of the trusted verify benchmark\n", "utf-8")
        documents.append(path)
    metadata = IPMetadata(
        title="Trusted verify benchmark electrode",
        kind="patent",
        jurisdiction="US",
        number="US 10,000,001 B2",
        inventors=("Li Wei", "Ana Souza"),
        filing_date="2019-03-01",
        grant_date="2022-06-14",
        expiry_date="2039-03-01",
    )
    token = ledger.register(metadata, documents, to="dev1").token_id
    deeds = []
    for name in ("deed-1.txt", "deed-2.txt"):
        path = folder / name
        path.write_text(f"{name}: deed of assignment\n", "utf-8")
        deeds.append(path)
    ledger.use("dev1").rights.assign(token, "dev2", deeds[0])
    ledger.rights.freeze(token, b"\x01" * 32)
    ledger.rights.unfreeze(token, b"\x02" * 32)
    ledger.use("dev2").rights.assign(token, "dev1", deeds[1])
    events = ledger.history(token).events
    return token, max(event.block for event in events)


def mine_to(ledger: Ledger, height: int) -> str:
    """Mines up to block ``height``; returns its hash."""
    missing = height - ledger.chain.w3.eth.block_number
    if missing > 0:
        ledger.chain.w3.provider.make_request("anvil_mine", [hex(missing)])  # type: ignore[arg-type]
    block = ledger.chain.w3.eth.get_block(height)
    return "0x" + bytes(block["hash"]).hex()


# ---------------------------------------------------------------------------- the paths


class SplitBatches:
    """An ``Rpc`` whose batches go out in chunks of at most ``size`` requests, answers in order: anvil refuses a
    request body over 2 MiB (about 22,000 header requests)."""

    def __init__(self, rpc: Rpc, size: int) -> None:
        self._rpc, self._size = rpc, size
        self.endpoint = rpc.endpoint

    def call(self, method: str, params: Sequence[Any]) -> Any:
        return self._rpc.call(method, params)

    def batch(self, requests_: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        results: list[Any] = []
        for start in range(0, len(requests_), self._size):
            results += self._rpc.batch(requests_[start : start + self._size])
        return results


class Paths:
    """The three paths, each bound to one endpoint (a ledger connected there); ``walk_batch`` splits the header
    walk's batches (``None``: sent whole)."""

    def __init__(
        self, ledger: Ledger, token: int, checkpoint: str, inputs: dict[str, Any], walk_batch: int | None = None
    ) -> None:
        self.ledger, self.token, self.checkpoint, self.inputs = ledger, token, checkpoint, inputs
        self.walk_rpc: Any = ledger.chain.rpc if walk_batch is None else SplitBatches(ledger.chain.rpc, walk_batch)

    def verify(self) -> Any:
        report = self.ledger.verify(self.token, trust_block_hash=self.checkpoint)
        if report.verdict != "verified":
            failed = [f"{check.name}: {check.detail}" for check in report.checks if not check.ok]
            raise RuntimeError(f"Ledger.verify gave {report.verdict}: {failed}")
        return report

    def prove(self) -> Any:
        verifier = TrustlessVerifier(self.ledger.chain.rpc, self.checkpoint)
        proven = verifier.prove(registry=self.ledger.contracts.registry_address, token_id=self.token)
        if not proven.proven or proven.logs is None:
            raise RuntimeError(f"the proof failed: {[check for check in proven.checks if not check.ok]}")
        return proven

    def header_walk(self) -> Any:
        checks = HeaderWalk(self.walk_rpc, self.checkpoint).verify(
            registry=self.ledger.contracts.registry_address, token_id=self.token, **self.inputs
        )
        if not all(check.ok for check in checks):
            raise RuntimeError(f"the header walk failed: {[check for check in checks if not check.ok]}")
        return checks

    def call(self, path: str) -> Callable[[], Any]:
        return {"verify": self.verify, "prove": self.prove, "header_walk": self.header_walk}[path]


def walk_inputs(ledger: Ledger, token: int, checkpoint_block: int) -> dict[str, Any]:
    """What the old ``Ledger.verify`` handed the header walk: the right's registry logs, its owner, its first
    block."""
    rpc, registry, start = ledger.chain.rpc, ledger.contracts.registry_address, ledger.contracts.deployment_block
    logs = fetch_token_logs(rpc, registry=registry, token_id=token, from_block=start, to_block=checkpoint_block)
    # The registry now also emits HistoryLinked(tokenId, previousBlock), which the old SDK did not know: the walk
    # finds it in the receipts (the token id is a topic) and must be handed it, or it reports it withheld.
    linked = fetch_logs(
        rpc,
        address=registry,
        topics=[TOPIC_OF["HistoryLinked"], token_topic(token)],
        from_block=start,
        to_block=checkpoint_block,
    )
    logs = sorted(
        [*logs, *(log for log in map(decode_log, linked) if log is not None)],
        key=lambda log: (log.block, log.log_index),
    )
    owner = str(ledger.contracts.registry.functions.ownerOf(token).call(block_identifier=checkpoint_block))
    return {"logs": logs, "owner": owner, "from_block": min(log.block for log in logs)}


def short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 300 else text[:297] + "..."


def measure_gap(
    endpoints: dict[str, Ledger],
    proxies: dict[str, CountingProxy],
    token: int,
    checkpoint: str,
    height: int,
    runs: int,
    node_batch: int,
) -> dict[str, Any]:
    """Every path at one checkpoint: timed under the limits and direct, counted under the limits and without."""
    inputs = walk_inputs(endpoints["direct"], token, height)
    paths = {
        name: Paths(ledger, token, checkpoint, inputs, None if name == "limits" else node_batch)
        for name, ledger in endpoints.items()
    }
    row: dict[str, Any] = {"samples": {}, "usage": {}}
    # One untimed, uncounted call of the new paths on every endpoint: connections, ABI caches, module discovery.
    for endpoint in paths.values():
        endpoint.verify()
        endpoint.prove()
    # Counted without limits, once per path.
    for path in PATHS:
        seconds, result, usage = counted(proxies["counted"], paths["counted"].call(path))
        if isinstance(result, BaseException):
            raise RuntimeError(f"{path} without limits failed: {short(result)}") from result
        row["usage"][f"{path}_counted"] = usage
    # Under the limits: the header walk once (refused from about 100 blocks on: its batch of headers).
    _, result, usage = counted(proxies["limits"], paths["limits"].header_walk)
    if isinstance(result, BaseException) and not usage.get("refused_requests"):
        raise RuntimeError(f"the header walk under the limits failed, nothing refused: {short(result)}") from result
    row["header_walk_limits"] = {
        "refused": isinstance(result, BaseException),
        "error": short(result) if isinstance(result, BaseException) else None,
        "usage": usage,
    }
    walk_limited = not row["header_walk_limits"]["refused"]
    samples: dict[str, list[float]] = {
        key: []
        for key in (
            "verify_limits",
            "prove_limits",
            *(["header_walk_limits"] if walk_limited else []),
            "verify_direct",
            "prove_direct",
            "header_walk_direct",
        )
    }
    for run in range(runs):
        for path in PATHS:
            if path != "header_walk" or walk_limited:
                seconds, result, usage = counted(proxies["limits"], paths["limits"].call(path))
                if isinstance(result, BaseException):
                    raise RuntimeError(f"{path} under the provider limits failed: {short(result)}") from result
                samples[f"{path}_limits"].append(round(seconds * 1000, 2))
                previous = row["usage"].get(f"{path}_limits")
                if previous is not None and previous["requests"] != usage["requests"]:
                    raise RuntimeError(f"{path} asked {previous['requests']}, then {usage['requests']} requests")
                row["usage"][f"{path}_limits"] = usage
            started = time.perf_counter()
            paths["direct"].call(path)()
            samples[f"{path}_direct"].append(round((time.perf_counter() - started) * 1000, 2))
        print(
            f"  run {run + 1}/{runs}: " + ", ".join(f"{key} {values[-1]} ms" for key, values in samples.items()),
            file=sys.stderr,
        )
    if not walk_limited:
        row["usage"]["header_walk_limits"] = row["header_walk_limits"]["usage"]
    row["samples"] = samples
    row.update({f"{key}_ms": round(median(values), 2) for key, values in samples.items()})
    return row


# ---------------------------------------------------------------------------- figures and the table


def table_row(gap: int, height: int, row: dict[str, Any], roles: dict[str, str]) -> dict[str, Any]:
    usage = row["usage"]
    table: dict[str, Any] = {"gap": gap, "checkpoint_block": height}
    for key in ("verify_limits", "prove_limits", "verify_counted", "prove_counted", "header_walk_counted"):
        table[f"{key}_requests"] = usage[key]["requests"]
        table[f"{key}_batches"] = usage[key]["batches"]
        table[f"{key}_batched_requests"] = usage[key]["batched_requests"]
        table[f"{key}_http_posts"] = usage[key]["http_posts"]
        table[f"{key}_refused"] = usage[key].get("refused_requests", 0)
        table[f"{key}_kb"] = round(usage[key]["bytes_received"] / 1024, 1)
        table[f"{key}_methods"] = usage[key]["methods"]
        table[f"{key}_log_queries"] = log_query_summary(usage[key]["log_queries"], roles)
    for key in ("verify_limits", "prove_limits", "verify_direct", "prove_direct", "header_walk_direct"):
        table[f"{key}_ms"] = row[f"{key}_ms"]
    walk = row["header_walk_limits"]
    table["header_walk_limits"] = "refused by the provider limits" if walk["refused"] else "served"
    table["header_walk_limits_error"] = walk["error"]
    table["header_walk_limits_requests"] = walk["usage"]["requests"]
    table["header_walk_limits_ms"] = row.get("header_walk_limits_ms")
    walk_requests, walk_ms = table["header_walk_counted_requests"], table["header_walk_direct_ms"]
    table["verify_over_walk_requests"] = round(table["verify_limits_requests"] / walk_requests, 4)
    table["prove_over_walk_requests"] = round(table["prove_limits_requests"] / walk_requests, 4)
    table["verify_over_walk_time"] = round(table["verify_direct_ms"] / walk_ms, 4)
    table["prove_over_walk_time"] = round(table["prove_direct_ms"] / walk_ms, 4)
    return table


def figures_of(rows: list[dict[str, Any]], tables: list[dict[str, Any]]) -> list[Figure]:
    """Per gap: the new paths' requests (under the limits) and times (direct) beside the header walk's; then the
    new paths at the largest gap beside themselves at the smallest. Every ratio is new / baseline."""
    figures = []
    for row, table in zip(rows, tables, strict=True):
        group = f"checkpoint {table['gap']:,} blocks after the right's last event"
        walk = "header walk" + (
            ", without limits (refused under them)" if table["header_walk_limits"] != "served" else ""
        )
        for path in ("verify", "prove"):
            figures.append(
                Figure(
                    group=group,
                    name=f"{LABELS[path]}: JSON-RPC requests, under the provider limits",
                    unit="requests",
                    value=table[f"{path}_limits_requests"],
                    baseline_name=walk,
                    baseline_value=table["header_walk_counted_requests"],
                )
            )
            figures.append(
                Figure(
                    group=group,
                    name=f"{LABELS[path]}: time, direct to anvil",
                    unit="ms",
                    value=table[f"{path}_direct_ms"],
                    baseline_name="header walk, direct to anvil",
                    baseline_value=table["header_walk_direct_ms"],
                    samples=row["samples"][f"{path}_direct"],
                    baseline_samples=row["samples"]["header_walk_direct"],
                )
            )
    first, last = tables[0], tables[-1]
    group = f"the new path at {last['gap']:,} blocks after the last event, beside itself at {first['gap']:,}"
    for path in ("verify", "prove"):
        for what, key, unit in (
            ("JSON-RPC requests, under the provider limits", f"{path}_limits_requests", "requests"),
            ("time, under the provider limits", f"{path}_limits_ms", "ms"),
            ("time, direct to anvil", f"{path}_direct_ms", "ms"),
        ):
            figure = Figure(
                group=group,
                name=f"{LABELS[path]}: {what}",
                unit=unit,
                value=last[key],
                baseline_name=f"the same at {first['gap']:,}",
                baseline_value=first[key],
                samples=rows[-1]["samples"].get(key.removesuffix("_ms"), []) if unit == "ms" else [],
                baseline_samples=rows[0]["samples"].get(key.removesuffix("_ms"), []) if unit == "ms" else [],
                target=f"within {FLAT}x",
            )
            figure.met = figure.ratio is not None and figure.ratio <= FLAT
            figures.append(figure)
    return figures


def growing_methods(tables: list[dict[str, Any]], key: str) -> dict[str, list[int]]:
    """The methods whose request counts differ between the gaps (method -> counts per gap)."""
    methods = sorted({method for table in tables for method in table[f"{key}_methods"]})
    counts = {method: [table[f"{key}_methods"].get(method, 0) for table in tables] for method in methods}
    return {method: values for method, values in counts.items() if len(set(values)) > 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gaps", default=GAPS, help="comma-separated blocks after the right's last event")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each path at each gap (median reported)")
    parser.add_argument("--max-log-range", type=int, default=MAX_LOG_RANGE, help="the limits' eth_getLogs span")
    parser.add_argument("--max-batch", type=int, default=MAX_BATCH, help="the limits' largest batch")
    parser.add_argument(
        "--node-batch", type=int, default=NODE_BATCH, help="without the limits, the header walk's largest batch"
    )
    parser.add_argument("--name", default="trusted_verify", help="results/<name>.json")
    args = parser.parse_args(argv)
    gaps = sorted(int(part) for part in args.gaps.split(","))
    started = time.perf_counter()
    node = start_node(extra_args=ANVIL_ARGS)
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0", timeout=TIMEOUT)
        ledger.deploy()
        with tempfile.TemporaryDirectory() as folder:
            token, last_event = populate(ledger, Path(folder))
        events = len(ledger.history(token).events)
        print(f"right {hex(token)}: {events} events up to block {last_event}", file=sys.stderr)
        proxies = {
            "limits": CountingProxy(node.rpc_url, max_log_range=args.max_log_range, max_batch=args.max_batch),
            "counted": CountingProxy(node.rpc_url),
        }
        deployment = ledger.deployment
        roles = {str(address).lower(): role for role, address in deployment.addresses().items() if address}
        with serve(proxies["limits"]) as limits_url, serve(proxies["counted"]) as counted_url:
            endpoints = {
                name: Ledger.connect(
                    url,
                    registry=deployment.registry,
                    vault=deployment.vault,
                    desk=deployment.desk,
                    stablecoin=deployment.stablecoin,
                    timeout=TIMEOUT,
                )
                for name, url in (("limits", limits_url), ("counted", counted_url), ("direct", node.rpc_url))
            }
            rows, tables = [], []
            for gap in gaps:
                height = last_event + gap
                mined = time.perf_counter()
                checkpoint = mine_to(ledger, height)
                print(
                    f"[gap {gap:,}] checkpoint block {height} ({time.perf_counter() - mined:.1f} s to mine)",
                    file=sys.stderr,
                )
                row = measure_gap(endpoints, proxies, token, checkpoint, height, args.runs, args.node_batch)
                rows.append(row)
                tables.append(table_row(gap, height, row, roles))
                table = tables[-1]
                print(
                    f"[gap {gap:,}] verify {table['verify_limits_requests']} requests "
                    f"{table['verify_limits_ms']} ms (limits), {table['verify_direct_ms']} ms (direct); prove "
                    f"{table['prove_limits_requests']} requests {table['prove_direct_ms']} ms; header walk "
                    f"{table['header_walk_limits']}, {table['header_walk_counted_requests']} requests "
                    f"{table['header_walk_direct_ms']} ms without limits",
                    file=sys.stderr,
                )
    finally:
        stop_node(node.pid)
    elapsed = round(time.perf_counter() - started, 1)
    growth = {
        key: growing_methods(tables, key)
        for key in ("verify_limits", "prove_limits", "verify_counted", "prove_counted", "header_walk_counted")
    }
    for key, methods in growth.items():
        if methods and not key.startswith("header_walk"):
            print(f"{key}: requests that grow with the gap: {methods}", file=sys.stderr)
    write_results(
        args.name,
        figures_of(rows, tables),
        rows=tables,
        growing_methods=growth,
        settings={
            "gaps": gaps,
            "runs": args.runs,
            "max_log_range": args.max_log_range,
            "max_batch": args.max_batch,
            "node_batch": args.node_batch,
            "flat": FLAT,
            "events": events,
            "last_event_block": last_event,
            "seconds": elapsed,
        },
    )
    print(f"done in {elapsed} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
