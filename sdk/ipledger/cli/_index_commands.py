"""``index sync|status|verify|history|portfolio|book|rights|transfers``: the event index of a registry.

The index lives in ``$IPLEDGER_HOME/index/<chain_id>-<registry>.sqlite``, or where ``--index-url`` (or
``IPLEDGER_INDEX_URL``) says: another SQLite file (a path or ``sqlite:///PATH``) or a PostgreSQL database
(``postgresql://USER@HOST:PORT/DATABASE``, the index in the schema ``ipledger_<chain id>_<registry>`` unless
``?schema=NAME`` names one). ``sync`` brings it up to the chain head (resuming where it stopped and undoing
reorganizations), ``verify`` checks it against the history commitments proven at a trusted block, the other commands
read only the index.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ipledger import (
    EventIndex,
    IndexCheck,
    IndexStatus,
    InvalidInputError,
    Ledger,
    LoanBook,
    Portfolio,
    ProofError,
    RightList,
    RightStatus,
    SourcedHistory,
    SyncProgress,
    SyncResult,
    TransferList,
    parse_when,
)

from ._chain_options import CommandTyper
from ._context import Session, open_ledger
from ._options import AccountArg, JurisdictionOpt, KindOpt, TokenArg
from ._output import Output, output, prints
from ._render import history_table, kind_label, pledge_text, right_heading, short, units

__all__ = ["index_app", "open_local_index"]

index_app = CommandTyper(
    help="The index of the registry's, the share vault's and the share tokens' events (SQLite, or PostgreSQL with "
    "--index-url): sync it, then query history, portfolios, lenders' books of loans, rights and transfers without "
    "the node.",
    no_args_is_help=True,
)

#: The variable that names the index's location when ``--index-url`` is not given.
INDEX_URL_VARIABLE = "IPLEDGER_INDEX_URL"
_INDEX_URL_OPTION = "--index-url"

IndexUrlOpt = Annotated[
    str | None,
    typer.Option(
        _INDEX_URL_OPTION,
        metavar="URL",
        envvar=INDEX_URL_VARIABLE,
        show_envvar=True,
        help="Where the index lives: an SQLite file (a path or sqlite:///PATH) or a PostgreSQL database "
        "(postgresql://USER@HOST:PORT/DATABASE; the schema ipledger_CHAINID_REGISTRY, or ?schema=NAME). "
        "Default: $IPLEDGER_HOME/index/CHAINID-REGISTRY.sqlite.",
    ),
]
ToBlockOpt = Annotated[
    int | None, typer.Option("--to-block", metavar="N", min=0, help="Sync up to block N instead of the chain head.")
]
ChunkOpt = Annotated[int, typer.Option("--chunk", metavar="BLOCKS", min=1, help="Blocks per eth_getLogs chunk.")]
AtOpt = Annotated[
    str | None, typer.Option("--at", metavar="DATE", help="As of this date (YYYY-MM-DD: its end, UTC) or ISO datetime.")
]
BlockOpt = Annotated[int | None, typer.Option("--block", metavar="N", min=0, help="As of block N.")]
StatusOpt = Annotated[RightStatus | None, typer.Option("--status", help="Only rights with this status.")]
FromDateOpt = Annotated[
    str, typer.Option("--from", metavar="DATE", help="First day (YYYY-MM-DD, UTC) or ISO datetime, inclusive.")
]
ToDateOpt = Annotated[
    str, typer.Option("--to", metavar="DATE", help="Last day (YYYY-MM-DD, UTC) or ISO datetime, inclusive.")
]


def _when(text: str, option: str) -> dt.date | dt.datetime:
    """:func:`~ipledger.parse_when` of an option's value, refused as that option's bad parameter."""
    try:
        return parse_when(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def _open(out: Output, index_url: str | None) -> tuple[Session, EventIndex]:
    if index_url is not None:
        EventIndex.check_url(index_url, option=_INDEX_URL_OPTION)  # refused before the node is asked
    session = open_ledger(out)
    return session, EventIndex.for_ledger(session.ledger, url=index_url)


def open_local_index(ledger: Ledger, out: Output, url: str | None = None) -> EventIndex | None:
    """The registry's index if one exists (none is created), else ``None``: at ``url`` (default: the variable
    ``IPLEDGER_INDEX_URL``), or the file in ``$IPLEDGER_HOME/index``; see :meth:`EventIndex.existing`. An index that
    cannot be read is passed over with a note.
    """
    url = url or os.environ.get(INDEX_URL_VARIABLE) or None
    try:
        return EventIndex.existing(ledger, url=url, option=INDEX_URL_VARIABLE)
    except InvalidInputError as exc:
        out.note(f"Not using the index: {exc}")
        return None


def _warn_if_behind(session: Session, index: EventIndex, out: Output) -> None:
    head = session.ledger.chain.head()
    if index.cursor < head:
        out.note(f"The index is {head - index.cursor} block(s) behind the chain head; run `ipledger index sync`.")


@prints(SyncResult)
def sync(to_block: ToBlockOpt = None, chunk: ChunkOpt = 2000, index_url: IndexUrlOpt = None) -> None:
    """Bring the index up to the chain head (or --to-block): resumes after the last synced block and undoes
    reorganizations first. Progress goes to stderr.
    """
    out = output()
    session, index = _open(out, index_url)
    shown = [0.0]

    def report(progress: SyncProgress) -> None:
        now = time.monotonic()
        if now - shown[0] >= 1 or progress.cursor == progress.target:
            shown[0] = now
            out.note(f"Indexed up to block {progress.cursor} of {progress.target} ({progress.logs_added} logs added)")

    with index:
        result = index.sync(session.ledger, to_block=to_block, chunk=chunk, progress=report)

    def human() -> None:
        for rollback in result.rollbacks:
            out.line(
                f"Reorganization: rolled back to block {rollback.fork_block} (cursor was {rollback.previous_cursor}, "
                f"{rollback.removed_logs} logs removed)."
            )
        out.line(
            f"Index synced to block {result.to_block}: {result.logs_added} logs added in {result.chunks} chunk(s), "
            f"{result.share_tokens} share token(s) followed."
        )

    out.result(result, human)


@prints(IndexStatus)
def status(index_url: IndexUrlOpt = None) -> None:
    """Show where the index lives, the last synced block against the chain head, and what it holds."""
    out = output()
    session, index = _open(out, index_url)
    with index:
        state = index.status(head=session.ledger.chain.head())

    def human() -> None:
        freshness = "up to date" if state.fresh else f"{(state.head or 0) - state.cursor} block(s) behind"
        out.line(f"Index {state.path}")
        out.line(
            f"Synced to block {state.cursor} (head {state.head}, {freshness}): {state.logs} logs, {state.rights} "
            f"registrations, {state.share_tokens} share token(s), {state.rollbacks} rollback(s)."
        )

    out.result(state, human)


IndexTrustOpt = Annotated[
    list[str],
    typer.Option(
        "--trust-block-hash",
        metavar="HASH",
        help="A block hash you trust (from another node or an explorer); repeat for several. The index is checked as "
        "of the latest.",
    ),
]
OptionalTokenArg = Annotated[
    str | None,
    typer.Argument(metavar="[TOKEN]", help="Check only this right (token id or official number); default: all."),
]


@prints(IndexCheck)
def verify(trust_block_hash: IndexTrustOpt, token: OptionalTokenArg = None, index_url: IndexUrlOpt = None) -> None:
    """Check the index against the chain without trusting the node: for every right it holds (or TOKEN), its events
    must hash to the history commitments proven (eth_getProof) at the trusted block. Exit 0 when they all do, 1 when
    the index differs (the first differing event of each right is named), 2 when the node's proofs do not verify.
    """
    out = output()
    session, index = _open(out, index_url)
    with index, out.progress("Verifying the index…"):
        try:
            result = session.ledger.audit.verify_index(index, trust_block_hash, token_id=token)
        except ProofError as exc:
            out.note(Text(f"could not verify: {exc}", style="red"))
            raise typer.Exit(2) from None

    def human() -> None:
        if result.ok:
            out.line(
                f"Index VERIFIED as of block {result.checked_at_block}: {result.events} event(s) of {result.rights} "
                "right(s) hash to the proven history commitments."
            )
            return
        out.line(
            Text.assemble(
                ("Index DIFFERS", "bold red"),
                f" from the chain as of block {result.checked_at_block} for {len(result.differences)} of "
                f"{result.rights} right(s):",
            )
        )
        for difference in result.differences:
            out.line(f"  {difference}")

    out.result(IndexCheck(**dict(result)), human)
    if not result.ok:
        raise typer.Exit(1)


@prints(SourcedHistory)
def history(token: TokenArg, index_url: IndexUrlOpt = None) -> None:
    """A right's history from the index (as `ipledger history` prints it from the node)."""
    out = output()
    session, index = _open(out, index_url)
    token_id = session.ledger.rights.resolve(token)
    with index:
        _warn_if_behind(session, index, out)
        timeline = index.history(token_id)
        cursor, behind = index.cursor, max(session.ledger.chain.head() - index.cursor, 0)

    def human() -> None:
        count = len(timeline.events)
        out.line(f"History of {right_heading(timeline)}: {count} event{'s' * (count != 1)}, oldest first.")
        out.print(history_table(timeline.events, session.names, width=out.out.width))

    out.result(SourcedHistory(**dict(timeline), source="index", index_block=cursor, index_behind=behind), human)


@prints(Portfolio)
def portfolio(owner: AccountArg, at: AtOpt = None, block: BlockOpt = None, index_url: IndexUrlOpt = None) -> None:
    """The rights and share balances an account held, now (the last synced block), at a date or at a block."""
    if at is not None and block is not None:
        raise typer.BadParameter("give --at or --block, not both", param_hint="'--at'")
    out = output()
    session, index = _open(out, index_url)
    with index:
        _warn_if_behind(session, index, out)
        at_block = index.block_at(_when(at, "'--at'")) if at is not None else block
        held = index.portfolio(session.ledger.address_of(owner), at_block=at_block)
        named = {record.token_id: record for record in index.rights()} if held.rights or held.shares else {}

    def human() -> None:
        pledges = f", {len(held.pledges)} live pledge(s)" if held.pledges else ""
        out.line(
            f"{session.names.label(held.owner)} at block {held.block}: {len(held.rights)} right(s), "
            f"{len(held.shares)} share position(s){pledges}."
        )

        def number(token: int) -> str:
            record = named.get(token)
            return (record.primary_number or "") if record else ""

        def title(token: int) -> str:
            record = named.get(token)
            return (record.title or "") if record else ""

        if held.rights:
            table = Table()
            table.add_column("Number", no_wrap=True)
            table.add_column("Title", no_wrap=True, overflow="ellipsis", ratio=1, min_width=8)
            table.add_column("Since block", justify="right", no_wrap=True)
            table.add_column("Token", no_wrap=True)
            table.add_column("Pledged", no_wrap=True)
            for right in held.rights:
                token = int(right.token_id_hex, 16)
                table.add_row(
                    number(token),
                    title(token),
                    str(right.since_block),
                    short(right.token_id_hex),
                    "yes" if right.pledged else "",
                )
            out.print(table)
        if held.shares:
            shares = Table()
            shares.add_column("Right", no_wrap=True)
            shares.add_column("Title", no_wrap=True, overflow="ellipsis", ratio=1, min_width=8)
            shares.add_column("Balance", justify="right", no_wrap=True)
            shares.add_column("Share token", no_wrap=True)
            shares.add_column("Pledged", justify="right", no_wrap=True)
            for position in held.shares:
                token = int(position.token_id_hex, 16)
                shares.add_row(
                    number(token) or short(position.token_id_hex),
                    title(token),
                    units(position.balance, position.decimals, position.symbol),
                    session.names.label(position.share_token),
                    units(position.pledged, position.decimals) if position.pledged else "",
                )
            out.print(shares)
        for pledge in held.pledges:
            out.line(f"  {number(pledge.token_id) or short(pledge.token_id_hex)}: {pledge_text(pledge, session.names)}")

    out.result(held, human)


@prints(LoanBook)
def book(lender: AccountArg, at: AtOpt = None, block: BlockOpt = None, index_url: IndexUrlOpt = None) -> None:
    """A lender's book of loans, now (the last synced block), at a date or at a block: each loan as it stood then."""
    if at is not None and block is not None:
        raise typer.BadParameter("give --at or --block, not both", param_hint="'--at'")
    out = output()
    session, index = _open(out, index_url)
    with index:
        _warn_if_behind(session, index, out)
        at_block = index.block_at(_when(at, "'--at'")) if at is not None else block
        loans = index.book(session.ledger.address_of(lender), at_block=at_block)
        named = {record.token_id: record for record in index.rights()} if loans.loans else {}

    def human() -> None:
        out.line(
            f"{session.names.label(loans.lender)} at block {loans.block}: {len(loans.loans)} loan(s), "
            f"{len(loans.live)} live."
        )
        if not loans.loans:
            return
        table = Table()
        table.add_column("Loan", justify="right", no_wrap=True)
        table.add_column("Right", no_wrap=True)
        table.add_column("Borrower", no_wrap=True)
        table.add_column("Principal", justify="right", no_wrap=True)
        table.add_column("State", no_wrap=True)
        for loan in loans.loans:
            record = named.get(loan.token_id)
            right = (record.primary_number if record else None) or short(loan.token_id_hex)
            table.add_row(
                str(loan.loan_id), right, session.names.brief(loan.borrower), f"{loan.principal:,}", loan.state
            )
        out.print(table)
        # The pledge of each loan in a sentence of its own (a table column would fold it in a narrow terminal).
        for loan in loans.loans:
            out.line(f"Loan {loan.loan_id}: {pledge_text(loan, session.names)}")

    out.result(loans, human)


@prints(RightList)
def rights(
    kind: KindOpt = None,
    jurisdiction: JurisdictionOpt = None,
    status_: StatusOpt = None,
    index_url: IndexUrlOpt = None,
) -> None:
    """The rights in the index (as of the last synced block), filtered by kind, jurisdiction and status."""
    out = output()
    session, index = _open(out, index_url)
    with index:
        _warn_if_behind(session, index, out)
        found = index.rights(kind=kind, jurisdiction=jurisdiction, status=status_)

    def human() -> None:
        out.line(f"{len(found)} right(s).")
        table = Table()
        table.add_column("Number", no_wrap=True)
        table.add_column("Title", no_wrap=True, overflow="ellipsis", ratio=1, min_width=8)
        table.add_column("Status", no_wrap=True)
        table.add_column("Owner", no_wrap=True)
        table.add_column("Token", no_wrap=True)
        for record in found:
            table.add_row(
                record.primary_number or kind_label(record.kind),
                record.title or "",
                record.status.value + (", pledged" if record.pledged else ""),
                session.names.label(record.owner),
                short(record.token_id_hex),
            )
        out.print(table)

    out.result(RightList(rights=found), human)


@prints(TransferList)
def transfers(from_: FromDateOpt, to: ToDateOpt, index_url: IndexUrlOpt = None) -> None:
    """Every move of a right (registrations included) between two dates, in chain order."""
    start, end = _when(from_, "'--from'"), _when(to, "'--to'")
    out = output()
    session, index = _open(out, index_url)
    with index:
        _warn_if_behind(session, index, out)
        try:
            moves = index.transfers(start, end)
        except (OverflowError, OSError):
            raise InvalidInputError("the dates are out of range") from None

    def human() -> None:
        out.line(f"{len(moves)} transfer(s).")
        table = Table("Time (UTC)", "Token", "From", "To", "Block")
        for move in moves:
            table.add_row(
                move.timestamp.strftime("%Y-%m-%d %H:%M:%S"),
                short(move.token_id_hex),
                session.names.label(move.from_),
                session.names.label(move.to),
                str(move.block),
            )
        out.print(table)

    out.result(TransferList(transfers=moves), human)


index_app.command("sync")(sync)
index_app.command("status")(status)
index_app.command("verify")(verify)
index_app.command("history")(history)
index_app.command("portfolio")(portfolio)
index_app.command("book")(book)
index_app.command("rights")(rights)
index_app.command("transfers")(transfers)
