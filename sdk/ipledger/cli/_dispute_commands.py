"""``ipledger dispute …``: anyone disputes a right with evidence and a bond; an arbitrator upholds the dispute (the
right is flagged, and may be frozen, force-transferred or revoked) or dismisses it."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.text import Text

from ipledger.models._models import TokenInfo
from ipledger.models._rights_models import Dispute, DisputeOutcome, Remedy

from .._ledger import Ledger
from ._context import Target, open_ledger
from ._inputs import amount_units, evidence
from ._options import (
    AMOUNTS_HELP,
    ChainIdOpt,
    EvidenceOpt,
    FromOpt,
    JsonOpt,
    Network,
    NetworkOpt,
    RawOpt,
    RegistryOpt,
    RpcUrlOpt,
    ShareReasonOpt,
    TokenArg,
    VaultOpt,
)
from ._output import Output, model_json, token_json
from ._render import disputes_table, short, tx_line, units

__all__ = ["dispute_app", "dispute_payload"]

dispute_app = typer.Typer(
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
    str | None,
    typer.Option("--to", metavar="ACCOUNT", help="With --remedy force-transfer: who receives the right."),
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


class _Bonds:
    """Bond tokens' decimals and symbols, looked up once per address."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._known: dict[str, TokenInfo] = {}

    def info(self, token: str | None) -> TokenInfo | None:
        if token is None:
            return None
        if token not in self._known:
            self._known[token] = self._ledger.payments.token_info(token)
        return self._known[token]

    def text(self, token: str | None, amount: int) -> str:
        """``100 tUSD``, or ``none`` for no bond."""
        info = self.info(token)
        if info is None or not amount:
            return "none"
        return units(amount, info.decimals, info.symbol)


def dispute_payload(dispute: Dispute) -> dict[str, Any]:
    """A dispute for JSON (token id as 0x hex and decimal, the bond in base units as a decimal string)."""
    return model_json(dispute)


@dispute_app.command("raise")
def raise_dispute(
    token: TokenArg,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Dispute the right as --from, on --evidence FILE (prior art, a competing title) or --reason TEXT, posting the
    configured bond (approved first when needed; see `dispute settings`).

    While the dispute is open the right is marked disputed, and, if the dispute manager locks transfers, it
    cannot move (RightDisputed). An arbitrator resolves it with `ipledger dispute resolve`.

    With --json prints the dispute: {"dispute_id", "token_id", "token_id_dec", "claimant", "evidence_hash",
    "bond_token", "bond", "raised_at", "resolved_at", "outcome", "remedy", "locked_transfers",
    "forfeit_on_dismissal", "arbitrator", "ruling_hash", "tx_hash", "block", "gas_used", "approval"}.
    """
    out = Output(json_)
    proof = evidence(evidence_file, reason, file_option="--evidence", text_option="--reason")
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out, sends=True)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    with out.progress("Raising the dispute…"):
        raised = ledger.disputes.open(token_id, evidence=proof.digest)
    dispute = ledger.disputes.get(raised.dispute_id)
    approval = raised.approval.model_dump(mode="json") if raised.approval else None
    tx = raised.model_dump(mode="json", include={"tx_hash", "block", "gas_used"})
    payload = {**dispute_payload(dispute), **tx, "approval": approval}

    def human() -> None:
        names = session.names
        bond = _Bonds(ledger).text(dispute.bond_token, dispute.bond)
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

    out.result(payload, human)


@dispute_app.command("resolve")
def resolve(
    dispute_id: DisputeIdArg,
    upheld: UpheldOpt = False,
    dismissed: DismissedOpt = False,
    remedy: RemedyOpt = None,
    to: RecipientOpt = None,
    ruling: RulingOpt = None,
    reason: RulingReasonOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Resolve an open dispute as an arbitrator (--from): --upheld or --dismissed, on --ruling FILE or --reason TEXT.

    Upheld: the right is flagged (`verify` fails its disputes check), the bond returns to the claimant, and
    --remedy may freeze the right, force-transfer it --to an account, or revoke it. Dismissed: the bond goes to
    the right's owner or back to the claimant, as `dispute settings` says; a forfeited bond is credited through the
    royalty vault when the dispute manager has one (the owner collects it with `royalty claim --as-owner`, the
    share holders of a fractionalized right with `royalty claim TOKEN`).

    With --json prints {"action": "dispute_resolved", "dispute_id", "token_id", "token_id_dec", "outcome",
    "remedy", "recipient", "ruling_hash", "bond_token", "bond", "bond_recipient", "bond_credited" (true when the
    royalty vault credited it), "arbitrator", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
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
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out, sends=True)
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
    payload = {
        "action": "dispute_resolved",
        "dispute_id": dispute_id,
        **token_json(after.token_id),
        "outcome": after.outcome.value,
        "remedy": after.remedy.value,
        "recipient": recipient,
        "ruling_hash": proof.hex,
        "bond_token": before.bond_token,
        "bond": str(before.bond),
        "bond_recipient": bond_recipient,
        "bond_credited": credited,
        "arbitrator": after.arbitrator,
        **result.model_dump(mode="json"),
    }

    def human() -> None:
        names = session.names
        bond = _Bonds(ledger).text(before.bond_token, before.bond)
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

    out.result(payload, human)


@dispute_app.command("list")
def list_disputes(
    token: TokenArg,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List every dispute ever raised about the right, oldest first, with its bond and ruling.

    With --json prints {"token_id", "token_id_dec", "open", "upheld", "disputes": [{"dispute_id", "claimant",
    "evidence_hash", "bond_token", "bond", "raised_at", "resolved_at", "outcome", "remedy", "locked_transfers",
    "forfeit_on_dismissal", "arbitrator", "ruling_hash", ...}]}.
    """
    out = Output(json_)
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    with out.progress("Reading the disputes…"):
        disputes = ledger.disputes.of(token_id)
    open_ = [item.dispute_id for item in disputes if item.outcome is DisputeOutcome.OPEN]
    upheld = [item.dispute_id for item in disputes if item.outcome is DisputeOutcome.UPHELD]
    payload = {
        **token_json(token_id),
        "open": len(open_),
        "upheld": len(upheld),
        "disputes": [dispute_payload(item) for item in disputes],
    }

    def human() -> None:
        if not disputes:
            out.line(f"Token {short(hex(token_id))} has never been disputed.")
            return
        flag = "; the right is flagged (a dispute was upheld)" if upheld else ""
        out.line(f"Token {short(hex(token_id))} has {len(disputes)} dispute(s), {len(open_)} open{flag}.")
        bonds = _Bonds(ledger)
        texts = {item.dispute_id: bonds.text(item.bond_token, item.bond) for item in disputes}
        out.print(disputes_table(disputes, session.names, texts))

    out.result(payload, human)


@dispute_app.command("settings", epilog=AMOUNTS_HELP)
def settings(
    bond: BondOpt = None,
    bond_token: BondTokenOpt = None,
    forfeit: ForfeitOpt = None,
    lock: LockOpt = None,
    raw: RawOpt = False,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show the dispute manager's settings: the bond, what happens to it on dismissal, whether open disputes block
    transfers. With options, change them (--from must be its admin); disputes already raised keep theirs.

    With --json prints {"bond_token", "bond_symbol", "bond_decimals", "bond", "forfeit_on_dismissal",
    "lock_transfers", "changed"} and, when changed, "tx_hash", "block", "gas_used".
    """
    out = Output(json_)
    changes = bond is not None or bond_token is not None or forfeit is not None or lock is not None
    session = open_ledger(
        Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out, sends=changes
    )
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
    payload: dict[str, Any] = {
        "bond_token": token,
        "bond_symbol": info.symbol if info else None,
        "bond_decimals": info.decimals if info else None,
        "bond": str(amount),
        "forfeit_on_dismissal": forfeits,
        "lock_transfers": locks,
        "changed": result is not None,
        **(result.model_dump(mode="json") if result is not None else {}),
    }

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

    out.result(payload, human)
