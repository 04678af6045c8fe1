"""A right's public record: publish a new one (a grant, a new expiry, an assignee), open confidential fields."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ipledger import RecordPublished

from ._context import open_ledger
from ._inputs import build_metadata
from ._options import TokenArg
from ._output import mined, output, prints
from ._render import short

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


@prints(RecordPublished)
def publish_metadata(token: TokenArg, metadata: RecordFileOpt, open_: OpenOpt = None) -> None:
    """Publish a right's new public record (a grant date, a new expiry, an assignee's name) as its owner or a
    registrar; --open publishes confidential fields in clear, checkable against their earlier commitments.
    """
    out = output()
    right = build_metadata(metadata)
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    with out.progress("Publishing the record…"):
        result = ledger.rights.publish_metadata(token_id, right, open_fields=open_ or ())
    record = ledger.get(token_id)
    published = RecordPublished(
        token_id=token_id,
        metadata_hash=record.metadata_hash,
        opened=list(open_ or []),
        **mined(result),
    )
    opened = f"; opened {', '.join(open_)}" if open_ else ""
    sentence = f"Published the public record of token {short(hex(token_id))} ({record.metadata_hash}){opened}."
    out.act(published, sentence, result)
