"""``ipledger stablecoin …``: the local chain's test dollar (tUSD, 6 decimals) and balances of any payment token."""

from __future__ import annotations

from typing import Annotated

import typer

from ipledger import Ledger, TokenBalance, TokenMinted

from ._chain_options import CommandTyper
from ._context import open_ledger
from ._inputs import amount_units
from ._options import AMOUNTS_HELP, AccountArg, RawOpt, ToArg
from ._output import output, prints
from ._render import units

__all__ = ["stablecoin_app"]

stablecoin_app = CommandTyper(
    name="stablecoin",
    help="The local chain's test stablecoin tUSD (anyone may mint it) and payment-token balances.",
    no_args_is_help=True,
)

MintAmountArg = Annotated[
    str, typer.Argument(metavar="AMOUNT", help="How many units of the currency (whole units; see --raw).")
]
CurrencyOpt = Annotated[
    str,
    typer.Option(
        "--currency",
        metavar="SYMBOL",
        help="The local chain's test currency: tUSD (the default payment token), tHKD or tCNH.",
    ),
]


def _currency(ledger: Ledger, currency: str) -> str | None:
    """The address of the local test currency ``currency`` (``None``: tUSD, the default payment token)."""
    if currency == "tUSD":
        return None
    known = ledger.payments.test_currencies()
    if currency not in known:
        raise typer.BadParameter(
            f"{currency!r} is not a test currency of this chain; expected one of {', '.join(known) or 'none'}",
            param_hint="'--currency'",
        )
    return known[currency]


@stablecoin_app.command("mint", epilog=AMOUNTS_HELP)
@prints(TokenMinted)
def mint(to: ToArg, amount: MintAmountArg, raw: RawOpt = False, currency: CurrencyOpt = "tUSD") -> None:
    """Mint AMOUNT of a test currency (test dollars, tUSD, unless --currency tHKD or tCNH) to TO: local chain
    only, never real money."""
    out = output()
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    token = _currency(ledger, currency)
    info = ledger.payments.token_info(token)
    recipient = ledger.address_of(to)
    quantity = amount_units(amount, info.decimals, raw=raw)
    with out.progress("Minting…"):
        result = ledger.payments.mint_test_stablecoin(recipient, quantity, currency=currency)
    balance = ledger.payments.balance(token, recipient)
    minted = TokenMinted(
        token=info.address,
        symbol=info.symbol,
        decimals=info.decimals,
        to=recipient,
        amount=quantity,
        balance=balance,
        **dict(result),
    )
    sentence = (
        f"Minted {units(quantity, info.decimals, info.symbol)} to {session.names.label(recipient)}; "
        f"balance now {units(balance, info.decimals, info.symbol)}."
    )
    out.act(minted, sentence, result)


@stablecoin_app.command("balance")
@prints(TokenBalance)
def balance(holder: AccountArg, currency: CurrencyOpt = "tUSD") -> None:
    """Show ACCOUNT's balance of the payment token (default: the local tUSD; --currency tHKD or tCNH, or any ERC-20
    with --payment-token)."""
    out = output()
    session = open_ledger(out)
    ledger = session.ledger
    token = _currency(ledger, currency)
    info = ledger.payments.token_info(token)
    address = ledger.address_of(holder)
    held = ledger.payments.balance(token, address)
    position = TokenBalance(
        token=info.address, symbol=info.symbol, decimals=info.decimals, account=address, balance=held
    )
    out.result(
        position, lambda: out.line(f"{session.names.label(address)} holds {units(held, info.decimals, info.symbol)}.")
    )
