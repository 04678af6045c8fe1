"""``ipledger stablecoin …``: the local chain's test dollar (tUSD, 6 decimals) and balances of any payment token."""

from __future__ import annotations

from typing import Annotated

import typer

from ._context import Target, open_ledger
from ._inputs import amount_units
from ._options import (
    AMOUNTS_HELP,
    AccountArg,
    ChainIdOpt,
    FromOpt,
    JsonOpt,
    Network,
    NetworkOpt,
    PaymentTokenOpt,
    RawOpt,
    RegistryOpt,
    RpcUrlOpt,
    ToArg,
)
from ._output import Output
from ._render import tx_line, units

__all__ = ["stablecoin_app"]

stablecoin_app = typer.Typer(
    name="stablecoin",
    help="The local chain's test stablecoin tUSD (anyone may mint it) and payment-token balances.",
    no_args_is_help=True,
)

MintAmountArg = Annotated[str, typer.Argument(metavar="AMOUNT", help="How many tUSD (whole dollars; see --raw).")]


@stablecoin_app.command("mint", epilog=AMOUNTS_HELP)
def mint(
    to: ToArg,
    amount: MintAmountArg,
    raw: RawOpt = False,
    payment_token: PaymentTokenOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Mint AMOUNT test dollars (tUSD) to TO: local chain only, never real money.

    With --json prints {"token", "symbol", "decimals", "to", "amount", "balance", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    session = open_ledger(
        Target(network, rpc_url, registry, account, chain_id=chain_id, payment_token=payment_token), out
    )
    ledger = session.ledger
    session.signer()
    info = ledger.payments.token_info()
    recipient = ledger.address_of(to)
    quantity = amount_units(amount, info.decimals, raw=raw)
    with out.progress("Minting…"):
        result = ledger.payments.mint_test_stablecoin(recipient, quantity)
    balance = ledger.payments.balance(None, recipient)
    payload = {
        "token": info.address,
        "symbol": info.symbol,
        "decimals": info.decimals,
        "to": recipient,
        "amount": str(quantity),
        "balance": str(balance),
        **result.model_dump(mode="json"),
    }

    def human() -> None:
        out.line(
            f"Minted {units(quantity, info.decimals, info.symbol)} to {session.names.label(recipient)}; "
            f"balance now {units(balance, info.decimals, info.symbol)}."
        )
        out.line(tx_line(result))

    out.result(payload, human)


@stablecoin_app.command("balance")
def balance(
    holder: AccountArg,
    payment_token: PaymentTokenOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Show ACCOUNT's balance of the payment token (default: the local tUSD; any ERC-20 with --payment-token).

    With --json prints {"token", "symbol", "decimals", "account", "balance"} (balance in base units).
    """
    out = Output(json_)
    session = open_ledger(
        Target(network, rpc_url, registry, account, chain_id=chain_id, payment_token=payment_token), out
    )
    ledger = session.ledger
    info = ledger.payments.token_info()
    address = ledger.address_of(holder)
    held = ledger.payments.balance(None, address)
    payload = {
        "token": info.address,
        "symbol": info.symbol,
        "decimals": info.decimals,
        "account": address,
        "balance": str(held),
    }
    out.result(
        payload,
        lambda: out.line(f"{session.names.label(address)} holds {units(held, info.decimals, info.symbol)}."),
    )
