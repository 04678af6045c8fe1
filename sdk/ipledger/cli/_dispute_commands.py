"""``ipledger dispute …``: anyone disputes a right with evidence and a bond; an arbitrator upholds the dispute (the
right is flagged, and may be frozen, force-transferred or revoked) or dismisses it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    DisputeList,
    DisputeOpened,
    DisputeOutcome,
    DisputeResolution,
    DisputeSettings,
    DisputeSettingsChanged,
    Remedy,
)

from ._chain_options import CommandTyper
from ._context import open_ledger, open_on_evidence
from ._inputs import amount_units, evidence
from ._options import AMOUNTS_HELP, EvidenceOpt, RawOpt, ShareReasonOpt, TokenArg
from ._output import mined, output, prints
from ._render import TokenInfos, disputes_table, short, tx_line, units

__all__ = ["dispute_app"]

dispute_app = CommandTyper(
    name="dispute",
    help="Dispute a right (anyone, with evidence and a bond); arbitrators uphold or dismiss; list a right's disputes; "
    "read or set the bond and the rules.",
    no_args_is_help=True,
)


class RemedyChoice(StrEnum):
    """What an upheld ruling does to the right besides flagging it."""

    FREEZE = "freeze"
    FORCE_TRANSFER = "force-transfer"
    REVOKE = "revoke"

    @property
    def sdk(self) -> Remedy:
        return Remedy(self.value.replace("-", "_"))


DisputeIdArg = Annotated[
    int, typer.Argument(metavar="DISPUTE_ID", min=1, help="The dispute's id (see `dispute list`).")
]
UpheldOpt = Annotated[bool, typer.Option("--upheld", help="Uphold the dispute: the right is flagged.")]
DismissedOpt = Annotated[bool, typer.Option("--dismissed", help="Dismiss the dispute.")]
RemedyOpt = Annotated[
    RemedyChoice | None,
    typer.Option(
        "--remedy",
        metavar="REMEDY",
        case_sensitive=False,
        help="With --upheld: also freeze the right, force-transfer it (--to), or revoke it (burn). Default: none.",
    ),
]
RecipientOpt = Annotated[
    str | None, typer.Option("--to", metavar="ACCOUNT", help="With --remedy force-transfer: who receives the right.")
]
RulingOpt = Annotated[
    str | None,
    typer.Option(
        "--ruling",
        metavar="FILE",
        help="The ruling: a file whose SHA-256 is recorded, or a 0x-prefixed SHA-256.",
        rich_help_panel="Evidence",
    ),
]
RulingReasonOpt = Annotated[
    str | None,
    typer.Option(
        "--reason",
        metavar="TEXT",
        help="Instead of --ruling: the ruling's reference or reason as text; its SHA-256 is recorded.",
        rich_help_panel="Evidence",
    ),
]
BondOpt = Annotated[
    str | None,
    typer.Option("--bond", metavar="AMOUNT", help="The bond a claimant posts, in whole bond tokens (see --raw)."),
]
BondTokenOpt = Annotated[
    str | None,
    typer.Option("--bond-token", metavar="ADDRESS", help="The ERC-20 bonds are posted in (default: unchanged)."),
]
ForfeitOpt = Annotated[
    bool | None,
    typer.Option(
        "--forfeit/--refund",
        help="On dismissal the bond goes to the right's owner (--forfeit) or back to the claimant (--refund).",
        show_default=False,
    ),
]
LockOpt = Annotated[
    bool | None,
    typer.Option(
        "--lock/--no-lock",
        help="Whether an open dispute blocks the right's transfers until it is resolved.",
        show_default=False,
    ),
]


def _bond(tokens: TokenInfos, token: str | None, amount: int) -> str:
    """``100 tUSD``, or ``none`` for no bond."""
    return "none" if token is None or not amount else tokens.text(token, amount)


@dispute_app.command("raise")
@prints(DisputeOpened)
def raise_dispute(token: TokenArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None) -> None:
    """Dispute the right as --from, on --evidence FILE (prior art, a competing title) or --reason TEXT, posting the
    configured bond (approved first when needed; see `dispute settings`).

    While the dispute is open the right is marked disputed, and, if the dispute manager locks transfers, it
    cannot move (RightDisputed). An arbitrator resolves it with `ipledger dispute resolve`.
    """
    out, proof, session = open_on_evidence(evidence_file, reason)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    with out.progress("Raising the dispute…"):
        raised = ledger.disputes.open(token_id, evidence=proof.digest)
    dispute = ledger.disputes.get(raised.dispute_id)
    opened = DisputeOpened(**dict(dispute), **mined(raised), approval=raised.approval)

    def human() -> None:
        names = session.names
        bond = _bond(TokenInfos(ledger), dispute.bond_token, dispute.bond)
        lock = (
            "the right cannot move until it is resolved"
            if dispute.locked_transfers
            else "the right stays transferable meanwhile"
        )
        out.line(
            f"{names.label(dispute.claimant)} raised dispute {dispute.dispute_id} about token "
            f"{short(hex(token_id))} on {proof.describe()}, posting a bond of {bond}; {lock}."
        )
        if raised.approval is not None:
            out.line(Text.assemble("  approval ", tx_line(raised.approval)))
        out.line(tx_line(raised))
        out.note(
            f"An arbitrator resolves it with: ipledger dispute resolve {dispute.dispute_id} --upheld|--dismissed "
            "--reason TEXT"
        )

    out.result(opened, human)


@dispute_app.command("resolve")
@prints(DisputeResolution)
def resolve(
    dispute_id: DisputeIdArg,
    upheld: UpheldOpt = False,
    dismissed: DismissedOpt = False,
    remedy: RemedyOpt = None,
    to: RecipientOpt = None,
    ruling: RulingOpt = None,
    reason: RulingReasonOpt = None,
) -> None:
    """Resolve an open dispute as an arbitrator (--from): --upheld or --dismissed, on --ruling FILE or --reason TEXT.

    Upheld: the right is flagged (`verify` fails its disputes check), the bond returns to the claimant, and
    --remedy may freeze the right, force-transfer it --to an account, or revoke it. Dismissed: the bond goes to
    the right's owner or back to the claimant, as `dispute settings` says; a forfeited bond is credited through the
    royalty vault when the dispute manager has one (the owner collects it with `royalty claim --as-owner`, the
    share holders of a fractionalized right with `royalty claim TOKEN`).
    """
    out = output()
    if upheld == dismissed:
        raise typer.BadParameter(
            "give exactly one of --upheld and --dismissed", param_hint="'--upheld' / '--dismissed'"
        )
    if dismissed and (remedy is not None or to is not None):
        raise typer.BadParameter("a dismissed dispute takes no --remedy nor --to", param_hint="'--remedy'")
    if (remedy is RemedyChoice.FORCE_TRANSFER) != (to is not None):
        raise typer.BadParameter(
            "--remedy force-transfer needs --to ACCOUNT, and only it takes one", param_hint="'--to'"
        )
    proof = evidence(ruling, reason, file_option="--ruling", text_option="--reason")
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    before = ledger.disputes.get(dispute_id)
    recipient = ledger.address_of(to) if to is not None else None
    chosen = remedy.sdk if remedy is not None else Remedy.NONE
    with out.progress("Resolving the dispute…"):
        result = ledger.disputes.resolve(
            dispute_id, upheld=upheld, ruling=proof.digest, remedy=chosen, recipient=recipient
        )
    after = ledger.disputes.get(dispute_id)
    events = [event for event in ledger.history(after.token_id).events if event.tx_hash == result.tx_hash]
    resolved = [event for event in events if event.kind == "dispute_resolved"]
    bond_recipient = resolved[0].to if resolved else None
    credited = any(event.kind == "right_credited" for event in events)
    resolution = DisputeResolution(
        action="dispute_resolved",
        dispute_id=dispute_id,
        token_id=after.token_id,
        outcome=after.outcome,
        remedy=after.remedy,
        recipient=recipient,
        ruling_hash=proof.hex,
        bond_token=before.bond_token,
        bond=before.bond,
        bond_recipient=bond_recipient,
        bond_credited=credited,
        arbitrator=after.arbitrator,
        **dict(result),
    )

    def human() -> None:
        names = session.names
        bond = _bond(TokenInfos(ledger), before.bond_token, before.bond)
        if after.outcome is DisputeOutcome.UPHELD:
            effect = "the right is flagged"
            if after.remedy is Remedy.FREEZE:
                effect += " and frozen"
            elif after.remedy is Remedy.FORCE_TRANSFER:
                effect += f" and force-transferred to {names.label(recipient)}"
            elif after.remedy is Remedy.REVOKE:
                effect += " and revoked (burned)"
            verb = "Upheld"
        else:
            effect, verb = "the right is clear of it", "Dismissed"
        how = "was credited through the royalty vault to" if credited else "went to"
        money = f"; the bond of {bond} {how} {names.label(bond_recipient)}" if bond != "none" and bond_recipient else ""
        out.line(
            f"{verb} dispute {dispute_id} about token {short(after.token_id_hex)} under {proof.describe()}: "
            f"{effect}{money}."
        )
        out.line(tx_line(result))

    out.result(resolution, human)


@dispute_app.command("list")
@prints(DisputeList)
def list_disputes(token: TokenArg) -> None:
    """List every dispute ever raised about the right, oldest first, with its bond and ruling."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    with out.progress("Reading the disputes…"):
        disputes = ledger.disputes.of(token_id)
    open_ = [item.dispute_id for item in disputes if item.outcome is DisputeOutcome.OPEN]
    upheld = [item.dispute_id for item in disputes if item.outcome is DisputeOutcome.UPHELD]
    listing = DisputeList(token_id=token_id, open=len(open_), upheld=len(upheld), disputes=disputes)

    def human() -> None:
        if not disputes:
            out.line(f"Token {short(hex(token_id))} has never been disputed.")
            return
        flag = "; the right is flagged (a dispute was upheld)" if upheld else ""
        out.line(f"Token {short(hex(token_id))} has {len(disputes)} dispute(s), {len(open_)} open{flag}.")
        tokens = TokenInfos(ledger)
        texts = {item.dispute_id: _bond(tokens, item.bond_token, item.bond) for item in disputes}
        out.print(disputes_table(disputes, session.names, texts))

    out.result(listing, human)


@dispute_app.command("settings", epilog=AMOUNTS_HELP)
@prints(DisputeSettings | DisputeSettingsChanged)
def settings(
    bond: BondOpt = None,
    bond_token: BondTokenOpt = None,
    forfeit: ForfeitOpt = None,
    lock: LockOpt = None,
    raw: RawOpt = False,
) -> None:
    """Show the dispute manager's settings: the bond, what happens to it on dismissal, whether open disputes block
    transfers. With options, change them (--from must be its admin); disputes already raised keep theirs.
    """
    out = output()
    changes = bond is not None or bond_token is not None or forfeit is not None or lock is not None
    session = open_ledger(out, sends=changes)
    ledger = session.ledger
    current_token, current_bond, current_forfeit, current_lock = ledger.disputes.settings()
    result = None
    if changes:
        new_token = ledger.address_of(bond_token) if bond_token is not None else current_token
        info = ledger.payments.token_info(new_token) if new_token is not None else None
        if bond is None:
            new_bond = current_bond
        elif info is None:
            raise typer.BadParameter("a bond needs a bond token: pass --bond-token ADDRESS", param_hint="'--bond'")
        else:
            new_bond = amount_units(bond, info.decimals, raw=raw, what="bond")
        with out.progress("Changing the dispute settings…"):
            result = ledger.disputes.set_settings(
                bond_token=new_token,
                bond_amount=new_bond,
                forfeit_on_dismissal=current_forfeit if forfeit is None else forfeit,
                lock_transfers=current_lock if lock is None else lock,
            )
    token, amount, forfeits, locks = ledger.disputes.settings()
    info = ledger.payments.token_info(token) if token is not None else None
    current = DisputeSettings(
        bond_token=token,
        bond_symbol=info.symbol if info else None,
        bond_decimals=info.decimals if info else None,
        bond=amount,
        forfeit_on_dismissal=forfeits,
        lock_transfers=locks,
        changed=result is not None,
    )
    if result is not None:
        current = DisputeSettingsChanged(**dict(current), **dict(result))

    def human() -> None:
        bond_text = units(amount, info.decimals, info.symbol) if info is not None and amount else "none"
        dismissal = "goes to the right's owner" if forfeits else "returns to the claimant"
        blocking = "blocks the right's transfers" if locks else "leaves the right transferable"
        prefix = "Dispute settings now" if result is not None else "Dispute settings"
        out.line(
            f"{prefix}: a claimant posts a bond of {bond_text}; on dismissal it {dismissal}; an open dispute "
            f"{blocking}."
        )
        if result is not None:
            out.line(tx_line(result))

    out.result(current, human)
