"""Contract calldata from a function signature, with eth-abi directly (web3's ``encode_abi`` costs about 2 ms a
call, which counts when thousands of calls go out in JSON-RPC batches)."""

from __future__ import annotations

import functools
from typing import Any

from eth_abi.abi import encode
from web3 import Web3

__all__ = ["encode_call", "eth_calls"]


@functools.cache
def _selector(signature: str) -> bytes:
    return bytes(Web3.keccak(text=signature))[:4]


def encode_call(signature: str, *args: Any) -> str:
    """``signature``'s selector and its ABI-encoded ``args``, as 0x hex."""
    types = signature[signature.index("(") + 1 : -1]
    return "0x" + (_selector(signature) + encode(_split_types(types), list(args))).hex()


def eth_calls(to: str, signature: str, argument_lists: Any, block: str) -> list[tuple[str, list[Any]]]:
    """One ``eth_call`` request to ``to`` per argument tuple, at ``block`` (a tag or 0x number), for a batch."""
    return [("eth_call", [{"to": to, "data": encode_call(signature, *args)}, block]) for args in argument_lists]


def _split_types(types: str) -> list[str]:
    """The top-level types of a comma-separated list (tuples kept whole)."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(types):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(types[start:position])
            start = position + 1
    parts.append(types[start:])
    return [part for part in parts if part]
