"""A small JSON-RPC proxy in front of anvil that imitates a provider's limits (a real node behind it)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


class LimitingProxy:
    """Forwards every request to ``upstream`` but refuses ``eth_getLogs`` over more than ``max_blocks``."""

    def __init__(self, upstream: str, *, max_blocks: int) -> None:
        self.upstream = upstream
        self.max_blocks = max_blocks
        self.get_logs_calls: list[tuple[int, int]] = []
        self.served: list[tuple[int, int]] = []
        self.refused = 0

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("method") == "eth_getLogs":
            query = request["params"][0]
            start, end = int(query["fromBlock"], 16), int(query["toBlock"], 16)
            self.get_logs_calls.append((start, end))
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

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            answer = [proxy.handle(item) for item in body] if isinstance(body, list) else proxy.handle(body)
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", proxy
    finally:
        server.shutdown()
        server.server_close()
