"""Bounded retries of JSON-RPC requests, where a retry cannot change what happens on chain.

:class:`RetryPolicy` says how often and how long to wait; :class:`RetryingHTTPProvider` applies it to every request
web3 and :class:`~ipledger.chain._rpc.Rpc` send. What is retried:

- reads (:data:`READ_METHODS`) and batches made of reads only, after a connection error, a timeout, an HTTP 429,
  502, 503 or 504 (``Retry-After`` honoured, up to the cap) or an answer that is not a JSON-RPC answer;
- ``eth_sendRawTransaction``, by sending the same signed bytes again: the same transaction, the same hash, so at
  most one of the copies is ever mined. If the node answers a resend with "already known" or "nonce too low", the
  transaction is looked up by its hash: when the node has it, the resend counts as sent.

Nothing else is retried (``eth_sendTransaction``, ``anvil_*`` and ``evm_*`` calls, unknown methods): one failure is
final. After the last attempt the provider raises :class:`~ipledger.NodeError` naming the method and the cause
(:class:`~ipledger.NodeUnreachableError` when the node never answered). An error answer is passed on to web3 with the
method it answers noted in it (``_rpc.ANSWERED_METHOD``), so that the error can say what the node refused.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar, cast

import requests
from eth_utils.crypto import keccak
from web3 import HTTPProvider
from web3.types import RPCEndpoint, RPCResponse

from ipledger._exceptions import NodeError, NodeUnreachableError
from ipledger.chain._node_answers import ALREADY_KNOWN, NONCE_TOO_LOW
from ipledger.chain._rpc import ANSWERED_METHOD

__all__ = ["READ_METHODS", "RetryPolicy", "RetryingHTTPProvider"]

#: Requests that only read: sending one twice cannot change anything.
READ_METHODS = frozenset(
    {
        "eth_blockNumber",
        "eth_call",
        "eth_chainId",
        "eth_estimateGas",
        "eth_feeHistory",
        "eth_gasPrice",
        "eth_getBalance",
        "eth_getBlockByHash",
        "eth_getBlockByNumber",
        "eth_getCode",
        "eth_getLogs",
        "eth_getProof",
        "eth_getStorageAt",
        "eth_getTransactionByHash",
        "eth_getTransactionCount",
        "eth_getTransactionReceipt",
        "eth_maxPriorityFeePerGas",
        "eth_syncing",
        "net_version",
        "web3_clientVersion",
    }
)
SEND_RAW = "eth_sendRawTransaction"
_RETRY_STATUS = frozenset({429, 502, 503, 504})
#: Answers to a resent transaction that mean the node may already hold (or have mined) it.
_KNOWN = ALREADY_KNOWN + NONCE_TOO_LOW

_T = TypeVar("_T")


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` tries in all, waiting ``base_delay`` doubled after each failure (at most ``max_delay``), each wait
    drawn at random between half and all of it (jitter, so clients that failed together do not retry together)."""

    attempts: int = 5
    base_delay: float = 0.1
    max_delay: float = 2.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait after failed attempt ``attempt`` (0-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        ceiling = min(self.base_delay * 2**attempt, self.max_delay)
        return random.uniform(ceiling / 2, ceiling)


class _TransientError(Exception):
    """A failure worth retrying: ``cause`` says what, ``retry_after`` what the server asked for, ``answered`` whether
    the node answered at all (an HTTP error or garbage) or not (refused, dropped, timed out)."""

    def __init__(self, cause: str, retry_after: float | None = None, *, answered: bool = True) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after
        self.answered = answered


class RetryingHTTPProvider(HTTPProvider):
    """web3's HTTP provider with :class:`RetryPolicy` applied (and web3's own retries off); see the module
    docstring for what is retried."""

    def __init__(self, endpoint_uri: str, *, policy: RetryPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(endpoint_uri, exception_retry_configuration=None, **kwargs)
        self.policy = policy or RetryPolicy()

    def make_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        return self._request(method, params, cached=True)

    def fresh_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        """Like :meth:`make_request`, but always answered by the node: never from web3's request cache (which
        keeps ``eth_chainId`` when the ledger asks it to)."""
        return self._request(method, params, cached=False)

    def _request(self, method: RPCEndpoint, params: Any, *, cached: bool) -> RPCResponse:
        retry = method in READ_METHODS or method == SEND_RAW
        send = partial(super().make_request if cached else self._uncached, method, params)

        def attempt(number: int) -> RPCResponse:
            response = self._once(send)
            if not isinstance(response, dict) or ("result" not in response and "error" not in response):
                raise _TransientError("malformed answer (not a JSON-RPC response)")
            if method == SEND_RAW and number > 0:
                response = self._resent([params[0]], [response])[0]
            if "error" in response:
                return cast(RPCResponse, {**response, ANSWERED_METHOD: str(method)})
            return response

        return self._retrying(str(method), retry, attempt)

    def make_batch_request(self, batch_requests: list[tuple[RPCEndpoint, Any]]) -> list[RPCResponse] | RPCResponse:
        methods = [method for method, _ in batch_requests]
        retry = all(method in READ_METHODS or method == SEND_RAW for method in methods)
        label = "batch of " + ", ".join(sorted(set(methods)))

        def attempt(number: int) -> list[RPCResponse] | RPCResponse:
            answer = self._once(lambda: super(RetryingHTTPProvider, self).make_batch_request(batch_requests))
            if isinstance(answer, dict) and "error" in answer:
                return answer
            if not isinstance(answer, list) or len(answer) != len(batch_requests):
                raise _TransientError("malformed answer (not one JSON-RPC response per request)")
            if any(not isinstance(item, dict) or ("result" not in item and "error" not in item) for item in answer):
                raise _TransientError("malformed answer (not a JSON-RPC response)")
            if number > 0 and SEND_RAW in methods:
                raws = [params[0] if method == SEND_RAW else None for method, params in batch_requests]
                return self._resent(raws, answer)
            return answer

        return self._retrying(label, retry, attempt)

    # ------------------------------------------------------------------ internals

    def _retrying(self, label: str, retry: bool, attempt: Callable[[int], _T]) -> _T:
        attempts = self.policy.attempts if retry else 1
        for number in range(attempts):
            try:
                return attempt(number)
            except _TransientError as failure:
                if number + 1 >= attempts:
                    tries = f" after {attempts} attempts" if attempts > 1 else " (not retried: not safe to repeat)"
                    error = NodeError if failure.answered else NodeUnreachableError
                    raise error(f"{label}: {failure.cause}{tries}", endpoint=str(self.endpoint_uri)) from None
                time.sleep(self.policy.delay(number, failure.retry_after))
        raise AssertionError("unreachable")

    @staticmethod
    def _once(request: Callable[[], _T]) -> _T:
        """One request, its transport failures turned into :class:`_TransientError` or :class:`NodeError`."""
        try:
            return request()
        except requests.HTTPError as exc:
            response = exc.response
            status = response.status_code if response is not None else None
            if status in _RETRY_STATUS:
                raise _TransientError(f"HTTP {status}", _retry_after(response)) from None
            raise NodeError(f"HTTP {status} from the node") from None
        except requests.Timeout:
            raise _TransientError("timed out", answered=False) from None
        except (requests.ConnectionError, ConnectionError) as exc:
            raise _TransientError(f"cannot reach the node ({type(exc).__name__})", answered=False) from None
        except (requests.RequestException, OSError) as exc:
            raise _TransientError(f"transport failure ({type(exc).__name__})", answered=False) from None
        except (ValueError, UnicodeDecodeError):
            raise _TransientError("malformed answer (not JSON)") from None

    def _plain_request(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        return super().make_request(method, params)

    def _uncached(self, method: RPCEndpoint, params: Any) -> RPCResponse:
        """One request to the node, past the request cache (HTTPProvider.make_request without its cache)."""
        raw = self._make_request(method, self.encode_rpc_request(method, params))
        return self.decode_rpc_response(raw)

    def _resent(self, raws: Sequence[str | None], answers: list[RPCResponse]) -> list[RPCResponse]:
        """Answers to resent transactions: "already known" / "nonce too low" for a transaction the node holds by
        its hash is success (an earlier attempt reached the node)."""
        fixed = list(answers)
        for position, (raw, answer) in enumerate(zip(raws, answers, strict=True)):
            error = answer.get("error")
            if raw is None or not isinstance(error, dict):
                continue
            if not any(text in str(error.get("message", "")).lower() for text in _KNOWN):
                continue
            tx_hash = "0x" + keccak(hexstr=raw).hex()
            found = self._once(partial(self._plain_request, RPCEndpoint("eth_getTransactionByHash"), [tx_hash]))
            if isinstance(found, dict) and found.get("result"):
                fixed[position] = cast(RPCResponse, {"jsonrpc": "2.0", "id": answer.get("id"), "result": tx_hash})
        return fixed


def _retry_after(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
