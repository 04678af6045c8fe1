"""A right's public record: publish a new one (a grant, a new expiry, an assignee), open confidential fields."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._context import Target, open_ledger
from ._inputs import build_metadata
from ._options import ChainIdOpt, FromOpt, JsonOpt, Network, NetworkOpt, RegistryOpt, RpcUrlOpt, TokenArg
from ._output import Output, token_json
from ._render import short, tx_line

__all__ = ["publish_metadata"]

RecordFileOpt = Annotated[
    Path,
    typer.Option(
        "--metadata",
        metavar="FILE",
        help="The right's metadata (JSON or YAML) as it stands now; its confidential fields stay sealed.",
    ),
]
OpenOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--open",
        metavar="FIELD",
        help="Publish this confidential field in clear with its salt (kept in $IPLEDGER_HOME/salts); repeatable.",
    ),
]


def publish_metadata(
    token: TokenArg,
    metadata: RecordFileOpt,
    open_: OpenOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Publish a right's new public record (a grant date, a new expiry, an assignee's name) as its owner or a
    registrar; --open publishes confidential fields in clear, checkable against their earlier commitments.

    With --json prints {"token_id", "token_id_dec", "metadata_hash", "opened", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    right = build_metadata(metadata)
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id), out, sends=True)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    with out.progress("Publishing the record…"):
        result = ledger.rights.publish_metadata(token_id, right, open_fields=open_ or ())
    record = ledger.get(token_id)
    payload = {
        **token_json(token_id),
        "metadata_hash": record.metadata_hash,
        "opened": list(open_ or []),
        "tx_hash": result.tx_hash,
        "block": result.block,
        "gas_used": result.gas_used,
    }

    def human() -> None:
        opened = f"; opened {', '.join(open_)}" if open_ else ""
        out.line(f"Published the public record of token {short(hex(token_id))} ({record.metadata_hash}){opened}.")
        out.line(tx_line(result))

    out.result(payload, human)
