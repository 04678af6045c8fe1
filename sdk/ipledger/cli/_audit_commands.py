"""Commands that read: show, history and verify (the provenance report)."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    DEFAULT_MAX_INDEX_LAG,
    BundleVerification,
    Checkpoint,
    IPMetadata,
    NodeError,
    RightRecord,
    RightStatus,
    SourcedHistory,
    VerificationReport,
    verify_bundle,
)

from ._context import open_ledger
from ._index_commands import open_local_index
from ._inputs import build_metadata, read_checkpoints, require_documents
from ._options import DocsOpt, TokenArg
from ._output import Output, output, prints
from ._render import (
    Names,
    cap_table_table,
    checks_table,
    history_table,
    kind_label,
    record_details,
    right_heading,
    short,
)

__all__ = ["history", "load_expected_metadata", "print_report", "show", "verify"]

VerifyMetadataOpt = Annotated[
    Path | None,
    typer.Option(
        "--metadata",
        metavar="FILE",
        help="The metadata file registered (JSON or YAML); checked against the public record on chain (its "
        "confidential fields sealed with the salts kept here).",
    ),
]


@prints(RightRecord)
def show(token: TokenArg) -> None:
    """Show a right, found by its token id or any of its official numbers: its public record (title, numbers, parties,
    dates, documents), owner, status (a revoked right: when, by whom, under which order), registrar and hashes.
    """
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    record = session.ledger.get(token_id)

    def human() -> None:
        named = f"{record.title} ({record.primary_number})" if record.title else record.primary_number
        holder = "last held by" if record.status is RightStatus.REVOKED else "owned by"
        out.line(
            f"{named or 'Token'}: token {short(record.token_id_hex)}, a {kind_label(record.kind)} in "
            f"{record.jurisdiction}, {record.status.value}, {holder} {session.names.label(record.owner)}."
        )
        out.line(record_details(record, session.names))

    out.result(record, human)


CheckpointBlockOpt = Annotated[
    int | None,
    typer.Option(
        "--block", metavar="N", min=0, help="Block N's hash instead of the latest block's.", show_default=False
    ),
]


@prints(Checkpoint)
def checkpoint(block: CheckpointBlockOpt = None) -> None:
    """Print the hash of the latest block (or block N) as this node reports it: a checkpoint for `verify
    --trust-block-hash` and `index verify`. Only the hash goes to stdout (`HASH=$(ipledger checkpoint)`).

    A checkpoint is only as good as its source: take it from a node or block explorer other than the one you verify
    against (`--rpc-url`), or from a record you keep.
    """
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    answer = ledger.chain.w3.eth.get_block("latest" if block is None else block)
    point = Checkpoint(
        hash="0x" + bytes(answer["hash"] or b"").hex(),
        block=int(answer["number"] or 0),
        timestamp=dt.datetime.fromtimestamp(int(answer["timestamp"]), dt.UTC).isoformat(),
        chain_id=ledger.chain_id,
        rpc_url=ledger.chain.rpc_url,
    )

    def human() -> None:
        out.line(point.hash)
        out.note(f"Block {point.block} ({point.timestamp}) of chain {point.chain_id}, from {point.rpc_url}.")

    out.result(point, human)


NoIndexOpt = Annotated[
    bool,
    typer.Option("--no-index", help="Read the node even when the local index (`ipledger index sync`) could answer."),
]
MaxIndexLagOpt = Annotated[
    int,
    typer.Option(
        "--max-index-lag",
        envvar="IPLEDGER_MAX_INDEX_LAG",
        metavar="BLOCKS",
        min=0,
        help="How many blocks behind the chain head the local index may be and still answer; it syncs the gap "
        "first. 0: only an index synced exactly to the head answers.",
    ),
]


@prints(SourcedHistory)
def history(
    token: TokenArg, no_index: NoIndexOpt = False, max_index_lag: MaxIndexLagOpt = DEFAULT_MAX_INDEX_LAG
) -> None:
    """List everything that happened to a right, oldest first: registration, assignments, freezes, transfers,
    fractionalization into shares and redemption.

    The history comes from the local index of the registry (`ipledger index sync`) when one exists, is at most
    --max-index-lag blocks behind the chain head (it syncs those blocks first), its latest block is still the
    node's and it follows the same share vault; otherwise, or with --no-index, from the node. The events are in
    chain order.
    """
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    with contextlib.ExitStack() as stack:
        index = None if no_index else open_local_index(ledger, out)
        if index is not None:
            stack.callback(index.close)
        with out.progress("Reading the registry's logs…"):
            timeline = ledger.audit.sourced_history(token_id, index=index, max_index_lag=max_index_lag)
        if index is not None and timeline.source == "node":
            reason = ledger.audit.index_refusal(index, max_index_lag=max_index_lag)
            out.note(f"History read from the node, not the local index: {reason or 'it changed meanwhile'}.")
        if timeline.index_behind:
            out.note(
                f"History read from the local index {timeline.index_behind} block(s) behind the chain head: it could "
                "not be synced now (a read-only file, or another sync holds it)."
            )

    def human() -> None:
        count = len(timeline.events)
        origin = (
            f"from the local index (synced to block {timeline.index_block})"
            if timeline.source == "index"
            else "from the node"
        )
        out.line(f"History of {right_heading(timeline)}: {count} event{'s' * (count != 1)}, oldest first, {origin}.")
        out.print(history_table(timeline.events, session.names, width=out.out.width))

    out.result(timeline, human)


def load_expected_metadata(path: Path | None) -> IPMetadata | None:
    """The metadata file to check; its document list and sealed fields may be left to the record on chain."""
    return None if path is None else build_metadata(path)


def print_report(out: Output, report: VerificationReport, names: Names | None = None) -> None:
    """The verdict in one line, the checks, and what an auditor must notice."""
    failed = [check.name for check in report.checks if not check.ok]
    if report.verdict == "verified":
        verdict = Text.assemble(("VERIFIED", "bold green"), f": all {len(report.checks)} checks pass")
    elif report.verdict == "inconclusive":
        verdict = Text.assemble(
            ("COULD NOT VERIFY", "bold yellow"), f": {', '.join(failed)} (the node's answers could not be proven)"
        )
    else:
        verdict = Text.assemble(("FAILED", "bold red"), f": {', '.join(failed)} did not pass")
    out.line(Text.assemble(f"Token {short(report.token_id_hex)}: ", verdict, f" (block {report.checked_at_block})."))
    out.print(checks_table(report))
    if report.notices:
        out.print(Text("Notices (facts to weigh even when every check passes):", style="bold"))
        for notice in report.notices:
            out.line(Text(f"  • {notice}"))
    if report.shares is not None and names is not None:
        out.print(cap_table_table(report.shares, names, title=f"Shares ({report.shares.symbol}), largest first"))


TrustBlockHashOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--trust-block-hash",
        metavar="HASH",
        help="Verify against this trusted block hash with storage proofs, trusting nothing the node says; repeat "
        "for several checkpoints (the right is verified as of the latest).",
        show_default=False,
    ),
]
CheckpointsOpt = Annotated[
    Path | None,
    typer.Option(
        "--checkpoints",
        metavar="FILE",
        exists=True,
        dir_okay=False,
        help="Trusted block hashes, one per line ('#' starts a comment), as with --trust-block-hash.",
    ),
]


BundleOpt = Annotated[
    Path | None,
    typer.Option(
        "--bundle",
        metavar="FILE",
        dir_okay=False,
        help="With TOKEN and --trust-block-hash: write every answer the proofs rest on to FILE. Without TOKEN: "
        "re-check FILE offline (no node) against --trust-block-hash.",
        show_default=False,
    ),
]
OptionalTokenArg = Annotated[
    str | None,
    typer.Argument(
        metavar="[TOKEN]",
        help='The right: its token id or any of its official numbers ("ZL 2020 1 0123456.2"); omit it to re-check '
        "a --bundle offline.",
        show_default=False,
    ),
]


@prints(VerificationReport | BundleVerification)
def verify(
    token: OptionalTokenArg = None,
    docs: DocsOpt = None,
    metadata: VerifyMetadataOpt = None,
    trust_block_hash: TrustBlockHashOpt = None,
    checkpoints: CheckpointsOpt = None,
    bundle: BundleOpt = None,
) -> None:
    """Check a right's provenance; exit 0 only when every check passes (exit 1 when one fails, exit 2 when what the
    node said could not be proven against the trusted block hashes).

    With --trust-block-hash HASH (a block hash you trust, from another node or an explorer; repeat it, or list
    hashes in a --checkpoints FILE, for several) nothing the node says is taken on trust: the right is verified
    as of the latest checkpoint, its owner and every flag of its record are proven against that checkpoint's state
    root (eth_getProof), and its events against the history commitment proven there. When the node's answers cannot
    be proven the verdict is "inconclusive" (COULD NOT VERIFY, exit 2) and the report has no record. Checkpoints
    whose proven histories are not one chain's are an error.

    Checks that the registry runs the code ipledger ships, the registration is unique, the chain of custody is
    unbroken up to the current owner, and the right is not frozen; with --doc, that your documents hash to
    the registered content hash; with --metadata, that your metadata hashes to the registered URI.
    Notices list what an auditor must weigh anyway (self-declared claim, freezes, forced transfers, expiry,
    fractionalization). A right held by the share vault is in custody, not lost: the `shares` check names its
    share token and the report lists its holders (the vault is found on its own; --vault names it).

    With --json, "shares" is the cap table (or null) as `shares cap-table` prints it, and "record" is null when the
    node's answers could not be proven.

    With --bundle FILE the trusted verify also writes its proof bundle; `ipledger verify --bundle FILE
    --trust-block-hash HASH` (no TOKEN) re-checks a bundle offline, with no node: exit 0 when every proof holds,
    2 when one does not. A node without eth_getProof, or without the checkpoint's state, is exit 2 too.
    """
    out = output()
    trusted = [*(trust_block_hash or []), *(read_checkpoints(checkpoints) if checkpoints is not None else [])]
    if token is None:
        _recheck_bundle(out, bundle, trusted)
        return
    if bundle is not None and not trusted:
        raise typer.BadParameter("a proof bundle needs --trust-block-hash", param_hint="--bundle")
    documents = require_documents(docs) if docs else None
    expected = load_expected_metadata(metadata)
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    # A local index names a fractionalized right's holders without a scan of the chain; it is not trusted (every
    # balance is proven against the checkpoint).
    index = open_local_index(session.ledger, out) if trusted else None
    try:
        with out.progress("Verifying…"):
            report = session.ledger.verify(
                token_id,
                documents=documents,
                metadata=expected,
                trust_block_hash=trusted or None,
                bundle=bundle,
                index=index,
            )
    except NodeError as exc:
        if not trusted:
            raise
        out.note(Text(f"error: could not verify: {exc}", style="yellow"))
        raise typer.Exit(2) from None
    finally:
        if index is not None:
            index.close()
    if bundle is not None:
        out.note(
            f"Proof bundle written to {bundle}: re-check it with `ipledger verify --bundle {bundle} "
            "--trust-block-hash HASH`."
        )
    out.result(report, lambda: print_report(out, report, session.names))
    if report.verdict != "verified":
        failed = ", ".join(check.name for check in report.checks if not check.ok)
        if report.verdict == "inconclusive":
            out.note(Text(f"COULD NOT VERIFY: {failed}", style="yellow"))
            raise typer.Exit(2)
        out.note(Text(f"verification failed: {failed}", style="red"))
        raise typer.Exit(1)


def _recheck_bundle(out: Output, bundle: Path | None, trusted: list[str]) -> None:
    """``verify --bundle FILE --trust-block-hash HASH`` without TOKEN: the bundle's proofs, re-checked offline."""
    if bundle is None:
        raise typer.BadParameter("give TOKEN, or --bundle FILE to re-check a proof bundle offline", param_hint="TOKEN")
    if not trusted:
        raise typer.BadParameter("re-checking a bundle needs --trust-block-hash", param_hint="--trust-block-hash")
    if not bundle.is_file():
        raise typer.BadParameter(f"{bundle} is not a file", param_hint="--bundle")
    try:
        result = verify_bundle(bundle, trusted)
    except NodeError as exc:
        out.note(Text(f"error: could not verify: {exc}", style="yellow"))
        raise typer.Exit(2) from None

    def human() -> None:
        if result.verdict == "verified":
            verdict = Text.assemble(("VERIFIED", "bold green"), f" offline: {result.events} event(s) proven")
        else:
            failed = ", ".join(check.name for check in result.checks if not check.ok)
            verdict = Text.assemble(("COULD NOT VERIFY", "bold yellow"), f": {failed}")
        out.line(
            Text.assemble(
                f"Bundle {bundle} for token {short(result.token_id_hex)}: ",
                verdict,
                f" (block {result.checked_at_block}).",
            )
        )
        for check in result.checks:
            out.line(f"  {'ok ' if check.ok else 'NO '} {check.name}: {check.detail}")
        named = ", ".join(f"{role} {address}" for role, address in result.modules.items()) or "none"
        out.line(f"Proven beside the registry: {named} (the verdict covers these contracts and nothing else).")

    out.result(result, human)
    if result.verdict != "verified":
        raise typer.Exit(2)
