"""The explorer's questions, each answered with the SDK model the CLI prints for it (``--json``): the REST API
returns these, the pages render them. Reads go to the index (one right's rows for a right, the indexed queries for
cap tables, portfolios and books); the network is asked only for what the index does not hold (a share token's
compliance state, a trusted verification). A public server says which database holds its index, not where."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ipledger import (
    CapTable,
    History,
    IPLedgerError,
    LoanBook,
    NotFoundError,
    Portfolio,
    RightKind,
    RightList,
    RightRecord,
    RightStatus,
    SourcedHistory,
    VerificationReport,
)
from ipledger.web._explorer import Explorer, IndexNotReadyError
from ipledger.web._inputs import BadParameterError
from ipledger.web._models import ExplorerStatus, SearchResults, ShareTokenView

#: A share token's page asks the chain for the compliance identity of its first holders by balance only.
IDENTITIES_SHOWN = 50

__all__ = [
    "IDENTITIES_SHOWN",
    "RightsPage",
    "cap_table",
    "history",
    "lender_book",
    "portfolio",
    "proof_bundle",
    "right",
    "rights",
    "search_rights",
    "share_token",
    "status",
    "verify",
]


def status(explorer: Explorer) -> ExplorerStatus:
    state = explorer.sync_state()
    try:
        index = explorer.index().status(head=state.head)
    except (IPLedgerError, IndexNotReadyError):  # a file never synced yet
        index = None
    if index is not None:  # the database's kind, not its file path nor its server and user
        index = index.model_copy(update={"path": explorer.database})
    return ExplorerStatus(index=index, sync=state, verification=explorer.ledger is not None)


def search_rights(explorer: Explorer, query: str, limit: int) -> SearchResults:
    text = query.strip()
    if not text:
        raise BadParameterError("q", query, "a number, a title (3 characters or more), an address or a token id")
    return SearchResults(query=text, hits=explorer.index().search(text, limit=limit))


@dataclass(frozen=True)
class RightsPage:
    """One page of the list of rights: ``rights`` from ``offset``; ``next_offset`` is ``None`` on the last page."""

    rights: RightList
    offset: int
    next_offset: int | None


def rights(
    explorer: Explorer,
    *,
    kind: RightKind | None,
    jurisdiction: str | None,
    status_: RightStatus | None,
    at_block: int | None,
    limit: int,
    offset: int,
) -> RightsPage:
    """A page of the rights: only the records up to it are built (one more tells whether a next page exists)."""
    found = explorer.index().rights(
        kind=kind, jurisdiction=jurisdiction, status=status_, at_block=at_block, limit=limit + 1, offset=offset
    )
    shown = found[:limit]
    return RightsPage(
        rights=RightList(rights=shown),
        offset=offset,
        next_offset=offset + limit if len(found) > limit else None,
    )


def right(explorer: Explorer, token: int, at_block: int | None = None) -> RightRecord:
    return explorer.index().right(token, at_block=at_block)


def history(explorer: Explorer, token: int) -> SourcedHistory:
    index = explorer.index()
    found: History = index.history(token)
    cursor, head = index.cursor, explorer.head()
    return SourcedHistory(
        **dict(found), source="index", index_block=cursor, index_behind=None if head is None else max(head - cursor, 0)
    )


def cap_table(explorer: Explorer, token: int, at_block: int | None) -> CapTable:
    return explorer.index().cap_table(token, at_block=at_block)


def portfolio(explorer: Explorer, owner: str, at_block: int | None) -> Portfolio:
    return explorer.index().portfolio(owner, at_block=at_block)


def lender_book(explorer: Explorer, lender: str, at_block: int | None) -> LoanBook:
    return explorer.index().book(lender, at_block=at_block)


def share_token(explorer: Explorer, address: str, at_block: int | None) -> ShareTokenView:
    """The share token at ``address``: its holders from the index, and from the chain (when the server has a
    network) the token, its rules, its holders' identities and its pools."""
    hits = [hit for hit in explorer.index().search(address, limit=5) if hit.matched == "share_token"]
    if not hits:
        raise NotFoundError(f"{address} is not a share token of this registry in the index")
    token = int(hits[0].token_id)
    table = cap_table(explorer, token, at_block)
    if table.share_token.lower() != address.lower():
        raise NotFoundError(f"{address} no longer held the shares of right {hex(token)} at block {table.block}")
    view = ShareTokenView(share_token=table.share_token, token_id=token, token_id_hex=hex(token), cap_table=table)
    ledger = explorer.ledger
    if ledger is None:
        return view
    found: dict[str, object] = {}
    unavailable: list[str] = []
    for name, read in (
        ("info", lambda: ledger.shares.info(token)),
        ("rules", lambda: ledger.compliance.rules(token)),
        ("identities", lambda: [ledger.compliance.identity(account) for account in _first_holders(table)]),
        ("pools", lambda: ledger.compliance.pools(token)),
    ):
        try:
            found[name] = read()
        except IPLedgerError as exc:
            unavailable.append(f"{name}: {explorer.reason(exc)}")
    return view.model_copy(update={**found, "unavailable": unavailable})


def _first_holders(table: CapTable) -> list[str]:
    """The accounts of the :data:`IDENTITIES_SHOWN` largest holders (the chain is asked once for each), in the cap
    table's order."""
    largest = sorted(table.holders, key=lambda holding: -int(holding.balance))[:IDENTITIES_SHOWN]
    chosen = {holding.account for holding in largest}
    return [holding.account for holding in table.holders if holding.account in chosen]


def _known_checkpoint(explorer: Explorer, checkpoint: str) -> None:
    ledger = explorer.require_ledger()
    if ledger.chain.rpc.call("eth_getBlockByHash", [checkpoint, False]) is None:
        raise BadParameterError(
            "checkpoint",
            checkpoint,
            f"the hash of a block of chain {ledger.chain_id} that this server's node knows",
            status=404,
        )


def _verification(explorer: Explorer, token: int, checkpoint: str) -> tuple[VerificationReport, bytes]:
    """The trusted verification of the right against ``checkpoint`` and its proof bundle, from one run (kept by the
    explorer, so a right's page and its bundle link share it; a few run at once)."""

    def run() -> tuple[VerificationReport, bytes]:
        _known_checkpoint(explorer, checkpoint)
        ledger = explorer.require_ledger()
        with tempfile.TemporaryDirectory(prefix="ipledger-bundle-") as folder:
            path = Path(folder) / "bundle.json"
            report = ledger.audit.verify(token, trust_block_hash=checkpoint, bundle=path, index=explorer.index())
            return report, path.read_bytes()

    explorer.require_ledger()
    return explorer.verifications.run((token, checkpoint), run)


def verify(explorer: Explorer, token: int, checkpoint: str) -> VerificationReport:
    """The trusted verification of the right against ``checkpoint``, run by the server (``ledger.audit.verify``
    with the checkpoint as its trusted block hash): the user trusts the server's word for it."""
    return _verification(explorer, token, checkpoint)[0]


def proof_bundle(explorer: Explorer, token: int, checkpoint: str) -> tuple[str, bytes]:
    """The proof bundle of the right's trusted verification against ``checkpoint`` (file name, JSON bytes): the
    user re-checks it offline with ``ipledger verify --bundle FILE --trust-block-hash CHECKPOINT``, trusting only the
    checkpoint."""
    report, content = _verification(explorer, token, checkpoint)
    return bundle_name(token, report.checked_at_block), content


def bundle_name(token: int, block: int) -> str:
    return f"proof-bundle-{hex(token)}-{block}.json"
