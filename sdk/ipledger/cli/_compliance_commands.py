"""``ipledger compliance …``: who may hold restricted shares, and what a compliance officer may do to shares."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from ipledger.models._models import TransactionResult

from .._compliance import parse_country
from .._ledger import Ledger
from ._context import Session, Target, open_ledger
from ._inputs import Evidence, amount_units, evidence
from ._options import (
    AMOUNTS_HELP,
    AccountArg,
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
from ._render import identity_line, short, tx_line, units

__all__ = ["compliance_app"]

compliance_app = typer.Typer(
    name="compliance",
    help="Verify investors, register venue wallets, block countries; freeze, force-transfer and recover shares "
    "(compliance officers; dev0 on the local chain).",
    no_args_is_help=True,
)

CountryOpt = Annotated[
    str, typer.Option("--country", metavar="CC", help="The investor's ISO 3166-1 alpha-2 country (US, DE, JP...).")
]
CountryArg = Annotated[str, typer.Argument(metavar="CC", help="ISO 3166-1 alpha-2 country code (US, DE, JP...).")]
ValidDaysOpt = Annotated[
    int | None,
    typer.Option("--valid-days", min=1, metavar="N", help="The verification lapses after N days (default 365)."),
]
ExpiresOpt = Annotated[
    dt.datetime | None,
    typer.Option(
        "--expires",
        metavar="DATE",
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
        help="Instead of --valid-days: the verification lapses at DATE (YYYY-MM-DD, UTC).",
    ),
]
VenueOpt = Annotated[str, typer.Option("--venue", metavar="NAME", help="The venue's name (its SHA-256 is recorded).")]
UnblockOpt = Annotated[bool, typer.Option("--unblock", help="Lift the block instead.")]
HolderArg = Annotated[str, typer.Argument(metavar="HOLDER", help="The holder: an address or an account name.")]
FreezeAmountOpt = Annotated[
    str | None,
    typer.Option(
        "--amount",
        metavar="AMOUNT",
        help="Freeze only this many shares (they must stay put; the rest may move). Default: all, now and later.",
    ),
]
FromArg = Annotated[str, typer.Argument(metavar="FROM", help="Whose shares move.")]
ToArg = Annotated[str, typer.Argument(metavar="TO", help="Who receives them (eligible in restricted mode).")]
AmountArg = Annotated[str, typer.Argument(metavar="AMOUNT", help="Number of shares (whole shares; see --raw).")]
LostArg = Annotated[str, typer.Argument(metavar="LOST", help="The lost wallet.")]
NewArg = Annotated[str, typer.Argument(metavar="NEW", help="The owner's new wallet (eligible in restricted mode).")]


def _session(
    network: Network,
    rpc_url: str | None,
    chain_id: int | None,
    registry: str | None,
    vault: str | None,
    account: str | None,
    out: Output,
) -> Session:
    """A session that sends transactions (a signer is required)."""
    return open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out, sends=True)


def _reason(evidence_file: str | None, reason: str | None) -> Evidence:
    return evidence(evidence_file, reason, file_option="--evidence", text_option="--reason")


def _done(out: Output, payload: dict[str, Any], sentence: str, result: TransactionResult) -> None:
    def human() -> None:
        out.line(sentence)
        out.line(tx_line(result))

    out.result({**payload, **result.model_dump(mode="json")}, human)


@compliance_app.command("verify-investor")
def verify_investor(
    member: AccountArg,
    country: CountryOpt,
    valid_days: ValidDaysOpt = None,
    expires: ExpiresOpt = None,
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
    """Record ACCOUNT as a verified investor in --country, until --expires or for --valid-days (default 365).

    The KYC evidence is recorded by its SHA-256 only: --evidence FILE, or --reason TEXT (a case reference).
    Verified investors may send and receive restricted shares until the verification lapses or the country
    is blocked.

    With --json prints {"action", "account", "country", "expires_at", "evidence_hash", "tx_hash", "block",
    "gas_used"}.
    """
    out = Output(json_)
    code = parse_country(country)
    if valid_days is not None and expires is not None:
        raise typer.BadParameter("give --valid-days or --expires, not both", param_hint="'--valid-days' / '--expires'")
    proof = _reason(evidence_file, reason)
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    ledger = session.ledger
    address = ledger.address_of(member)
    expires_at = expires.replace(tzinfo=dt.UTC) if expires is not None else None
    period = dt.timedelta(days=valid_days) if valid_days is not None else None
    with out.progress("Verifying the investor…"):
        result = ledger.compliance.verify_investor(
            address, code, evidence=proof.digest, expires_at=expires_at, valid_for=period
        )
    identity = ledger.compliance.identity(address)
    payload = {
        "action": "investor_verified",
        "account": address,
        "country": code,
        "expires_at": identity.model_dump(mode="json")["expires_at"],
        "evidence_hash": proof.hex,
    }
    until = f"{identity.expires_at:%Y-%m-%d %H:%M} UTC" if identity.expires_at else "?"
    _done(
        out,
        payload,
        f"Verified {session.names.label(address)} as an investor in {code} until {until}, on {proof.describe()}.",
        result,
    )


@compliance_app.command("add-venue")
def add_venue(
    wallet: AccountArg,
    venue: VenueOpt,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Record WALLET as a venue wallet (an exchange's omnibus or hot wallet) of the venue --venue.

    Venue wallets hold restricted shares for the investors the venue screens itself; they have no country and no
    expiry. Shares deposited there trade on the venue's own books until withdrawn to an investor's wallet.

    With --json prints {"action", "account", "venue", "venue_hash", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    if not venue.strip():
        raise typer.BadParameter("the venue name must not be empty", param_hint="'--venue'")
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    address = session.ledger.address_of(wallet)
    proof = evidence(None, venue, file_option="--evidence", text_option="--venue")
    with out.progress("Registering the venue wallet…"):
        result = session.ledger.compliance.register_venue(address, venue)
    payload = {"action": "venue_registered", "account": address, "venue": venue, "venue_hash": proof.hex}
    _done(out, payload, f"Registered {session.names.label(address)} as a venue wallet of {venue}.", result)


@compliance_app.command("revoke")
def revoke(
    member: AccountArg,
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
    """Remove ACCOUNT's identity (investor or venue): it can no longer send or receive restricted shares.

    With --json prints {"action", "account", "reason_hash", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    proof = _reason(evidence_file, reason)
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    address = session.ledger.address_of(member)
    with out.progress("Revoking…"):
        result = session.ledger.compliance.revoke_identity(address, reason=proof.digest)
    payload = {"action": "identity_revoked", "account": address, "reason_hash": proof.hex}
    _done(out, payload, f"Revoked the identity of {session.names.label(address)} under {proof.describe()}.", result)


@compliance_app.command("block-country")
def block_country(
    country: CountryArg,
    unblock: UnblockOpt = False,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Block the investors of country CC from sending or receiving restricted shares (--unblock lifts it).

    With --json prints {"action", "country", "blocked", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    code = parse_country(country)
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    with out.progress("Unblocking…" if unblock else "Blocking…"):
        result = session.ledger.compliance.block_country(code, blocked=not unblock)
    payload = {"action": "country_unblocked" if unblock else "country_blocked", "country": code, "blocked": not unblock}
    verb = "Unblocked" if unblock else "Blocked"
    _done(out, payload, f"{verb} the investors of {code}.", result)


@compliance_app.command("status")
def status(
    member: AccountArg,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show ACCOUNT's compliance identity and whether it may hold restricted shares now (exits 0 either way).

    With --json prints {"account", "kind": "none"|"investor"|"venue", "country", "expires_at", "country_blocked",
    "eligible", "reason"}.
    """
    out = Output(json_)
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out)
    identity = session.ledger.compliance.identity(member)
    out.result(model_json(identity), lambda: out.line(identity_line(identity, session.names)))


def _share_action(ledger: Ledger, token: str) -> tuple[int, int, str]:
    """The token id, and the decimals and symbol of its shares."""
    token_id = ledger.rights.resolve(token)
    info = ledger.shares.info(token_id)
    return token_id, info.decimals, info.symbol


@compliance_app.command("freeze", epilog=AMOUNTS_HELP)
def freeze(
    token: TokenArg,
    holder: HolderArg,
    amount: FreezeAmountOpt = None,
    raw: RawOpt = False,
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
    """Freeze HOLDER's shares of a right: all of them (default), or --amount that must stay put.

    With --json prints {"token_id", "token_id_dec", "action", "holder", "frozen" (base units, or "all"),
    "reason_hash", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    proof = _reason(evidence_file, reason)
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    address = ledger.address_of(holder)
    quantity = None if amount is None else amount_units(amount, decimals, raw=raw)
    with out.progress("Freezing shares…"):
        result = ledger.compliance.freeze(token_id, address, quantity, reason=proof.digest)
    payload = {
        **token_json(token_id),
        "action": "shares_frozen",
        "holder": address,
        "frozen": "all" if quantity is None else str(quantity),
        "reason_hash": proof.hex,
    }
    what = "all shares" if quantity is None else units(quantity, decimals, symbol)
    sentence = (
        f"Froze {what} of {session.names.label(address)} in token {short(hex(token_id))} under {proof.describe()}."
    )
    _done(out, payload, sentence, result)


@compliance_app.command("unfreeze")
def unfreeze(
    token: TokenArg,
    holder: HolderArg,
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
    """Lift the freeze on HOLDER's shares of a right.

    With --json prints {"token_id", "token_id_dec", "action", "holder", "reason_hash", "tx_hash", "block",
    "gas_used"}.
    """
    out = Output(json_)
    proof = _reason(evidence_file, reason)
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    address = ledger.address_of(holder)
    with out.progress("Unfreezing shares…"):
        result = ledger.compliance.unfreeze(token_id, address, reason=proof.digest)
    payload = {**token_json(token_id), "action": "shares_unfrozen", "holder": address, "reason_hash": proof.hex}
    sentence = f"Unfroze the shares of {session.names.label(address)} in token {short(hex(token_id))}."
    _done(out, payload, sentence, result)


@compliance_app.command("force-transfer", epilog=AMOUNTS_HELP)
def force_transfer(
    token: TokenArg,
    source: FromArg,
    to: ToArg,
    amount: AmountArg,
    raw: RawOpt = False,
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
    """Move AMOUNT shares from FROM to TO without the holder, under an order (frozen shares too).

    With --json prints {"token_id", "token_id_dec", "action", "from", "to", "amount", "reason_hash", "tx_hash",
    "block", "gas_used"}.
    """
    out = Output(json_)
    proof = _reason(evidence_file, reason)
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    sender, recipient = ledger.address_of(source), ledger.address_of(to)
    quantity = amount_units(amount, decimals, raw=raw)
    with out.progress("Force-transferring shares…"):
        result = ledger.compliance.force_transfer(token_id, sender, recipient, quantity, reason=proof.digest)
    payload = {
        **token_json(token_id),
        "action": "shares_force_transferred",
        "from": sender,
        "to": recipient,
        "amount": str(quantity),
        "reason_hash": proof.hex,
    }
    names = session.names
    sentence = (
        f"Force-transferred {units(quantity, decimals, symbol)} from {names.label(sender)} to "
        f"{names.label(recipient)} under {proof.describe()}."
    )
    _done(out, payload, sentence, result)


@compliance_app.command("recover")
def recover(
    token: TokenArg,
    lost: LostArg,
    new: NewArg,
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
    """Move every share of the lost wallet LOST, and its freeze, to the owner's new wallet NEW.

    With --json prints {"token_id", "token_id_dec", "action", "lost", "replacement", "amount", "reason_hash",
    "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    proof = _reason(evidence_file, reason)
    session = _session(network, rpc_url, chain_id, registry, vault, account, out)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    old, replacement = ledger.address_of(lost), ledger.address_of(new)
    moved = ledger.shares.balance(token_id, old)
    with out.progress("Recovering the wallet…"):
        result = ledger.compliance.recover(token_id, old, replacement, reason=proof.digest)
    payload = {
        **token_json(token_id),
        "action": "wallet_recovered",
        "lost": old,
        "replacement": replacement,
        "amount": str(moved),
        "reason_hash": proof.hex,
    }
    names = session.names
    sentence = (
        f"Recovered {units(moved, decimals, symbol)} from the lost wallet {names.label(old)} to "
        f"{names.label(replacement)} under {proof.describe()}."
    )
    _done(out, payload, sentence, result)


def _restriction(token: str, restricted: bool, target: Target, json_: bool) -> None:
    out = Output(json_)
    session = open_ledger(target, out)
    session.signer()
    token_id = session.ledger.rights.resolve(token)
    with out.progress("Switching restricted mode…"):
        result = session.ledger.compliance.set_restricted(token_id, restricted)
    payload = {**token_json(token_id), "action": "restricted_mode_set", "restricted": restricted}
    sentence = (
        f"The shares of token {short(hex(token_id))} now move only between eligible accounts."
        if restricted
        else f"The shares of token {short(hex(token_id))} now move freely (restricted mode off)."
    )
    _done(out, payload, sentence, result)


@compliance_app.command("restrict")
def restrict(
    token: TokenArg,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Switch a right's shares to restricted mode: only verified investors and venue wallets may move them.

    With --json prints {"token_id", "token_id_dec", "action", "restricted", "tx_hash", "block", "gas_used"}.
    """
    _restriction(token, True, Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), json_)


@compliance_app.command("unrestrict")
def unrestrict(
    token: TokenArg,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Switch restricted mode off: anyone may hold the right's shares (freezes still apply).

    With --json prints the same keys as `restrict`.
    """
    _restriction(token, False, Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), json_)
