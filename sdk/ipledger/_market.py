"""Trading through the settlement desk: signed orders (off chain), fills, cancellations and their status.

An order is an EIP-712 signed object that never touches the chain until a taker fills it: the maker shares its
JSON (``SignedOrder.model_dump_json()``), the taker fills it, and the desk moves the asset and the payment in one
transaction. Amounts are base units: shares for an ERC-20 order, 1 for a whole right; ``price`` is the payment
for the whole amount, in the payment token's base units.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Literal

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from web3.contract import Contract

from ipledger.chain._chain import is_zero_address
from ipledger.chain._logs import fetch_logs
from ipledger.models._amounts import require_units
from ipledger.models._models import (
    ZERO_ADDRESS,
    AssetKind,
    FillResult,
    Order,
    OrderStatus,
    SignedOrder,
    TransactionResult,
)

from ._client import SubClient
from ._exceptions import InvalidInputError
from ._orders import order_hash, recover_order_signer, sign_order

__all__ = ["Market"]

_ORDER_FILLED_TOPIC = keccak(text="OrderFilled(bytes32,address,address,uint256,uint256)")
_DEFAULT_LIFETIME = dt.timedelta(days=1)
#: How far back the fills of an order are looked up to explain a fill the node cannot (about a day at 12 s).
_RECENT_BLOCKS = 7_200


class Market(SubClient):
    """Orders of the settlement desk: create (sign), fill, cancel, status."""

    name = "market"

    def fresh_nonce(self, maker: str | None = None) -> int:
        """A nonce no earlier order of ``maker`` (default: the signer) has: the time in microseconds, or the
        maker's lowest valid nonce if that is higher. ``cancel_orders_below(fresh_nonce())`` voids every order
        made so far."""
        address = self._chain.signer.address if maker is None else self._chain.address_of(maker)
        floor = int(self._chain.read(self._chain.desk.functions.minNonce(address), "read nonce"))
        return max(floor, time.time_ns() // 1000)

    def order_hash(self, order: Order) -> str:
        """The order's EIP-712 hash at this desk (equal to ``desk.hashOrder(order)``), computed locally."""
        return order_hash(order, chain_id=self._chain.chain_id, desk=str(self._chain.desk.address))

    def create_order(
        self,
        side: Literal["sell", "buy"],
        token_id: int | str,
        amount: int | None = None,
        *,
        price: int,
        payment_token: str | None = None,
        expiry: int | dt.datetime | None = None,
        expires_in: dt.timedelta = _DEFAULT_LIFETIME,
        nonce: int | None = None,
        taker: str | None = None,
        whole_right: bool = False,
        approve: bool = True,
    ) -> SignedOrder:
        """Signs an order of the signer (the maker) to ``side`` ``amount`` shares of the right (base units), or the
        whole right (ERC-721) with ``whole_right``, for ``price`` base units of ``payment_token`` (default: the
        default payment token, tUSD on the local chain) in all.

        The order expires at ``expiry`` or ``expires_in`` from now (chain time, default one day); ``nonce``
        defaults to :meth:`fresh_nonce`; ``taker`` reserves it to one account. With ``approve`` (the default) the
        desk is allowed to take what the maker delivers (see :meth:`approve_order`). Nothing else is sent: share
        the returned :class:`SignedOrder` with the counterparty.
        """
        if side not in ("sell", "buy"):
            raise InvalidInputError(f"side must be 'sell' or 'buy', not {side!r}")
        token = self._chain.resolve(token_id)
        desk = self._chain.desk
        maker = self._chain.signer.address
        require_units(price, "price")
        if whole_right:
            if amount not in (None, 1):
                raise InvalidInputError("a whole-right order trades exactly one right (amount 1)")
            asset, kind, asset_id, units = self._chain.registry_address, AssetKind.ERC721, token, 1
            if side == "sell":
                owner = str(self._chain.read(self._chain.registry.functions.ownerOf(token), "create order"))
                if owner != maker:
                    raise self._chain.refuse(
                        "NotTokenOwner(address,uint256)", ["address", "uint256"], [maker, token], "create order"
                    )
        else:
            if amount is None:
                raise InvalidInputError("a share order needs an amount (base units of the share token)")
            asset = self._chain.share_token_address(token, "create order")
            kind, asset_id, units = AssetKind.ERC20, 0, require_units(amount)
        now = self._chain.chain_time()
        if expiry is None:
            deadline = now + int(expires_in.total_seconds())
        else:
            deadline = int(expiry.timestamp()) if isinstance(expiry, dt.datetime) else int(expiry)
        if deadline <= now:
            raise InvalidInputError("the order must expire in the future (chain time)")
        order = Order(
            maker=maker,
            maker_sells=side == "sell",
            asset_kind=kind,
            asset=asset,
            asset_id=asset_id,
            amount=units,
            payment_token=self._payment_token_address(payment_token),
            price=price,
            expiry=deadline,
            nonce=self.fresh_nonce() if nonce is None else nonce,
            taker=ZERO_ADDRESS if taker is None else self._chain.address_of(taker),
        )
        chain_id = self._chain.check_chain("sign order")
        signed = sign_order(
            order, self._chain.signer.account, chain_id=chain_id, desk=str(desk.address), token_id=token
        )
        if approve:
            self.approve_order(signed)
        return signed

    def _payment_token_address(self, token: str | None) -> str:
        return str(self._chain.stablecoin.address) if token is None else self._chain.address_of(token)

    def approve_order(self, signed: SignedOrder) -> TransactionResult | None:
        """Maker: lets the desk take what the order delivers: the right, or the shares or payment added on top of
        the current allowance (other open orders may rely on it). Sends nothing when already covered."""
        order = signed.order
        if order.maker != self._chain.signer.address:
            raise InvalidInputError(f"only the maker {order.maker} approves for this order")
        desk = str(self._chain.desk.address)
        if order.maker_sells and order.asset_kind is AssetKind.ERC721:
            return self._chain.ensure_right_approval(order.asset_id, desk, action="approve order")
        token = self._delivered_token(order, maker=True)
        needed = order.amount if order.maker_sells else order.price
        return self._chain.ensure_allowance(token, desk, needed, action="approve order", top_up=True)

    def _delivered_token(self, order: Order, *, maker: bool) -> Contract:
        """The ERC-20 the maker (or the taker) hands over: the shares of a sell side, the payment of a buy side."""
        delivers_asset = order.maker_sells if maker else not order.maker_sells
        return self._chain.share_contract(order.asset) if delivers_asset else self._chain.erc20(order.payment_token)

    def order_status(self, order: SignedOrder | Order) -> OrderStatus:
        """The order's state at the desk: filled amount, remaining, cancelled, expired (by chain time)."""
        plain = order.order if isinstance(order, SignedOrder) else order
        digest = self.order_hash(plain)
        desk = self._chain.desk
        key = bytes.fromhex(digest[2:])
        filled = int(self._chain.read(desk.functions.filled(key), "read order"))
        cancelled = bool(self._chain.read(desk.functions.cancelled(key), "read order")) or plain.nonce < int(
            self._chain.read(desk.functions.minNonce(plain.maker), "read order")
        )
        expired = self._chain.chain_time() > plain.expiry
        remaining = plain.amount - filled
        if remaining == 0:
            state: Literal["open", "partially_filled", "filled", "cancelled", "expired"] = "filled"
        elif cancelled:
            state = "cancelled"
        elif expired:
            state = "expired"
        else:
            state = "partially_filled" if filled else "open"
        return OrderStatus(
            order_hash=digest, state=state, filled=filled, remaining=remaining, cancelled=cancelled, expired=expired
        )

    def _check_signed(self, signed: SignedOrder, action: str) -> None:
        """Refuses an order of another desk or chain, a tampered one, or a signature that is not the maker's."""
        desk = str(self._chain.desk.address)
        if signed.chain_id != self._chain.chain_id or signed.desk != desk:
            raise InvalidInputError(
                f"the order is for the desk {signed.desk} on chain {signed.chain_id}, "
                f"not {desk} on chain {self._chain.chain_id}"
            )
        digest = self.order_hash(signed.order)
        if digest != signed.order_hash:
            raise InvalidInputError(f"the order's fields do not hash to its order_hash {signed.order_hash}: altered")
        signer = recover_order_signer(signed)
        if signer != signed.order.maker and not self._chain.get_code(signed.order.maker):
            raise self._chain.refuse("InvalidSignature(bytes32)", ["bytes32"], [bytes.fromhex(digest[2:])], action)

    def fill_order(self, signed: SignedOrder, amount: int | None = None) -> FillResult:
        """Taker: fills ``amount`` (default: all that remains) of the order and settles it in one transaction.

        First approves what the taker delivers (the payment, the shares or the right) when the allowance is short,
        exactly the amount needed. Orders that cannot fill (expired, cancelled, filled, reserved for another
        taker, badly signed) raise :class:`OrderError` before anything is sent.
        """
        action = "fill order"
        self._check_signed(signed, action)
        order = signed.order
        taker = self._chain.signer.address
        status = self.order_status(order)
        digest = bytes.fromhex(status.order_hash[2:])
        units = amount if amount is not None else (status.remaining or order.amount)
        if units == 0:
            raise self._chain.refuse("InvalidFillAmount(uint256)", ["uint256"], [0], action)
        require_units(units)
        if status.expired:
            raise self._chain.refuse(
                "OrderExpired(bytes32,uint256)", ["bytes32", "uint256"], [digest, order.expiry], action
            )
        if status.cancelled:
            raise self._chain.refuse("OrderCancelled(bytes32)", ["bytes32"], [digest], action)
        if not is_zero_address(order.taker) and order.taker != taker:
            raise self._chain.refuse(
                "NotOrderTaker(bytes32,address)", ["bytes32", "address"], [digest, order.taker], action
            )
        if units > status.remaining:
            raise self._chain.refuse(
                "FillExceedsRemaining(bytes32,uint256,uint256)",
                ["bytes32", "uint256", "uint256"],
                [digest, status.remaining, units],
                action,
            )
        payment = order.payment_for(units)
        approval = self._approve_taker_side(order, units, payment, action)
        result, receipt = self._chain.sender.send(
            self._chain.signer,
            self._chain.desk.functions.fill(order.as_tuple(), bytes.fromhex(signed.signature[2:]), units),
            action=action,
            state_checks=lambda: self._fill_findings(order, units),
        )
        for log in receipt["logs"]:
            if bytes(log["topics"][0]) == _ORDER_FILLED_TOPIC:
                data = bytes(log["data"])
                units, payment = int.from_bytes(data[:32], "big"), int.from_bytes(data[32:64], "big")
        return FillResult(
            order_hash=status.order_hash,
            taker=taker,
            amount=units,
            payment=payment,
            tx_hash=result.tx_hash,
            block=result.block,
            gas_used=result.gas_used,
            resent=result.resent,
            confirmations=result.confirmations,
            approval=approval,
        )

    def _fill_findings(self, order: Order, units: int) -> list[str]:
        """What the order's state shows after a fill of ``units`` reverted without a reason: filled (and by whom,
        from the desk's recent ``OrderFilled`` logs), cancelled, expired."""
        status = self.order_status(order)
        findings: list[str] = []
        if status.remaining == 0:
            findings.append(f"the order is already filled ({status.filled} of {order.amount} units)")
        elif status.remaining < units:
            findings.append(f"only {status.remaining} of the {units} units asked remain")
        if status.cancelled:
            findings.append("the order is cancelled")
        if status.expired:
            findings.append(f"the order expired at {order.expiry} (unix time)")
        head = self._chain.head()
        fills = fetch_logs(
            self._chain.rpc,
            address=str(self._chain.desk.address),
            topics=["0x" + _ORDER_FILLED_TOPIC.hex(), status.order_hash],
            from_block=max(0, head - _RECENT_BLOCKS),
            to_block=head,
        )
        for log in fills[-3:]:
            taker = to_checksum_address("0x" + str(log["topics"][3])[-40:])
            findings.append(f"filled by {taker} in {log['transactionHash']} (block {int(log['blockNumber'], 16)})")
        return findings

    def _approve_taker_side(self, order: Order, units: int, payment: int, action: str) -> TransactionResult | None:
        desk = str(self._chain.desk.address)
        taker = self._chain.signer.address
        if not order.maker_sells and order.asset_kind is AssetKind.ERC721:
            return self._chain.ensure_right_approval(order.asset_id, desk, action=action)
        token = self._delivered_token(order, maker=False)
        needed = payment if order.maker_sells else units
        balance = int(self._chain.read(token.functions.balanceOf(taker), f"{action}: read balance"))
        if balance < needed:
            raise self._chain.refuse(
                "ERC20InsufficientBalance(address,uint256,uint256)",
                ["address", "uint256", "uint256"],
                [taker, balance, needed],
                action,
            )
        return self._chain.ensure_allowance(token, desk, needed, action=action)

    def cancel_order(self, order: SignedOrder | Order) -> TransactionResult:
        """Maker: cancels the order for good."""
        plain = order.order if isinstance(order, SignedOrder) else order
        if plain.maker != self._chain.signer.address:
            raise self._chain.refuse(
                "NotOrderMaker(address,address)",
                ["address", "address"],
                [self._chain.signer.address, plain.maker],
                "cancel",
            )
        return self._chain.send(self._chain.desk.functions.cancel(plain.as_tuple()), "cancel order")

    def cancel_orders_below(self, nonce: int | None = None) -> TransactionResult:
        """Maker: voids every order of the signer with a nonce below ``nonce`` (default: one above
        :meth:`fresh_nonce`, which voids every order made so far with default nonces)."""
        below = self.fresh_nonce() + 1 if nonce is None else nonce
        return self._chain.send(self._chain.desk.functions.cancelBelow(below), "cancel orders")
