"""Orders of the settlement desk as EIP-712 typed data: hash, sign, recover (no chain access).

The domain is the desk's: name "IPLedger Settlement", version "1", the chain id and the desk's address, so an
order signed for one desk or chain is worthless on another. The hash equals ``SettlementDesk.hashOrder(order)``.
"""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.messages import SignableMessage
from eth_account.signers.local import LocalAccount
from eth_keys.exceptions import BadSignature
from eth_utils.exceptions import ValidationError

from ipledger.chain._eip712 import DESK_DOMAIN, sign_typed, typed_digest, typed_message
from ipledger.models._models import Order, SignedOrder

__all__ = ["DESK_DOMAIN_NAME", "DESK_DOMAIN_VERSION", "order_hash", "recover_order_signer", "sign_order"]

DESK_DOMAIN_NAME = DESK_DOMAIN.name
DESK_DOMAIN_VERSION = DESK_DOMAIN.version
ORDER_TYPES = {
    "Order": [
        {"name": "maker", "type": "address"},
        {"name": "makerSells", "type": "bool"},
        {"name": "assetKind", "type": "uint8"},
        {"name": "asset", "type": "address"},
        {"name": "assetId", "type": "uint256"},
        {"name": "amount", "type": "uint256"},
        {"name": "paymentToken", "type": "address"},
        {"name": "price", "type": "uint256"},
        {"name": "expiry", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "taker", "type": "address"},
    ]
}


def _message(order: Order) -> dict[str, Any]:
    return {
        "maker": order.maker,
        "makerSells": order.maker_sells,
        "assetKind": order.asset_kind.chain_value,
        "asset": order.asset,
        "assetId": order.asset_id,
        "amount": order.amount,
        "paymentToken": order.payment_token,
        "price": order.price,
        "expiry": order.expiry,
        "nonce": order.nonce,
        "taker": order.taker,
    }


def _signable(order: Order, *, chain_id: int, desk: str) -> SignableMessage:
    return typed_message(DESK_DOMAIN, chain_id=chain_id, contract=desk, types=ORDER_TYPES, message=_message(order))


def order_hash(order: Order, *, chain_id: int, desk: str) -> str:
    """The EIP-712 hash of ``order`` at ``desk`` on ``chain_id``: what the maker signs and the desk tracks."""
    signable = _signable(order, chain_id=chain_id, desk=desk)
    return "0x" + typed_digest(signable).hex()


def sign_order(order: Order, account: LocalAccount, *, chain_id: int, desk: str, token_id: int) -> SignedOrder:
    """``order`` signed by ``account`` (its maker) for ``desk``; ``token_id`` is the right it trades."""
    signed = sign_typed(account, _signable(order, chain_id=chain_id, desk=desk))
    return SignedOrder(
        order=order,
        signature="0x" + bytes(signed.signature).hex(),
        order_hash=order_hash(order, chain_id=chain_id, desk=desk),
        token_id=token_id,
        chain_id=chain_id,
        desk=desk,
    )


def recover_order_signer(signed: SignedOrder) -> str | None:
    """The address whose key signed the order, or ``None`` if the signature is malformed."""
    signable = _signable(signed.order, chain_id=signed.chain_id, desk=signed.desk)
    try:
        return str(Account.recover_message(signable, signature=bytes.fromhex(signed.signature[2:])))
    except (ValueError, TypeError, BadSignature, ValidationError):
        return None
