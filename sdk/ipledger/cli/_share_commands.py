"""``ipledger shares …``: fractionalize a right into ERC-20 shares, move, permit and redeem them, read the cap table;
``shares buyout …`` (``_buyout_commands``) buys a right out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    CapTable,
    FractionalizeResult,
    Permit,
    RoyaltyBeneficiarySet,
    ShareBalance,
    ShareRedemption,
    ShareTransfer,
    TransactionResult,
)

from ._buyout_commands import buyout_app
from ._chain_options import CommandTyper
from ._context import open_ledger
from ._inputs import amount_units, parse_duration
from ._options import AMOUNTS_HELP, AccountArg, RawOpt, ToArg, TokenArg
from ._output import output, prints
from ._render import cap_table_table, details_lines, short, tx_line, units

__all__ = ["shares_app"]

shares_app = CommandTyper(
    name="shares",
    help="Fractionalize a right into ERC-20 shares held by verified investors and venues; move, redeem, list holders, "
    "buy a right out.",
    no_args_is_help=True,
)
shares_app.add_typer(buyout_app)

NameOpt = Annotated[str, typer.Option("--name", help="Name of the share token, e.g. 'US 11,234,567 B2 shares'.")]
SymbolOpt = Annotated[str, typer.Option("--symbol", help="Ticker symbol of the share token, e.g. 'P11234'.")]
SupplyOpt = Annotated[
    str, typer.Option("--supply", metavar="AMOUNT", help="Number of shares to mint to the owner (whole shares).")
]
DecimalsOpt = Annotated[int, typer.Option("--decimals", min=0, max=36, help="Decimals of the share token.")]
ThresholdOpt = Annotated[
    int,
    typer.Option(
        "--buyout-threshold",
        min=0,
        max=10_000,
        metavar="BPS",
        help="Basis points of the supply that must accept a buyout: 5001 to 10000 (0, the default: two thirds, 6667).",
    ),
]
UnrestrictedOpt = Annotated[
    bool,
    typer.Option(
        "--unrestricted",
        help="Let anyone hold the shares. By default they are restricted: only verified investors and venue "
        "wallets may send or receive them.",
    ),
]
AmountArg = Annotated[str, typer.Argument(metavar="AMOUNT", help="Number of shares (whole shares; see --raw).")]
HolderArg = Annotated[
    str | None,
    typer.Argument(metavar="ACCOUNT", help="Whose balance (default: the --from account).", show_default=False),
]
BlockOpt = Annotated[
    int | None, typer.Option("--block", min=0, metavar="N", help="The cap table at block N (default: the latest).")
]
PermitLifetimeOpt = Annotated[
    str, typer.Option("--expires-in", metavar="DURATION", help="How long the permit is valid: 30m, 12h, 1d, 2w.")
]


@shares_app.command("fractionalize")
@prints(FractionalizeResult)
def fractionalize(
    token: TokenArg,
    name: NameOpt,
    symbol: SymbolOpt,
    supply: SupplyOpt,
    decimals: DecimalsOpt = 18,
    unrestricted: UnrestrictedOpt = False,
    buyout_threshold: ThresholdOpt = 0,
    raw: RawOpt = False,
) -> None:
    """Lock a right in the share vault and mint --supply ERC-20 shares of it to its owner (--from).

    The right stays in the vault's custody (`verify` says so) until someone holding every share runs
    `ipledger shares redeem`. Restricted shares (the default) move only between verified investors and venue
    wallets (see `ipledger compliance`). The owner approves the vault for the right first when needed.
    """
    out = output()
    units_supply = amount_units(supply, decimals, raw=raw, what="supply")
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    session.signer()
    with out.progress("Fractionalizing…"):
        result = session.ledger.shares.fractionalize(
            token_id,
            name,
            symbol,
            units_supply,
            decimals=decimals,
            restricted=not unrestricted,
            buyout_threshold=buyout_threshold or None,
        )

    def human() -> None:
        mode = "restricted to verified investors and venues" if result.restricted else "unrestricted"
        out.line(
            f"Fractionalized token {short(result.token_id_hex)}: the vault holds the right and "
            f"{session.names.label(result.owner)} holds "
            f"{units(result.supply, result.decimals, result.symbol)} ({mode})."
        )
        out.line(details_lines([("Share token", result.share_token), ("Name", result.name)]))
        if result.approval is not None:
            out.line(Text.assemble("  approval ", tx_line(result.approval)))
        out.line(tx_line(TransactionResult(tx_hash=result.tx_hash, block=result.block, gas_used=result.gas_used)))
        out.note(f"Next: ipledger shares cap-table {result.token_id_hex}{session.options.command_options(shares=True)}")

    out.result(result, human)


@shares_app.command("balance")
@prints(ShareBalance)
def balance(token: TokenArg, holder: HolderArg = None) -> None:
    """Show how many shares of a right ACCOUNT holds, and how many of them are frozen."""
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    address = ledger.address_of(holder) if holder else session.signer().address
    info = ledger.shares.info(token_id)
    held = ledger.shares.balance(token_id, address)
    frozen = ledger.compliance.frozen(token_id, address)
    position = ShareBalance(
        token_id=token_id,
        share_token=info.address,
        symbol=info.symbol,
        decimals=info.decimals,
        account=address,
        balance=held,
        frozen=frozen,
    )

    def human() -> None:
        line = f"{session.names.label(address)} holds {units(held, info.decimals, info.symbol)}"
        if held and info.total_supply:
            line += f" ({100 * held / info.total_supply:.2f}% of {units(info.total_supply, info.decimals)})"
        if frozen:
            line += ", all frozen" if frozen >= held else f", {units(frozen, info.decimals)} frozen"
        out.line(line + ".")

    out.result(position, human)


@shares_app.command("transfer", epilog=AMOUNTS_HELP)
@prints(ShareTransfer)
def transfer(token: TokenArg, to: ToArg, amount: AmountArg, raw: RawOpt = False) -> None:
    """Send AMOUNT shares of a right from --from to TO (a deposit to a venue wallet is a transfer too).

    Restricted shares move only between eligible accounts (verified investors, venue wallets) and frozen
    shares stay put: refusals name the compliance error (NotEligible, VerificationExpired, CountryBlocked,
    HolderFrozen, InsufficientUnfrozenBalance).
    """
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    sender = session.signer().address
    recipient = ledger.address_of(to)
    info = ledger.shares.info(token_id)
    quantity = amount_units(amount, info.decimals, raw=raw)
    with out.progress("Transferring shares…"):
        result = ledger.shares.transfer(token_id, recipient, quantity)
    sent = ShareTransfer(
        token_id=token_id,
        share_token=info.address,
        symbol=info.symbol,
        decimals=info.decimals,
        from_=sender,
        to=recipient,
        amount=quantity,
        **dict(result),
    )
    names = session.names
    sentence = (
        f"Sent {units(quantity, info.decimals, info.symbol)} from {names.label(sender)} to {names.label(recipient)}."
    )
    out.act(sent, sentence, result)


@shares_app.command("redeem")
@prints(ShareRedemption)
def redeem(token: TokenArg) -> None:
    """Burn every share of a right and take the right out of the vault; --from must hold all of them.

    Anyone short of 100% is refused with IncompleteOwnership (and frozen shares cannot be redeemed).
    """
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    holder = session.signer().address
    info = ledger.shares.info(token_id)
    with out.progress("Redeeming…"):
        result = ledger.shares.redeem(token_id)
    redemption = ShareRedemption(
        token_id=token_id, share_token=info.address, holder=holder, supply=info.total_supply, **dict(result)
    )
    sentence = (
        f"Redeemed token {short(hex(token_id))}: burned {units(info.total_supply, info.decimals, info.symbol)} "
        f"and returned the right to {session.names.label(holder)}."
    )
    out.act(redemption, sentence, result)


@shares_app.command("cap-table")
@prints(CapTable)
def cap_table(token: TokenArg, block: BlockOpt = None) -> None:
    """List who holds the shares of a right (at --block N, or now), largest first, and what is frozen.

    Balances are replayed from the share token's Transfer logs and checked to add up to its total supply.
    """
    out = output()
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    with out.progress("Reading the share token's logs…"):
        table = session.ledger.shares.cap_table(token_id, block=block)

    def human() -> None:
        mode = "restricted" if table.restricted else "unrestricted"
        out.line(
            f"Cap table of token {short(table.token_id_hex)} at block {table.block}: {len(table.holders)} holder(s) "
            f"of {units(table.total_supply, table.decimals, table.symbol)} ({mode}, share token {table.share_token})."
        )
        out.print(cap_table_table(table, session.names))

    out.result(table, human)


@shares_app.command("permit", epilog=AMOUNTS_HELP)
@prints(Permit)
def permit(
    token: TokenArg, spender: AccountArg, amount: AmountArg, expires_in: PermitLifetimeOpt = "1d", raw: RawOpt = False
) -> None:
    """Sign an ERC-2612 permit (no transaction): ACCOUNT may then move AMOUNT of your shares once it submits it.

    Hand the printed permit to the spender (an exchange, a custodian); it calls `permit(owner, spender, value,
    deadline, v, r, s)` on the share token before the deadline.
    """
    out = output()
    lifetime = parse_duration(expires_in)
    session = open_ledger(out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    session.signer()
    info = ledger.shares.info(token_id)
    value = amount_units(amount, info.decimals, raw=raw)
    deadline = ledger.chain.chain_time() + int(lifetime.total_seconds())
    signed = ledger.shares.sign_permit(token_id, spender, value, deadline)

    def human() -> None:
        names = session.names
        until = dt.datetime.fromtimestamp(signed.deadline, dt.UTC)
        out.line(
            f"Signed a permit: {names.label(signed.spender)} may move {units(value, info.decimals, info.symbol)} of "
            f"{names.label(signed.owner)}'s shares until {until:%Y-%m-%d %H:%M} UTC (nonce {signed.nonce})."
        )
        out.line(
            details_lines(
                [
                    ("Share token", signed.share_token),
                    ("Deadline", str(signed.deadline)),
                    ("v, r, s", f"{signed.v}, {signed.r}, {signed.s}"),
                ]
            )
        )

    out.result(signed, human)


BeneficiaryHolderArg = Annotated[
    str, typer.Argument(metavar="HOLDER", help="The holder (a pool, a venue's wallet...): an address or account name.")
]
BeneficiaryArg = Annotated[
    str,
    typer.Argument(
        metavar="BENEFICIARY", help="Who receives HOLDER's share-holder royalties; none: nobody (HOLDER claims itself)."
    ),
]


@shares_app.command("beneficiary")
@prints(RoyaltyBeneficiarySet)
def beneficiary(token: TokenArg, holder: BeneficiaryHolderArg, named: BeneficiaryArg) -> None:
    """Name who receives HOLDER's royalties on a right's shares (the holder itself, or an officer of the token for a
    contract or a venue wallet).

    A contract that cannot claim royalties (a Uniswap pool) gets a beneficiary, so anyone may then pay them out with
    `ipledger royalty claim-for TOKEN HOLDER`. An officer never redirects an investor's royalties.
    """
    out = output()
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    token_id = ledger.rights.resolve(token)
    address = ledger.address_of(holder)
    target = None if named.strip().lower() == "none" else ledger.address_of(named)
    with out.progress("Naming the royalty beneficiary…"):
        result = ledger.royalties.set_beneficiary(token_id, address, target)
    record = RoyaltyBeneficiarySet(
        token_id=token_id, action="royalty_beneficiary_set", holder=address, beneficiary=target, **dict(result)
    )
    label = session.names.label
    who = f"{label(target)} receives" if target is not None else "nobody else receives"
    sentence = f"{who} the royalties of {label(address)} on the shares of token {short(hex(token_id))}."
    out.act(record, sentence, result)
