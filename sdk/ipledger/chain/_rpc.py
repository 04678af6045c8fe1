"""Raw JSON-RPC over the web3 provider, with failures mapped to :class:`NodeError`: no answer is a
:class:`NodeUnreachableError`, an error answer a :class:`JsonRpcError` saying what the node answered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import requests
from web3 import Web3
from web3.exceptions import Web3RPCError
from web3.types import RPCEndpoint

from ipledger._exceptions import JsonRpcError, NodeError, NodeUnreachableError

__all__ = ["ANSWERED_METHOD", "Rpc", "RpcResponseError", "json_rpc_error"]

#: The key under which :class:`~ipledger.chain._retry.RetryingHTTPProvider` adds to an error answer the method it
#: answers (web3 keeps the answer in ``Web3RPCError.rpc_response`` but not the request), so the error can name it.
ANSWERED_METHOD = "ipledgerAnswered"
#: The error answer of a raw request (the name the SDK's modules know it by).
RpcResponseError = JsonRpcError


def json_rpc_error(exc: Web3RPCError, *, action: str, endpoint: str | None, method: str | None = None) -> JsonRpcError:
    """The error answer web3 raised, as a :class:`JsonRpcError` naming the method (``method``, else the one the
    provider noted), the code and the message."""
    response = exc.rpc_response if isinstance(exc.rpc_response, dict) else {}
    error = response.get("error")
    if not isinstance(error, dict):
        return JsonRpcError(method, None, str(exc), endpoint=endpoint, action=action)
    data = error.get("data")
    if isinstance(data, dict):
        data = data.get("data")
    noted = response.get(ANSWERED_METHOD)
    return JsonRpcError(
        method or (noted if isinstance(noted, str) else None),
        error.get("code") if isinstance(error.get("code"), int) else None,
        str(error.get("message", error)),
        endpoint=endpoint,
        data=data if isinstance(data, str) and data.startswith("0x") else None,
        action=action,
    )


class Rpc:
    """Sends raw requests and batches; results come back as plain JSON values."""

    def __init__(self, w3: Web3, endpoint: str) -> None:
        self._provider = w3.provider
        self.endpoint = endpoint

    def call(self, method: str, params: Sequence[Any], *, fresh: bool = False) -> Any:
        """The result of one request; with ``fresh``, the node's own answer even for a request the provider caches
        (``eth_chainId``)."""
        make_request = getattr(self._provider, "fresh_request", None) if fresh else None
        try:
            response = (make_request or self._provider.make_request)(RPCEndpoint(method), list(params))
        except NodeError:
            raise
        except (requests.RequestException, OSError) as exc:
            raise NodeUnreachableError(
                f"{method}: cannot reach the node: {type(exc).__name__}", endpoint=self.endpoint
            ) from None
        except ValueError as exc:
            raise NodeError(f"{method}: malformed answer: {exc}", endpoint=self.endpoint) from None
        return self._result(method, cast(dict[str, Any], response))

    def batch(self, requests_: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """The results of a JSON-RPC batch, in request order; the first error answer raises."""
        results = self.batch_settled(requests_)
        for result in results:
            if isinstance(result, RpcResponseError):
                raise result
        return results

    def batch_settled(self, requests_: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """The answers of a JSON-RPC batch, in request order: each a result, or the :class:`RpcResponseError` the
        node answered for that request (a node that is unreachable or answers garbage raises :class:`NodeError`)."""
        if not requests_:
            return []
        make_batch = getattr(self._provider, "make_batch_request", None)
        if make_batch is None:
            return [self._settled(method, params) for method, params in requests_]
        try:
            responses = make_batch([(RPCEndpoint(method), list(params)) for method, params in requests_])
        except NodeError:
            raise
        except (requests.RequestException, OSError) as exc:
            raise NodeUnreachableError(
                f"batch: cannot reach the node: {type(exc).__name__}", endpoint=self.endpoint
            ) from None
        except ValueError as exc:
            raise NodeError(f"batch: malformed answer: {exc}", endpoint=self.endpoint) from None
        if not isinstance(responses, list) or len(responses) != len(requests_):
            raise NodeError("batch: the node did not answer every request", endpoint=self.endpoint)
        by_id = sorted(responses, key=lambda item: int(item.get("id", 0)) if isinstance(item, dict) else 0)
        return [self._answer(method, response) for (method, _), response in zip(requests_, by_id, strict=True)]

    def _settled(self, method: str, params: Sequence[Any]) -> Any:
        try:
            return self.call(method, params)
        except RpcResponseError as error:
            return error

    def _answer(self, method: str, response: dict[str, Any]) -> Any:
        try:
            return self._result(method, response)
        except RpcResponseError as error:
            return error

    def _result(self, method: str, response: dict[str, Any]) -> Any:
        if not isinstance(response, dict):
            raise NodeError(f"{method}: malformed answer", endpoint=self.endpoint)
        error = response.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
            data = error.get("data") if isinstance(error, dict) else None
            if isinstance(data, dict):
                data = data.get("data")
            hex_data = data if isinstance(data, str) and data.startswith("0x") else None
            raise RpcResponseError(method, code, message, endpoint=self.endpoint, data=hex_data)
        if "result" not in response:
            raise NodeError(f"{method}: answer without a result", endpoint=self.endpoint)
        return response["result"]
