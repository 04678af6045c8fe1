"""Helpers the SDK tests share for driving anvil directly and for deriving more rights from the ``patent`` fixture."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipledger import IPMetadata, Ledger
from web3.types import RPCEndpoint

Patent = tuple[IPMetadata, list[Path]]


def rpc(ledger: Ledger, method: str, *params: object) -> Any:
    """The result of a raw JSON-RPC request to the ledger's node (anvil's ``evm_*`` / ``anvil_*`` included)."""
    response = ledger.w3.provider.make_request(RPCEndpoint(method), list(params))
    assert "error" not in response, response
    return response["result"]


def variant(patent: Patent, suffix: str) -> Patent:
    """Another right from the ``patent`` fixture: its number and documents with ``suffix`` appended."""
    metadata, documents = patent
    copies = []
    for document in documents:
        copy = document.with_name(f"{suffix}-{document.name}")
        copy.write_text(document.read_text() + suffix)
        copies.append(copy)
    assert metadata.number is not None
    return metadata.model_copy(update={"number": metadata.number + suffix}), copies
