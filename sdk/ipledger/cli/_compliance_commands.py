"""``ipledger compliance …``: who may hold restricted shares, and what a compliance officer may do to shares."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from ipledger import (
    CountryBlock,
    Identity,
    IdentityRevoked,
    InvestorVerified,
    Ledger,
    RestrictedModeSet,
    SharesForceTransferred,
    SharesFrozen,
    SharesUnfrozen,
    VenueRegistered,
    WalletRecovered,
    parse_country,
)

from ._chain_options import CommandTyper
from ._context import open_ledger, open_on_evidence
from ._inputs import amount_units
from ._options import AMOUNTS_HELP, AccountArg, EvidenceOpt, RawOpt, ShareReasonOpt, TokenArg
from ._output import output, prints
from ._render import identity_line, short, units

__all__ = ["compliance_app"]

compliance_app = CommandTyper(
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


@compliance_app.command("verify-investor")
@prints(InvestorVerified)
def verify_investor(
    member: AccountArg,
    country: CountryOpt,
    valid_days: ValidDaysOpt = None,
    expires: ExpiresOpt = None,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
) -> None:
    """Record ACCOUNT as a verified investor in --country, until --expires or for --valid-days (default 365).

    The KYC evidence is recorded by its SHA-256 only: --evidence FILE, or --reason TEXT (a case reference).
    Verified investors may send and receive restricted shares until the verification lapses or the country
    is blocked.
    """
    code = parse_country(country)
    if valid_days is not None and expires is not None:
        raise typer.BadParameter("give --valid-days or --expires, not both", param_hint="'--valid-days' / '--expires'")
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    address = ledger.address_of(member)
    expires_at = expires.replace(tzinfo=dt.UTC) if expires is not None else None
    period = dt.timedelta(days=valid_days) if valid_days is not None else None
    with out.progress("Verifying the investor…"):
        result = ledger.compliance.verify_investor(
            address, code, evidence=proof.digest, expires_at=expires_at, valid_for=period
        )
    identity = ledger.compliance.identity(address)
    verified = InvestorVerified(
        action="investor_verified",
        account=address,
        country=code,
        expires_at=identity.expires_at,
        evidence_hash=proof.hex,
        **dict(result),
    )
    until = f"{identity.expires_at:%Y-%m-%d %H:%M} UTC" if identity.expires_at else "?"
    sentence = f"Verified {session.names.label(address)} as an investor in {code} until {until}, on {proof.describe()}."
    out.act(verified, sentence, result)


@compliance_app.command("add-venue")
@prints(VenueRegistered)
def add_venue(wallet: AccountArg, venue: VenueOpt) -> None:
    """Record WALLET as a venue wallet (an exchange's omnibus or hot wallet) of the venue --venue.

    Venue wallets hold restricted shares for the investors the venue screens itself; they have no country and no
    expiry. Shares deposited there trade on the venue's own books until withdrawn to an investor's wallet.
    """
    if not venue.strip():
        raise typer.BadParameter("the venue name must not be empty", param_hint="'--venue'")
    out, proof, session = open_on_evidence(None, venue)
    address = session.ledger.address_of(wallet)
    with out.progress("Registering the venue wallet…"):
        result = session.ledger.compliance.register_venue(address, venue)
    registered = VenueRegistered(
        action="venue_registered", account=address, venue=venue, venue_hash=proof.hex, **dict(result)
    )
    out.act(registered, f"Registered {session.names.label(address)} as a venue wallet of {venue}.", result)


@compliance_app.command("revoke")
@prints(IdentityRevoked)
def revoke(member: AccountArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None) -> None:
    """Remove ACCOUNT's identity (investor or venue): it can no longer send or receive restricted shares."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    address = session.ledger.address_of(member)
    with out.progress("Revoking…"):
        result = session.ledger.compliance.revoke_identity(address, reason=proof.digest)
    revoked = IdentityRevoked(action="identity_revoked", account=address, reason_hash=proof.hex, **dict(result))
    out.act(revoked, f"Revoked the identity of {session.names.label(address)} under {proof.describe()}.", result)


@compliance_app.command("block-country")
@prints(CountryBlock)
def block_country(country: CountryArg, unblock: UnblockOpt = False) -> None:
    """Block the investors of country CC from sending or receiving restricted shares (--unblock lifts it)."""
    out = output()
    code = parse_country(country)
    session = open_ledger(out, sends=True)
    with out.progress("Unblocking…" if unblock else "Blocking…"):
        result = session.ledger.compliance.block_country(code, blocked=not unblock)
    block = CountryBlock(
        action="country_unblocked" if unblock else "country_blocked", country=code, blocked=not unblock, **dict(result)
    )
    out.act(block, f"{'Unblocked' if unblock else 'Blocked'} the investors of {code}.", result)


@compliance_app.command("status")
@prints(Identity)
def status(member: AccountArg) -> None:
    """Show ACCOUNT's compliance identity and whether it may hold restricted shares now (exits 0 either way)."""
    out = output()
    session = open_ledger(out)
    identity = session.ledger.compliance.identity(member)
    out.result(identity, lambda: out.line(identity_line(identity, session.names)))


def _share_action(ledger: Ledger, token: str) -> tuple[int, int, str]:
    """The token id, and the decimals and symbol of its shares."""
    token_id = ledger.rights.resolve(token)
    info = ledger.shares.info(token_id)
    return token_id, info.decimals, info.symbol


@compliance_app.command("freeze", epilog=AMOUNTS_HELP)
@prints(SharesFrozen)
def freeze(
    token: TokenArg,
    holder: HolderArg,
    amount: FreezeAmountOpt = None,
    raw: RawOpt = False,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
) -> None:
    """Freeze HOLDER's shares of a right: all of them (default), or --amount that must stay put."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    address = ledger.address_of(holder)
    quantity = None if amount is None else amount_units(amount, decimals, raw=raw)
    with out.progress("Freezing shares…"):
        result = ledger.compliance.freeze(token_id, address, quantity, reason=proof.digest)
    frozen = SharesFrozen(
        token_id=token_id,
        action="shares_frozen",
        holder=address,
        frozen="all" if quantity is None else str(quantity),
        reason_hash=proof.hex,
        **dict(result),
    )
    what = "all shares" if quantity is None else units(quantity, decimals, symbol)
    sentence = (
        f"Froze {what} of {session.names.label(address)} in token {short(hex(token_id))} under {proof.describe()}."
    )
    out.act(frozen, sentence, result)


@compliance_app.command("unfreeze")
@prints(SharesUnfrozen)
def unfreeze(
    token: TokenArg, holder: HolderArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None
) -> None:
    """Lift the freeze on HOLDER's shares of a right."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    address = ledger.address_of(holder)
    with out.progress("Unfreezing shares…"):
        result = ledger.compliance.unfreeze(token_id, address, reason=proof.digest)
    unfrozen = SharesUnfrozen(
        token_id=token_id, action="shares_unfrozen", holder=address, reason_hash=proof.hex, **dict(result)
    )
    sentence = f"Unfroze the shares of {session.names.label(address)} in token {short(hex(token_id))}."
    out.act(unfrozen, sentence, result)


@compliance_app.command("force-transfer", epilog=AMOUNTS_HELP)
@prints(SharesForceTransferred)
def force_transfer(
    token: TokenArg,
    source: FromArg,
    to: ToArg,
    amount: AmountArg,
    raw: RawOpt = False,
    evidence_file: EvidenceOpt = None,
    reason: ShareReasonOpt = None,
) -> None:
    """Move AMOUNT shares from FROM to TO without the holder, under an order (frozen shares too)."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    sender, recipient = ledger.address_of(source), ledger.address_of(to)
    quantity = amount_units(amount, decimals, raw=raw)
    with out.progress("Force-transferring shares…"):
        result = ledger.compliance.force_transfer(token_id, sender, recipient, quantity, reason=proof.digest)
    moved = SharesForceTransferred(
        token_id=token_id,
        action="shares_force_transferred",
        from_=sender,
        to=recipient,
        amount=quantity,
        reason_hash=proof.hex,
        **dict(result),
    )
    names = session.names
    what = f"{units(quantity, decimals, symbol)} from {names.label(sender)}"
    out.act(moved, f"Force-transferred {what} to {names.label(recipient)} under {proof.describe()}.", result)


@compliance_app.command("recover")
@prints(WalletRecovered)
def recover(
    token: TokenArg, lost: LostArg, new: NewArg, evidence_file: EvidenceOpt = None, reason: ShareReasonOpt = None
) -> None:
    """Move every share of the lost wallet LOST, and its freeze, to the owner's new wallet NEW."""
    out, proof, session = open_on_evidence(evidence_file, reason)
    ledger = session.ledger
    token_id, decimals, symbol = _share_action(ledger, token)
    old, replacement = ledger.address_of(lost), ledger.address_of(new)
    moved = ledger.shares.balance(token_id, old)
    with out.progress("Recovering the wallet…"):
        result = ledger.compliance.recover(token_id, old, replacement, reason=proof.digest)
    recovered = WalletRecovered(
        token_id=token_id,
        action="wallet_recovered",
        lost=old,
        replacement=replacement,
        amount=moved,
        reason_hash=proof.hex,
        **dict(result),
    )
    label = session.names.label
    what = f"{units(moved, decimals, symbol)} from the lost wallet {label(old)}"
    out.act(recovered, f"Recovered {what} to {label(replacement)} under {proof.describe()}.", result)


def _restriction(token: str, restricted: bool) -> None:
    out = output()
    session = open_ledger(out, sends=True)
    token_id = session.ledger.rights.resolve(token)
    with out.progress("Switching restricted mode…"):
        result = session.ledger.compliance.set_restricted(token_id, restricted)
    mode = RestrictedModeSet(token_id=token_id, action="restricted_mode_set", restricted=restricted, **dict(result))
    sentence = (
        f"The shares of token {short(hex(token_id))} now move only between eligible accounts."
        if restricted
        else f"The shares of token {short(hex(token_id))} now move freely (restricted mode off)."
    )
    out.act(mode, sentence, result)


@compliance_app.command("restrict")
@prints(RestrictedModeSet)
def restrict(token: TokenArg) -> None:
    """Switch a right's shares to restricted mode: only verified investors and venue wallets may move them."""
    _restriction(token, True)


@compliance_app.command("unrestrict")
@prints(RestrictedModeSet)
def unrestrict(token: TokenArg) -> None:
    """Switch restricted mode off: anyone may hold the right's shares (freezes still apply)."""
    _restriction(token, False)
