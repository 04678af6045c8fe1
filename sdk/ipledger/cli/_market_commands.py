"""``ipledger market …``: signed orders settled by the settlement desk (delivery versus payment in one transaction)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from ipledger.models._models import AssetKind, OrderStatus, SignedOrder, TokenInfo, TransactionResult

from .._ledger import Ledger
from ._context import Session, Target, open_ledger
from ._inputs import amount_units, parse_duration
from ._options import (
    AMOUNTS_HELP,
    ChainIdOpt,
    DeskOpt,
    FromOpt,
    JsonOpt,
    Network,
    NetworkOpt,
    PaymentTokenOpt,
    RawOpt,
    RegistryOpt,
    RpcUrlOpt,
    TokenArg,
    VaultOpt,
)
from ._order_book import list_orders, load_order, save_order
from ._output import Output, model_json, token_json
from ._render import WIDE_TABLE, Names, short, tx_line, units

__all__ = ["market_app"]

market_app = typer.Typer(
    name="market",
    help="Trade shares or whole rights by signed orders: the maker signs off chain, the taker fills on chain, and the "
    "settlement desk swaps asset and payment atomically.",
    no_args_is_help=True,
)


class Side(StrEnum):
    """The maker's side of an order."""

    SELL = "sell"
    BUY = "buy"


SideArg = Annotated[Side, typer.Argument(metavar="SIDE", help="sell or buy (the maker's side).", case_sensitive=False)]
OrderAmountArg = Annotated[
    str | None,
    typer.Argument(metavar="AMOUNT", help="Number of shares (whole shares; see --raw). Not with --whole-right."),
]
PriceOpt = Annotated[
    str,
    typer.Option(
        "--price", metavar="PRICE", help="Total price of AMOUNT in the payment token (e.g. 5000 for 5,000 tUSD)."
    ),
]
ExpiresInOpt = Annotated[
    str, typer.Option("--expires-in", metavar="DURATION", help="How long the order is valid: 30m, 12h, 1d, 2w.")
]
TakerOpt = Annotated[
    str | None, typer.Option("--taker", metavar="ACCOUNT", help="Reserve the order to this account (default: anyone).")
]
WholeRightOpt = Annotated[
    bool, typer.Option("--whole-right", help="Trade the right itself (the ERC-721 token), not shares of it.")
]
OrderArg = Annotated[
    str, typer.Argument(metavar="ORDER", help="An order's JSON file, or the hash of an order in the local order book.")
]
OptionalOrderArg = Annotated[
    str | None,
    typer.Argument(metavar="ORDER", help="An order's JSON file, or the hash of an order in the local order book."),
]
FillAmountOpt = Annotated[
    str | None,
    typer.Option("--amount", metavar="AMOUNT", help="Fill only this many shares (default: all that remain)."),
]
AllOpt = Annotated[bool, typer.Option("--all", help="Cancel every order of --from made so far (one transaction).")]


def _target(
    network: Network,
    rpc_url: str | None,
    chain_id: int | None,
    registry: str | None,
    account: str | None,
    vault: str | None,
    desk: str | None,
    payment_token: str | None = None,
) -> Target:
    return Target(
        network, rpc_url, registry, account, chain_id=chain_id, vault=vault, desk=desk, payment_token=payment_token
    )


class _Tokens:
    """ERC-20 details (decimals, symbol) looked up once per address."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._known: dict[str, TokenInfo] = {}

    def info(self, address: str) -> TokenInfo:
        if address not in self._known:
            self._known[address] = self._ledger.payments.token_info(address)
        return self._known[address]


def _describe_order(signed: SignedOrder, tokens: _Tokens, names: Names) -> str:
    order = signed.order
    payment = tokens.info(order.payment_token)
    price = units(order.price, payment.decimals, payment.symbol)
    if order.asset_kind is AssetKind.ERC721:
        what = f"the right {short(hex(signed.token_id))}"
    else:
        shares = tokens.info(order.asset)
        what = units(order.amount, shares.decimals, shares.symbol)
    taker = f", reserved to {names.label(order.taker)}" if int(order.taker, 16) else ""
    return f"{names.label(order.maker)} {order.side}s {what} for {price}{taker}"


def _order_row(signed: SignedOrder, status: OrderStatus) -> dict[str, Any]:
    order = signed.order
    return {
        "order_hash": signed.order_hash,
        **token_json(signed.token_id),
        "side": order.side,
        "maker": order.maker,
        "taker": order.taker,
        "asset_kind": order.asset_kind.value,
        "asset": order.asset,
        "amount": str(order.amount),
        "payment_token": order.payment_token,
        "price": str(order.price),
        "expiry": order.expiry,
        "nonce": str(order.nonce),
        "state": status.state,
        "filled": str(status.filled),
        "remaining": str(status.remaining),
    }


@market_app.command("order", epilog=AMOUNTS_HELP)
def order(
    side: SideArg,
    token: TokenArg,
    price: PriceOpt,
    amount: OrderAmountArg = None,
    payment_token: PaymentTokenOpt = None,
    expires_in: ExpiresInOpt = "1d",
    taker: TakerOpt = None,
    whole_right: WholeRightOpt = False,
    raw: RawOpt = False,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    desk: DeskOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Sign an order (off chain) to sell or buy AMOUNT shares of a right, or the whole right, for --price.

    The maker (--from) signs; the desk is approved for what the maker delivers (the shares, the right, or the
    payment) on top of any allowance other open orders rely on. The order is saved in $IPLEDGER_HOME/orders and
    printed: send that JSON to the counterparty, who runs `ipledger market fill ORDER.json`. Partial fills pay pro
    rata.

    With --json prints only the signed order: {"order": {"maker", "maker_sells", "asset_kind", "asset", "asset_id",
    "amount", "payment_token", "price", "expiry", "nonce", "taker"}, "signature", "order_hash", "token_id",
    "chain_id", "desk"} (uint256 values as decimal strings).
    """
    out = Output(json_)
    if whole_right and amount is not None:
        raise typer.BadParameter("--whole-right trades the right itself: leave AMOUNT out", param_hint="AMOUNT")
    if not whole_right and amount is None:
        raise typer.BadParameter("AMOUNT (number of shares) is needed, or --whole-right", param_hint="AMOUNT")
    lifetime = parse_duration(expires_in)
    target = _target(network, rpc_url, chain_id, registry, account, vault, desk, payment_token)
    session = open_ledger(target, out)
    token_id = session.ledger.rights.resolve(token)
    ledger = session.ledger
    session.signer()
    tokens = _Tokens(ledger)
    payment = ledger.payments.token_info(payment_token)
    total = amount_units(price, payment.decimals, raw=raw, what="price")
    quantity = None
    if amount is not None:
        quantity = amount_units(amount, tokens.info(ledger.shares.token(token_id)).decimals, raw=raw)
    with out.progress("Signing the order…"):
        signed = ledger.market.create_order(
            side.value,
            token_id,
            quantity,
            price=total,
            payment_token=payment.address,
            expires_in=lifetime,
            taker=taker,
            whole_right=whole_right,
            approve=False,
        )
        approval = ledger.market.approve_order(signed)
    path = save_order(signed)
    if json_:
        typer.echo(signed.model_dump_json(indent=2))
    else:
        expiry = dt.datetime.fromtimestamp(signed.order.expiry, dt.UTC)
        out.line(f"Signed: {_describe_order(signed, tokens, session.names)}, until {expiry:%Y-%m-%d %H:%M} UTC.")
        out.line(f"Order {signed.order_hash}, saved to {path}")
        if approval is not None:
            out.line(Text.assemble("  desk approved: ", tx_line(approval)))
        out.line(Text(signed.model_dump_json(indent=2), style="dim"))
        out.note(
            f"Send that JSON to the counterparty: ipledger market fill ORDER.json{target.command_options(shares=True)}"
        )
    if json_ and approval is not None:
        out.note(f"approved the desk in tx {approval.tx_hash}; order saved to {path}")


@market_app.command("fill", epilog=AMOUNTS_HELP)
def fill(
    reference: OrderArg,
    amount: FillAmountOpt = None,
    raw: RawOpt = False,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    desk: DeskOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Fill an order as the taker (--from): the desk swaps the asset and the payment in one transaction.

    Approves the desk first for exactly what you deliver when the allowance is short. Orders that cannot fill
    (expired, cancelled, already filled, reserved for another taker, badly signed) are refused before anything is
    sent, with the desk's error name.

    With --json prints {"order_hash", "token_id", "token_id_dec", "taker", "amount", "payment", "tx_hash",
    "block", "gas_used", "approval"}.
    """
    out = Output(json_)
    signed = load_order(reference)
    session = open_ledger(_target(network, rpc_url, chain_id, registry, account, vault, desk), out)
    ledger = session.ledger
    session.signer()
    tokens = _Tokens(ledger)
    quantity = None
    if amount is not None:
        decimals = 0 if signed.order.asset_kind is AssetKind.ERC721 else tokens.info(signed.order.asset).decimals
        quantity = amount_units(amount, decimals, raw=raw)
    with out.progress("Settling…"):
        result = ledger.market.fill_order(signed, quantity)
    save_order(signed)
    payload = {**model_json(result), **token_json(signed.token_id)}

    def human() -> None:
        order_ = signed.order
        payment = tokens.info(order_.payment_token)
        if order_.asset_kind is AssetKind.ERC721:
            what = f"the right {short(hex(signed.token_id))}"
        else:
            shares = tokens.info(order_.asset)
            what = units(result.amount, shares.decimals, shares.symbol)
        buyer, seller = (result.taker, order_.maker) if order_.maker_sells else (order_.maker, result.taker)
        names = session.names
        out.line(
            f"Settled: {names.label(seller)} delivered {what} to {names.label(buyer)} for "
            f"{units(result.payment, payment.decimals, payment.symbol)}, in one transaction."
        )
        if result.approval is not None:
            out.line(Text.assemble("  approval ", tx_line(result.approval)))
        out.line(tx_line(TransactionResult(tx_hash=result.tx_hash, block=result.block, gas_used=result.gas_used)))

    out.result(payload, human)


@market_app.command("cancel")
def cancel(
    reference: OptionalOrderArg = None,
    all_: AllOpt = False,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    desk: DeskOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Cancel an order of yours (--from must be its maker), or with --all every order you made so far.

    With --json prints {"action": "cancelled"|"cancelled_below", "order_hash" or "nonce", "tx_hash", "block",
    "gas_used"}.
    """
    out = Output(json_)
    if (reference is None) == (not all_):
        raise typer.BadParameter("give ORDER or --all (not both)", param_hint="ORDER / '--all'")
    session = open_ledger(_target(network, rpc_url, chain_id, registry, account, vault, desk), out)
    ledger = session.ledger
    session.signer()
    if reference is not None:
        signed = load_order(reference)
        with out.progress("Cancelling…"):
            result = ledger.market.cancel_order(signed)
        payload: dict[str, Any] = {"action": "cancelled", "order_hash": signed.order_hash}
        sentence = f"Cancelled order {signed.order_hash}; it can no longer be filled."
    else:
        nonce = ledger.market.fresh_nonce()
        with out.progress("Cancelling every order…"):
            result = ledger.market.cancel_orders_below(nonce)
        payload = {"action": "cancelled_below", "nonce": str(nonce)}
        sentence = f"Cancelled every order of {session.names.label(ledger.signer.address)} with a nonce below {nonce}."

    def human() -> None:
        out.line(sentence)
        out.line(tx_line(result))

    out.result({**payload, **result.model_dump(mode="json")}, human)


def _orders_table(
    rows: list[tuple[SignedOrder, OrderStatus]], tokens: _Tokens, names: Names, *, width: int = 80
) -> Table:
    """The orders, oldest first; the right's id only when ``width`` leaves room for it (it is in --json)."""
    wide = width >= WIDE_TABLE
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("Order", no_wrap=True)
    if wide:
        table.add_column("Right", no_wrap=True)
    table.add_column("Maker", no_wrap=True)
    table.add_column("Side", no_wrap=True)
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Price", justify="right", no_wrap=True)
    table.add_column("Filled", justify="right", no_wrap=True)
    table.add_column("State", no_wrap=True)
    styles = {"open": "green", "partially_filled": "green", "filled": "dim", "cancelled": "yellow", "expired": "yellow"}
    for signed, status in rows:
        order_ = signed.order
        payment = tokens.info(order_.payment_token)
        if order_.asset_kind is AssetKind.ERC721:
            amount, filled = "whole right", "yes" if status.filled else "no"
        else:
            shares = tokens.info(order_.asset)
            amount = units(order_.amount, shares.decimals, shares.symbol)
            filled = units(status.filled, shares.decimals)
        table.add_row(
            short(signed.order_hash),
            *([short(hex(signed.token_id))] if wide else []),
            names.brief(order_.maker),
            order_.side,
            amount,
            units(order_.price, payment.decimals, payment.symbol),
            filled,
            Text(status.state.replace("_", " "), style=styles[status.state]),
        )
    return table


@market_app.command("orders")
def orders(
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    desk: DeskOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List the orders in the local order book ($IPLEDGER_HOME/orders) for this desk, with their on-chain state.

    With --json prints {"desk", "chain_id", "orders": [{"order_hash", "token_id", "token_id_dec", "side", "maker",
    "taker", "asset_kind", "asset", "amount", "payment_token", "price", "expiry", "nonce", "state", "filled",
    "remaining"}]}; state is open, partially_filled, filled, cancelled or expired.
    """
    out = Output(json_)
    session: Session = open_ledger(_target(network, rpc_url, chain_id, registry, account, vault, desk), out)
    ledger = session.ledger
    desk_address = str(ledger.contracts.desk.address)
    rows = [(signed, ledger.market.order_status(signed)) for signed in list_orders(ledger.chain_id, desk_address)]
    payload = {
        "desk": desk_address,
        "chain_id": ledger.chain_id,
        "orders": [_order_row(signed, status) for signed, status in rows],
    }

    def human() -> None:
        if not rows:
            out.line("No orders in the local order book for this desk; make one with `ipledger market order`.")
            return
        out.line(f"{len(rows)} order(s) in the local order book, oldest first:")
        out.print(_orders_table(rows, _Tokens(ledger), session.names, width=out.out.width))

    out.result(payload, human)
