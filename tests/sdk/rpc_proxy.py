"""A small JSON-RPC proxy in front of anvil that imitates a provider's limits (a real node behind it)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from eth_utils.crypto import keccak


class LimitingProxy:
    """Forwards every request to ``upstream`` but refuses ``eth_getLogs`` over more than ``max_blocks``."""

    def __init__(self, upstream: str, *, max_blocks: int) -> None:
        self.upstream = upstream
        self.max_blocks = max_blocks
        self.get_logs_calls: list[tuple[int, int]] = []
        #: Each ``eth_getLogs`` range, and whether it filtered by topics (the trusted walk's single blocks do not).
        self.get_logs_queries: list[tuple[int, int, bool]] = []
        self.served: list[tuple[int, int]] = []
        self.refused = 0
        self.methods: Counter[str] = Counter()

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        self.methods[str(request.get("method"))] += 1
        query = (request.get("params") or [None])[0]
        if (
            request.get("method") == "eth_getLogs"
            and isinstance(query, dict)
            and str(query.get("fromBlock")).startswith("0x")
        ):
            start, end = int(query["fromBlock"], 16), int(query["toBlock"], 16)
            self.get_logs_calls.append((start, end))
            self.get_logs_queries.append((start, end, bool(query.get("topics"))))
            if end - start + 1 > self.max_blocks:
                self.refused += 1
                return {
                    "jsonrpc": "2.0",
                    "id": request.get("id"),
                    "error": {"code": -32005, "message": f"query exceeds max block range {self.max_blocks}"},
                }
            self.served.append((start, end))
        return dict(requests.post(self.upstream, json=request, timeout=10).json())


@contextmanager
def limiting_proxy(upstream: str, *, max_blocks: int) -> Iterator[tuple[str, LimitingProxy]]:
    """Runs a :class:`LimitingProxy` on a free loopback port; yields its URL and the proxy."""
    proxy = LimitingProxy(upstream, max_blocks=max_blocks)
    with serve(proxy) as url:
        yield url, proxy


@contextmanager
def serve(proxy: LimitingProxy) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            fault = proxy.fault(body) if isinstance(proxy, FlakyProxy) else None
            if fault is not None:
                self._misbehave(fault, body)
                return
            answer = [proxy.handle(item) for item in body] if isinstance(body, list) else proxy.handle(body)
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _misbehave(self, fault: str, body: Any) -> None:
            if fault == "forward-then-reset":
                if isinstance(body, list):
                    [proxy.handle(item) for item in body]
                else:
                    proxy.handle(body)
            if fault in ("reset", "forward-then-reset"):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault == "slow":
                time.sleep(proxy.slow_seconds)  # type: ignore[union-attr]
            status, headers, payload = 200, {"Content-Type": "application/json"}, b""
            if fault.isdigit():
                status, payload = int(fault), b"busy"
                if fault == "429":
                    headers["Retry-After"] = str(proxy.retry_after)  # type: ignore[union-attr]
            elif fault == "garbage":
                payload = b"<html>502 Bad Gateway</html>"
            elif fault == "shape":
                payload = json.dumps({"jsonrpc": "2.0", "id": 1, "surprise": True}).encode()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


#: ``recordOf(uint256)``: its answer is 9 words, the 6th to 9th the status, self-declared, dispute-locked and pledged
#: flags.
_RECORD_OF = "0x" + keccak(text="recordOf(uint256)")[:4].hex()
#: ``ownerOf(uint256)``, and the owner the ``owner`` lie names in its answers.
_OWNER_OF = "0x" + keccak(text="ownerOf(uint256)")[:4].hex()
FAKE_OWNER = "0x" + "0d" * 20
#: ``HistoryLinked(uint256,uint256)``: a pointer back, not an event of the right's history (``reorder`` skips it).
_HISTORY_LINKED = "0x" + keccak(text="HistoryLinked(uint256,uint256)").hex()


class LyingProxy(LimitingProxy):
    """Forwards to ``upstream`` but tells one lie, ``lie``:

    In every ``eth_getLogs`` answer (ranges and single blocks alike), about the first log whose topic0 is ``topic``:
    ``drop`` withholds it; ``alter`` changes its data; ``invent`` adds a copy of it as the event ``invent_as`` (another
    topic0) after the last log of its block; ``reorder`` swaps its place (``logIndex``) with the log of the same
    contract just before it in its block (``HistoryLinked`` logs aside). ``before`` withholds every log before block
    ``block``.

    ``flags``: ``recordOf`` answers (``eth_call``) say active, not self-declared, not dispute-locked, not pledged;
    ``owner``: ``ownerOf`` answers name :data:`FAKE_OWNER`.
    ``storage``: a wrong ``value`` in ``eth_getProof``'s first storage proof, its proof nodes untouched; ``proof``:
    one byte changed in a node of that proof. ``checkpoint``: another ``stateRoot`` in the blocks
    ``eth_getBlockByHash`` returns. ``timestamp``: another time for block ``block`` in ``eth_getBlockByNumber``.
    ``latest``: the chain ends at block ``block`` (``eth_blockNumber`` and ``eth_getBlockByNumber("latest")``).

    ``lies_told`` counts the answers it changed."""

    def __init__(
        self, upstream: str, *, lie: str, topic: str = "", block: int | None = None, invent_as: str = ""
    ) -> None:
        super().__init__(upstream, max_blocks=2**62)
        if lie not in _LIES:
            raise ValueError(f"unknown lie {lie!r}; lies are {', '.join(_LIES)}")
        self.lie = lie
        self.topic = topic.lower()
        self.block = block
        self.invent_as = invent_as.lower()
        self.lies_told = 0

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        method = request.get("method")
        params = list(request.get("params") or [])
        if self.lie == "latest" and self.block is not None:
            if method == "eth_blockNumber":
                self.methods[str(method)] += 1
                self.lies_told += 1
                return {"jsonrpc": "2.0", "id": request.get("id"), "result": hex(self.block)}
            if method == "eth_getBlockByNumber" and params and params[0] == "latest":
                self.lies_told += 1
                request = dict(request, params=[hex(self.block), *params[1:]])
        answer = super().handle(request)
        result = answer.get("result")
        if result is None:
            return answer
        if method == "eth_getLogs" and isinstance(result, list):
            answer["result"] = self._lie_about_logs(result)
        elif method == "eth_call" and self.lie == "flags" and _calls(params, _RECORD_OF):
            words = bytes.fromhex(result[2:])
            if len(words) == 9 * 32:
                answer["result"] = "0x" + (words[: 5 * 32] + bytes(4 * 32)).hex()
                self.lies_told += answer["result"] != result
        elif method == "eth_call" and self.lie == "owner" and _calls(params, _OWNER_OF) and len(result) == 66:
            answer["result"] = "0x" + FAKE_OWNER[2:].rjust(64, "0")
            self.lies_told += 1
        elif method == "eth_getProof" and self.lie in ("storage", "proof") and result.get("storageProof"):
            entry = result["storageProof"][0]
            if self.lie == "storage":
                entry["value"] = "0x" + "ab" * 20
            else:
                node = bytearray(bytes.fromhex(entry["proof"][-1][2:]))
                node[len(node) // 2] ^= 0x01
                entry["proof"][-1] = "0x" + node.hex()
            self.lies_told += 1
        elif method == "eth_getBlockByHash" and self.lie == "checkpoint":
            answer["result"] = dict(result, stateRoot="0x" + "5e" * 32)
            self.lies_told += 1
        elif method == "eth_getBlockByNumber" and self.lie == "timestamp" and params[0] == hex(self.block or 0):
            answer["result"] = dict(result, timestamp=hex(int(result["timestamp"], 16) + 1))
            self.lies_told += 1
        return answer

    def _lie_about_logs(self, logs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if self.lie == "before":
            kept = [log for log in logs if int(log["blockNumber"], 16) >= (self.block or 0)]
            self.lies_told += len(kept) != len(logs)
            return kept
        if self.lie not in ("drop", "alter", "invent", "reorder"):
            return logs
        target = next((log for log in logs if log["topics"] and log["topics"][0].lower() == self.topic), None)
        if target is None:
            return logs
        if self.lie == "drop":
            self.lies_told += 1
            return [log for log in logs if log is not target]
        if self.lie == "alter":
            self.lies_told += 1
            altered = dict(target, data="0x" + "00" * 31 + "01")
            return [altered if log is target else log for log in logs]
        same_block = sorted(
            (
                log
                for log in logs
                if log["blockNumber"] == target["blockNumber"]
                and log["address"].lower() == target["address"].lower()
                and log["topics"][0].lower() != _HISTORY_LINKED
            ),
            key=lambda log: int(log["logIndex"], 16),
        )
        if self.lie == "invent":
            self.lies_told += 1
            last = int(same_block[-1]["logIndex"], 16)
            invented = dict(target, topics=[self.invent_as, *target["topics"][1:]], logIndex=hex(last + 1))
            return [*logs, invented]
        position = same_block.index(target)
        if position == 0:
            return logs
        self.lies_told += 1
        before = same_block[position - 1]
        swapped = {
            id(target): dict(target, logIndex=before["logIndex"]),
            id(before): dict(before, logIndex=target["logIndex"]),
        }
        return [swapped.get(id(log), log) for log in logs]


_LIES = (
    *("drop", "alter", "invent", "reorder", "before"),
    *("flags", "owner", "storage", "proof", "checkpoint", "timestamp", "latest"),
)


def _calls(params: list[Any], selector: str) -> bool:
    """Whether an ``eth_call``'s transaction calls the function ``selector``."""
    call = params[0] if params and isinstance(params[0], dict) else {}
    data = str(call.get("data") or call.get("input") or "")
    return data.lower().startswith(selector)


@contextmanager
def lying_proxy(
    upstream: str, *, lie: str, topic: str = "", block: int | None = None, invent_as: str = ""
) -> Iterator[tuple[str, LyingProxy]]:
    """Runs a :class:`LyingProxy` on a free loopback port; yields its URL and the proxy."""
    proxy = LyingProxy(upstream, lie=lie, topic=topic, block=block, invent_as=invent_as)
    with serve(proxy) as url:
        yield url, proxy


class SideBlockProxy(LimitingProxy):
    """Forwards to ``upstream`` and also knows ``side_blocks`` (hash -> JSON-RPC block) by hash, as a node that
    saw another fork keeps its blocks; an honest node otherwise. ``states`` (block number -> block number) makes it a
    node of that fork: ``eth_getProof`` at a block of the first number proves the state of the second."""

    def __init__(
        self, upstream: str, side_blocks: dict[str, dict[str, Any]], states: dict[int, int] | None = None
    ) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.side_blocks = {key.lower(): block for key, block in side_blocks.items()}
        self.states = dict(states or {})

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        method = request.get("method")
        params = list(request.get("params") or [])
        if method == "eth_getBlockByHash":
            block = self.side_blocks.get(str(params[0]).lower())
            if block is not None:
                self.methods["eth_getBlockByHash"] += 1
                return {"jsonrpc": "2.0", "id": request.get("id"), "result": block}
        if method == "eth_getProof" and len(params) == 3 and isinstance(params[2], str) and params[2].startswith("0x"):
            number = int(params[2], 16)
            if number in self.states:
                request = dict(request, params=[*params[:2], hex(self.states[number])])
        return super().handle(request)


@contextmanager
def side_block_proxy(
    upstream: str, side_blocks: dict[str, dict[str, Any]], states: dict[int, int] | None = None
) -> Iterator[tuple[str, SideBlockProxy]]:
    """Runs a :class:`SideBlockProxy` on a free loopback port; yields its URL and the proxy."""
    proxy = SideBlockProxy(upstream, side_blocks, states)
    with serve(proxy) as url:
        yield url, proxy


class FlakyProxy(LimitingProxy):
    """Forwards to ``upstream`` but first fails requests as ``faults`` plans: method -> the faults its next requests
    meet, in order (a batch counts under its first method). Faults: ``reset`` (connection closed, no answer),
    ``forward-then-reset`` (forwarded, then the connection closed: the node acted, the client cannot know),
    ``429`` (with ``Retry-After``), ``502``/``503``/``504``, ``garbage`` (not JSON), ``shape`` (JSON but not a JSON-RPC
    answer), ``slow`` (answers after ``slow_seconds``)."""

    def __init__(
        self, upstream: str, faults: dict[str, list[str]], *, retry_after: float = 0.0, slow_seconds: float = 1.0
    ) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.faults = {method: list(planned) for method, planned in faults.items()}
        self.retry_after = retry_after
        self.slow_seconds = slow_seconds
        self.faults_served: Counter[str] = Counter()
        self._lock = threading.Lock()

    def fault(self, body: Any) -> str | None:
        first = body[0] if isinstance(body, list) and body else body
        method = str(first.get("method")) if isinstance(first, dict) else ""
        with self._lock:
            planned = self.faults.get(method)
            if not planned:
                return None
            fault = planned.pop(0)
            self.faults_served[method] += 1
            return fault


@contextmanager
def flaky_proxy(upstream: str, faults: dict[str, list[str]], **options: float) -> Iterator[tuple[str, FlakyProxy]]:
    """Runs a :class:`FlakyProxy` on a free loopback port; yields its URL and the proxy."""
    proxy = FlakyProxy(upstream, faults, **options)
    with serve(proxy) as url:
        yield url, proxy


class HidingProxy(LimitingProxy):
    """Forwards to ``upstream`` but answers "method not found" to ``hidden`` methods: a node without tracing or
    simulation, as most providers are."""

    def __init__(self, upstream: str, hidden: set[str]) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.hidden = hidden

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        method = str(request.get("method"))
        if method in self.hidden:
            self.methods[method] += 1
            message = f"the method {method} does not exist/is not available"
            return {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": -32601, "message": message}}
        return super().handle(request)


@contextmanager
def hiding_proxy(upstream: str, hidden: set[str]) -> Iterator[tuple[str, HidingProxy]]:
    """Runs a :class:`HidingProxy` on a free loopback port; yields its URL and the proxy."""
    proxy = HidingProxy(upstream, hidden)
    with serve(proxy) as url:
        yield url, proxy


class ChainIdProxy(LimitingProxy):
    """Forwards to ``upstream`` but, while ``reported`` is set, answers ``eth_chainId`` (and ``net_version``) with it:
    a node that lies about its chain from the start, or from the moment a test sets ``reported``. Every request is
    counted in ``methods`` (a batch counts each of its requests), so a test can tell what reached the node."""

    def __init__(self, upstream: str, *, reported: int | None = None) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.reported = reported

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        method = request.get("method")
        reported = self.reported
        if reported is None or method not in ("eth_chainId", "net_version"):
            return super().handle(request)
        self.methods[str(method)] += 1
        result = hex(reported) if method == "eth_chainId" else str(reported)
        return {"jsonrpc": "2.0", "id": request.get("id"), "result": result}


@contextmanager
def chain_id_proxy(upstream: str, *, reported: int | None = None) -> Iterator[tuple[str, ChainIdProxy]]:
    """Runs a :class:`ChainIdProxy` on a free loopback port; yields its URL and the proxy."""
    proxy = ChainIdProxy(upstream, reported=reported)
    with serve(proxy) as url:
        yield url, proxy


class RefusingProxy(LimitingProxy):
    """Forwards to ``upstream`` but answers each method of ``refusals`` with its JSON-RPC error ``(code, message)``:
    a node whose EVM lacks an opcode ("invalid opcode: PUSH0" to ``eth_estimateGas``), or that refuses a method."""

    def __init__(self, upstream: str, refusals: dict[str, tuple[int, str]]) -> None:
        super().__init__(upstream, max_blocks=2**62)
        self.refusals = refusals

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        method = str(request.get("method"))
        if method not in self.refusals:
            return super().handle(request)
        self.methods[method] += 1
        code, message = self.refusals[method]
        return {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": code, "message": message}}


@contextmanager
def refusing_proxy(upstream: str, refusals: dict[str, tuple[int, str]]) -> Iterator[tuple[str, RefusingProxy]]:
    """Runs a :class:`RefusingProxy` on a free loopback port; yields its URL and the proxy."""
    proxy = RefusingProxy(upstream, refusals)
    with serve(proxy) as url:
        yield url, proxy
