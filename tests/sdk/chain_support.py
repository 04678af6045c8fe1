"""Helpers the SDK tests share for driving anvil directly and for deriving more rights from the ``patent`` fixture."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from ipledger import IPMetadata, Ledger
from web3.types import RPCEndpoint

Patent = tuple[IPMetadata, list[Path]]


def rpc(ledger: Ledger, method: str, *params: object) -> Any:
    """The result of a raw JSON-RPC request to the ledger's node (anvil's ``evm_*`` / ``anvil_*`` included)."""
    response = ledger.chain.w3.provider.make_request(RPCEndpoint(method), list(params))
    assert "error" not in response, response
    return response["result"]


#: US patent numbers of the rights variant() derives (the ``patent`` fixtures count from 1,000,000, the bulk rows
#: from 30,000,000 and the CLI's from 40,000,000): official numbers have a shape, a suffix is no longer a number.
_variant_numbers = itertools.count(50_000_000)
_variants: dict[tuple[str, str], str] = {}


def variant(patent: Patent, suffix: str) -> Patent:
    """Another right from the ``patent`` fixture: its documents with ``suffix`` appended and a US number of its own
    (the same one for the same number and suffix)."""
    metadata, documents = patent
    copies = []
    for document in documents:
        copy = document.with_name(f"{suffix}-{document.name}")
        copy.write_text(document.read_text() + suffix)
        copies.append(copy)
    assert metadata.number is not None
    number = _variants.setdefault((metadata.number, suffix), f"US {next(_variant_numbers):,} B2")
    return metadata.model_copy(update={"number": number}), copies


def reader_through(url: str, ledger: Ledger) -> Ledger:
    """A read-only ledger (no account: nothing to sign) of ``ledger``'s registry through the node at ``url`` (a
    lying proxy's, say), attached to the deployment's modules as an auditor does (a trusted verify proves exactly
    the contracts attached)."""
    deployment = ledger.deployment
    reader = Ledger.connect(url, registry=ledger.contracts.registry_address, vault=deployment.vault)
    reader.attach(
        licenses=deployment.licenses,
        attestations=deployment.attestations,
        disputes=deployment.disputes,
        loans=deployment.loans,
    )
    return reader
