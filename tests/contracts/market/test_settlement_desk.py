"""SettlementDesk: EIP-712 orders signed off-chain with eth-account, filled atomically (asset and payment in one
transaction), partially, once; cancellation; the share token's compliance and the payment check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, events_of, mine_at, now, rpc
from share_helpers import (
    DESK_NAME,
    EIP712_DOMAIN,
    ERC20_ASSET,
    ERC721_ASSET,
    EVIDENCE,
    MAKER2_KEY,
    MAKER_KEY,
    MAX_UINT256,
    ORDER_FIELDS,
    REASON,
    Order,
    chain_id,
    deploy_test_contract,
    domain_separator,
    order_digest,
    reverts,
    sign_order,
)

USD = 10**6  # TestStablecoin has 6 decimals
FUNDS = 1_000_000 * USD
HELD = 10_000  # shares held by maker and by bob


@dataclass(frozen=True)
class Market:
    desk: Any
    usd: Any
    shares: Any


def _fund(market: Market, *holders: Any) -> None:
    for holder in holders:
        market.usd.mint(holder, FUNDS, {"from": holder})
        market.usd.approve(market.desk, MAX_UINT256, {"from": holder})
        market.shares.approve(market.desk, MAX_UINT256, {"from": holder})


@pytest.fixture(scope="module")
def desk(SettlementDesk: Any, admin: Any) -> Any:  # noqa: N803
    return SettlementDesk.deploy({"from": admin})


@pytest.fixture(scope="module")
def usd(TestStablecoin: Any, admin: Any) -> Any:  # noqa: N803
    return TestStablecoin.deploy({"from": admin})


@pytest.fixture(scope="module")
def market(desk: Any, usd: Any, open_shares: Any, alice: Any, maker: Any, bob: Any, carol: Any) -> Market:
    """Unrestricted shares: ``maker`` and ``bob`` hold HELD each; ``maker``, ``bob``, ``carol`` hold FUNDS of
    tUSD; all approved the desk for both tokens."""
    m = Market(desk, usd, open_shares)
    for holder in (maker, bob):
        open_shares.transfer(holder, HELD, {"from": alice})
    _fund(m, maker, bob, carol)
    return m


@pytest.fixture(scope="module")
def rmarket(
    desk: Any, usd: Any, restricted_shares: Any, compliance: Any, officer: Any, alice: Any, maker: Any, carol: Any
) -> Market:
    """Restricted shares: ``maker`` (verified, FR) holds HELD; ``carol`` (unknown) has tUSD; both approved."""
    compliance.verifyInvestor(maker, b"FR", now() + 10**8, EVIDENCE, {"from": officer})
    m = Market(desk, usd, restricted_shares)
    restricted_shares.transfer(maker, HELD, {"from": alice})
    _fund(m, maker, carol)
    return m


@pytest.fixture
def new_order(market: Market, maker: Any) -> Callable[..., Order]:
    """``maker`` sells 700 shares for 1,000 tUSD, valid for an hour; keyword arguments override fields."""

    def make(**changes: Any) -> Order:
        order = Order(
            maker=maker.address,
            makerSells=True,
            assetKind=ERC20_ASSET,
            asset=market.shares.address,
            assetId=0,
            amount=700,
            paymentToken=market.usd.address,
            price=1_000 * USD,
            expiry=now() + 3600,
        )
        return order.but(**changes)

    return make


@pytest.fixture
def sign(desk: Any) -> Callable[..., bytes]:
    def signer(order: Order, key: str = MAKER_KEY, **domain: Any) -> bytes:
        return sign_order(key, order, desk=domain.get("desk", desk), chain=domain.get("chain"))

    return signer


def digest(desk: Any, order: Order) -> bytes:
    return bytes(desk.hashOrder(order.as_tuple()))


def snapshot(market: Market, *holders: Any) -> list[tuple[int, int]]:
    return [(market.shares.balanceOf(h), market.usd.balanceOf(h)) for h in holders]


# ------------------------------------------------------------------------------------------- hashing


def test_hash_order_matches_eip712(desk: Any, new_order: Callable[..., Order]) -> None:
    order = new_order(nonce=17, taker="0x" + "ab" * 20, makerSells=False)
    onchain = digest(desk, order)
    assert onchain == order_digest(order, desk=desk)
    message = encode_typed_data(
        full_message={
            "types": {"EIP712Domain": EIP712_DOMAIN, "Order": ORDER_FIELDS},
            "primaryType": "Order",
            "domain": {"name": DESK_NAME, "version": "1", "chainId": chain_id(), "verifyingContract": desk.address},
            "message": {k: v for k, v in zip([f["name"] for f in ORDER_FIELDS], order.as_tuple(), strict=True)},
        }
    )
    assert onchain == keccak(b"\x19" + message.version + message.header + message.body)


def test_domain(desk: Any) -> None:
    assert bytes(desk.DOMAIN_SEPARATOR()) == domain_separator(DESK_NAME, chain_id=chain_id(), verifying_contract=desk)
    fields, name, version, chain, contract, _salt, _extensions = desk.eip712Domain()
    assert (fields, name, version, chain, contract) == ("0x0f", DESK_NAME, "1", chain_id(), desk.address)


def test_every_field_is_hashed(desk: Any, new_order: Callable[..., Order]) -> None:
    order = new_order()
    changed = [
        order.but(maker=ZERO_ADDRESS),
        order.but(makerSells=False),
        order.but(assetKind=ERC721_ASSET),
        order.but(asset=ZERO_ADDRESS),
        order.but(assetId=1),
        order.but(amount=701),
        order.but(paymentToken=ZERO_ADDRESS),
        order.but(price=1),
        order.but(expiry=order.expiry + 1),
        order.but(nonce=1),
        order.but(taker=order.maker),
    ]
    hashes = {digest(desk, o) for o in [order, *changed]}
    assert len(hashes) == 1 + len(changed)


# ------------------------------------------------------------------------------------------- fills


def test_fill_maker_sells_shares(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    order = new_order()
    order_hash = digest(market.desk, order)
    before = snapshot(market, maker, bob)
    tx = market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})
    assert tx.return_value == 1_000 * USD
    assert events_of(tx) == [
        ("OrderFilled", {"orderHash": order_hash, "maker": maker, "taker": bob, "amount": 700, "payment": 1_000 * USD}),
        ("Transfer", {"from": maker, "to": bob, "amount": 700}),
        ("Transfer", {"from": bob, "to": maker, "value": 1_000 * USD}),
    ]
    assert [log["address"] for log in tx.logs] == [market.desk.address, market.shares.address, market.usd.address]
    assert snapshot(market, maker, bob) == [
        (before[0][0] - 700, before[0][1] + 1_000 * USD),
        (before[1][0] + 700, before[1][1] - 1_000 * USD),
    ]
    assert market.desk.filled(order_hash) == 700


def test_fill_maker_buys_shares(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    order = new_order(makerSells=False, amount=301, price=333 * USD)
    before = snapshot(market, maker, bob)
    tx = market.desk.fill(order.as_tuple(), sign(order), 301, {"from": bob})
    assert [(name, args["from"], args["to"]) for name, args in events_of(tx)[1:]] == [
        ("Transfer", bob, maker),  # the shares, from the taker (seller)
        ("Transfer", maker, bob),  # the payment, from the maker (buyer)
    ]
    assert snapshot(market, maker, bob) == [
        (before[0][0] + 301, before[0][1] - 333 * USD),
        (before[1][0] - 301, before[1][1] + 333 * USD),
    ]


@pytest.mark.parametrize(
    ("maker_sells", "amount", "price", "fills", "payments"),
    [
        # 3/7 and 4/7 of 1,000: 428.57 and 571.43; the maker receives the ceiling, pays the floor.
        (True, 7, 1_000, [3, 4], [429, 572]),
        (False, 7, 1_000, [3, 4], [428, 571]),
        (True, 7, 1_000, [1, 1, 5], [143, 143, 715]),
        (False, 7, 1_000, [1, 1, 5], [142, 142, 714]),
        (True, 3, 1, [1, 1, 1], [1, 1, 1]),  # a third of one unit, rounded up each time
        (False, 3, 1, [1, 1, 1], [0, 0, 0]),  # ... and down: the taker sells for nothing
        (True, 4, 1_000, [1, 3], [250, 750]),  # exact: no rounding
        (False, 4, 1_000, [1, 3], [250, 750]),
    ],
)
def test_partial_fills_pay_pro_rata_rounded_for_the_maker(
    market: Market,
    new_order: Callable[..., Order],
    sign: Any,
    maker: Any,
    bob: Any,
    maker_sells: bool,
    amount: int,
    price: int,
    fills: list[int],
    payments: list[int],
) -> None:
    """Each fill is rounded on its own, so fills of one order can add up to more (maker sells) or less (maker
    buys) than ``price``: by less than one unit of the payment token per fill."""
    order = new_order(makerSells=maker_sells, amount=amount, price=price)
    signature = sign(order)
    payer, payee = (bob, maker) if maker_sells else (maker, bob)
    for fill, payment in zip(fills, payments, strict=True):
        before = (market.usd.balanceOf(payer), market.usd.balanceOf(payee))
        tx = market.desk.fill(order.as_tuple(), signature, fill, {"from": bob})
        assert tx.return_value == payment
        assert tx.events["OrderFilled"]["payment"] == payment
        assert (market.usd.balanceOf(payer), market.usd.balanceOf(payee)) == (before[0] - payment, before[1] + payment)
    assert market.desk.filled(digest(market.desk, order)) == amount


def test_fill_beyond_remaining_reverts(market: Market, new_order: Callable[..., Order], sign: Any, bob: Any) -> None:
    order = new_order()
    order_hash = digest(market.desk, order)
    with reverts("FillExceedsRemaining", order_hash, 700, 701):
        market.desk.fill(order.as_tuple(), sign(order), 701, {"from": bob})
    market.desk.fill(order.as_tuple(), sign(order), 500, {"from": bob})
    with reverts("FillExceedsRemaining", order_hash, 200, 201):
        market.desk.fill(order.as_tuple(), sign(order), 201, {"from": bob})
    market.desk.fill(order.as_tuple(), sign(order), 200, {"from": bob})


def test_replay_after_full_fill_reverts(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any, carol: Any
) -> None:
    order = new_order()
    market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})
    before = snapshot(market, maker, bob, carol)
    for taker in (bob, carol):
        with reverts("FillExceedsRemaining", digest(market.desk, order), 0, 1):
            market.desk.fill(order.as_tuple(), sign(order), 1, {"from": taker})
    assert snapshot(market, maker, bob, carol) == before


def test_zero_fill_reverts(market: Market, new_order: Callable[..., Order], sign: Any, bob: Any) -> None:
    order = new_order()
    with reverts("InvalidFillAmount", 0):
        market.desk.fill(order.as_tuple(), sign(order), 0, {"from": bob})


@pytest.mark.parametrize(
    "changes",
    [{"amount": 0}, {"maker": ZERO_ADDRESS}, {"assetKind": ERC721_ASSET, "amount": 2}],
    ids=["zero-amount", "zero-maker", "erc721-amount-2"],
)
def test_invalid_order_reverts(
    market: Market, new_order: Callable[..., Order], sign: Any, bob: Any, changes: dict[str, Any]
) -> None:
    order = new_order(**changes)
    with reverts("InvalidOrder"):
        market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})


# ------------------------------------------------------------------------------------------- expiry, cancellation


def test_expired_order_reverts(market: Market, new_order: Callable[..., Order], sign: Any, bob: Any) -> None:
    order = new_order(expiry=now() + 100)
    mine_at(order.expiry + 1)
    with reverts("OrderExpired", digest(market.desk, order), order.expiry):
        market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})


def test_order_fillable_in_its_expiry_second(
    market: Market, new_order: Callable[..., Order], sign: Any, bob: Any
) -> None:
    order = new_order(expiry=now() + 100)
    rpc("evm_setNextBlockTimestamp", [order.expiry])
    tx = market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})
    assert tx.timestamp == order.expiry


def test_cancel_by_non_maker_reverts(market: Market, new_order: Callable[..., Order], bob: Any, maker: Any) -> None:
    order = new_order()
    with reverts("NotOrderMaker", bob, maker):
        market.desk.cancel(order.as_tuple(), {"from": bob})
    assert not market.desk.cancelled(digest(market.desk, order))


def test_cancelled_order_cannot_be_filled(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    order = new_order()
    order_hash = digest(market.desk, order)
    market.desk.fill(order.as_tuple(), sign(order), 100, {"from": bob})
    tx = market.desk.cancel(order.as_tuple(), {"from": maker})
    assert events_of(tx) == [("OrderCancelledByMaker", {"orderHash": order_hash, "maker": maker})]
    assert market.desk.cancelled(order_hash)
    with reverts("OrderCancelled", order_hash):
        market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})
    assert market.desk.filled(order_hash) == 100


def test_cancel_below_voids_lower_nonces(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, maker2: Any, bob: Any
) -> None:
    tx = market.desk.cancelBelow(5, {"from": maker})
    assert events_of(tx) == [("NoncesCancelled", {"maker": maker, "nonce": 5})]
    assert market.desk.minNonce(maker) == 5
    low = new_order(nonce=4)
    with reverts("OrderCancelled", digest(market.desk, low)):
        market.desk.fill(low.as_tuple(), sign(low), 1, {"from": bob})
    at = new_order(nonce=5)
    market.desk.fill(at.as_tuple(), sign(at), 1, {"from": bob})
    assert market.desk.minNonce(maker2) == 0


def test_cancel_below_only_raises(market: Market, maker: Any) -> None:
    market.desk.cancelBelow(5, {"from": maker})
    tx = market.desk.cancelBelow(3, {"from": maker})
    assert events_of(tx) == [("NoncesCancelled", {"maker": maker, "nonce": 5})]
    assert market.desk.minNonce(maker) == 5


def test_order_for_a_named_taker(
    market: Market, new_order: Callable[..., Order], sign: Any, bob: Any, carol: Any
) -> None:
    order = new_order(taker=bob.address)
    with reverts("NotOrderTaker", digest(market.desk, order), bob):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": carol})
    market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})


# ------------------------------------------------------------------------------------------- signatures


def test_signature_by_another_key_reverts(market: Market, new_order: Callable[..., Order], sign: Any, bob: Any) -> None:
    order = new_order()
    with reverts("InvalidSignature", digest(market.desk, order)):
        market.desk.fill(order.as_tuple(), sign(order, MAKER2_KEY), 1, {"from": bob})


@pytest.mark.parametrize(
    "changes",
    [{"price": 999 * USD}, {"amount": 7_000}, {"makerSells": False}, {"expiry": 2**40}, {"taker": ZERO_ADDRESS}],
    ids=["price", "amount", "side", "expiry", "taker"],
)
def test_tampered_order_reverts(
    market: Market, new_order: Callable[..., Order], sign: Any, bob: Any, changes: dict[str, Any]
) -> None:
    signed = new_order(taker=bob.address)
    submitted = signed.but(**changes)
    with reverts("InvalidSignature", digest(market.desk, submitted)):
        market.desk.fill(submitted.as_tuple(), sign(signed), 1, {"from": bob})


def test_signature_for_another_chain_reverts(
    market: Market, new_order: Callable[..., Order], sign: Any, bob: Any
) -> None:
    order = new_order()
    with reverts("InvalidSignature", digest(market.desk, order)):
        market.desk.fill(order.as_tuple(), sign(order, chain=chain_id() + 1), 1, {"from": bob})


def test_signature_for_another_desk_reverts(
    SettlementDesk: Any,  # noqa: N803
    market: Market,
    new_order: Callable[..., Order],
    sign: Any,
    admin: Any,
    maker: Any,
    bob: Any,
) -> None:
    other = SettlementDesk.deploy({"from": admin})
    order = new_order()
    signature = sign(order, desk=other)
    with reverts("InvalidSignature", digest(market.desk, order)):
        market.desk.fill(order.as_tuple(), signature, 1, {"from": bob})
    market.shares.approve(other, MAX_UINT256, {"from": maker})
    market.usd.approve(other, MAX_UINT256, {"from": bob})
    other.fill(order.as_tuple(), signature, 1, {"from": bob})  # the same signature is good where it was meant


@pytest.mark.parametrize("signature", [b"", b"\x00" * 65, b"\x01" * 64], ids=["empty", "zeros", "64-bytes"])
def test_malformed_signature_reverts(
    market: Market, new_order: Callable[..., Order], bob: Any, signature: bytes
) -> None:
    order = new_order()
    with reverts("InvalidSignature", digest(market.desk, order)):
        market.desk.fill(order.as_tuple(), signature, 1, {"from": bob})


def test_contract_maker_signs_with_erc1271(
    market: Market, new_order: Callable[..., Order], sign: Any, alice: Any, maker2: Any, bob: Any
) -> None:
    wallet = deploy_test_contract("OwnedWallet", maker2, maker2.address)
    market.shares.transfer(wallet, 50, {"from": alice})
    wallet.approve(market.shares, market.desk, MAX_UINT256, {"from": maker2})
    order = new_order(maker=wallet.address, amount=50, price=5 * USD)
    with reverts("InvalidSignature", digest(market.desk, order)):
        market.desk.fill(order.as_tuple(), sign(order, MAKER_KEY), 50, {"from": bob})
    market.desk.fill(order.as_tuple(), sign(order, MAKER2_KEY), 50, {"from": bob})
    assert (market.shares.balanceOf(wallet), market.usd.balanceOf(wallet)) == (0, 5 * USD)


# ------------------------------------------------------------------------------------------- whole rights


@pytest.fixture
def right_for_sale(market: Market, registry: Any, new_right: Callable[[Any], int], maker: Any) -> int:
    token_id = new_right(maker)
    registry.approve(market.desk, token_id, {"from": maker})
    return token_id


def test_whole_right_sold_for_stablecoin(
    market: Market, registry: Any, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any, right_for_sale: int
) -> None:
    order = new_order(
        assetKind=ERC721_ASSET, asset=registry.address, assetId=right_for_sale, amount=1, price=250_000 * USD
    )
    usd_before = (market.usd.balanceOf(maker), market.usd.balanceOf(bob))
    tx = market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})
    assert events_of(tx)[1] == ("Transfer", {"from": maker, "to": bob, "id": right_for_sale})
    assert registry.ownerOf(right_for_sale) == bob
    assert (market.usd.balanceOf(maker), market.usd.balanceOf(bob)) == (
        usd_before[0] + 250_000 * USD,
        usd_before[1] - 250_000 * USD,
    )
    with reverts("FillExceedsRemaining", digest(market.desk, order), 0, 1):
        market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})


def test_whole_right_bought_by_maker(
    market: Market,
    registry: Any,
    new_right: Callable[[Any], int],
    new_order: Callable[..., Order],
    sign: Any,
    maker: Any,
    bob: Any,
) -> None:
    token_id = new_right(bob)
    registry.approve(market.desk, token_id, {"from": bob})
    order = new_order(
        makerSells=False, assetKind=ERC721_ASSET, asset=registry.address, assetId=token_id, amount=1, price=9 * USD
    )
    market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})
    assert registry.ownerOf(token_id) == maker


def test_whole_right_fill_of_two_reverts_as_exceeding(
    market: Market, registry: Any, new_order: Callable[..., Order], sign: Any, bob: Any, right_for_sale: int
) -> None:
    """An ERC721 order has one unit: any larger fill is an overfill."""
    order = new_order(assetKind=ERC721_ASSET, asset=registry.address, assetId=right_for_sale, amount=1, price=1)
    with reverts("FillExceedsRemaining", digest(market.desk, order), 1, 2):
        market.desk.fill(order.as_tuple(), sign(order), 2, {"from": bob})


def test_frozen_right_cannot_be_sold(
    market: Market,
    registry: Any,
    registrar: Any,
    new_order: Callable[..., Order],
    sign: Any,
    maker: Any,
    bob: Any,
    right_for_sale: int,
) -> None:
    registry.freeze(right_for_sale, REASON, {"from": registrar})
    order = new_order(assetKind=ERC721_ASSET, asset=registry.address, assetId=right_for_sale, amount=1, price=1)
    with reverts("TokenIsFrozen", right_for_sale):
        market.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})
    assert registry.ownerOf(right_for_sale) == maker


# ------------------------------------------------------------------------------------------- compliance


def test_compliance_applies_to_delivered_shares(
    rmarket: Market, compliance: Any, officer: Any, new_order: Callable[..., Order], sign: Any, maker: Any, carol: Any
) -> None:
    order = new_order(asset=rmarket.shares.address)
    before = snapshot(rmarket, maker, carol)
    with reverts("NotEligible", carol):
        rmarket.desk.fill(order.as_tuple(), sign(order), 700, {"from": carol})
    assert snapshot(rmarket, maker, carol) == before
    assert rmarket.desk.filled(digest(rmarket.desk, order)) == 0
    compliance.verifyInvestor(carol, b"IT", now() + 3600, b"\x01" * 32, {"from": officer})
    rmarket.desk.fill(order.as_tuple(), sign(order), 700, {"from": carol})
    assert rmarket.shares.balanceOf(carol) == 700


def test_compliance_checks_the_maker_too(
    rmarket: Market, compliance: Any, officer: Any, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    bob_usd = rmarket.usd.balanceOf(bob)
    rmarket.usd.mint(bob, FUNDS, {"from": bob})
    rmarket.usd.approve(rmarket.desk, MAX_UINT256, {"from": bob})
    compliance.verifyInvestor(bob, b"DE", now() + 3600, b"\x01" * 32, {"from": officer})
    compliance.revokeIdentity(maker, REASON, {"from": officer})
    order = new_order(asset=rmarket.shares.address)
    with reverts("NotEligible", maker):
        rmarket.desk.fill(order.as_tuple(), sign(order), 1, {"from": bob})
    assert rmarket.usd.balanceOf(bob) == bob_usd + FUNDS


def test_frozen_maker_shares_cannot_be_sold(
    market: Market, officer: Any, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    market.shares.freeze(maker, HELD - 100, REASON, {"from": officer})
    order = new_order()
    with reverts("ERC7943InsufficientUnfrozenBalance", maker, 700, 100):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})


def test_missing_payment_allowance_reverts_and_nothing_moves(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    market.usd.approve(market.desk, 999, {"from": bob})
    before = snapshot(market, maker, bob)
    order = new_order()
    with reverts("ERC20InsufficientAllowance", market.desk, 999, 1_000 * USD):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})
    assert snapshot(market, maker, bob) == before  # the share delivery before the payment was rolled back


# ------------------------------------------------------------------------------------------- payment tokens


@pytest.fixture
def odd_token(market: Market, admin: Any, bob: Any) -> Callable[[str], Any]:
    def deploy(name: str) -> Any:
        token = deploy_test_contract(name, admin)
        token.mint(bob, FUNDS, {"from": bob})
        token.approve(market.desk, MAX_UINT256, {"from": bob})
        return token

    return deploy


def test_fee_on_transfer_payment_reverts(
    market: Market, odd_token: Callable[[str], Any], new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    token = odd_token("FeeOnTransferToken")
    order = new_order(paymentToken=token.address, price=1_000)
    shares_before = (market.shares.balanceOf(maker), market.shares.balanceOf(bob))
    with reverts("PaymentShortfall", 1_000, 990):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})
    assert (market.shares.balanceOf(maker), market.shares.balanceOf(bob)) == shares_before
    assert token.balanceOf(bob) == FUNDS


def test_lying_payment_token_reverts(
    market: Market, odd_token: Callable[[str], Any], new_order: Callable[..., Order], sign: Any, bob: Any
) -> None:
    token = odd_token("LyingToken")
    order = new_order(paymentToken=token.address, price=1_000)
    with reverts("PaymentShortfall", 1_000, 0):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})


def test_payment_token_returning_false_reverts(
    market: Market, odd_token: Callable[[str], Any], new_order: Callable[..., Order], sign: Any, bob: Any
) -> None:
    token = odd_token("FalseToken")
    order = new_order(paymentToken=token.address, price=1_000)
    with reverts("SafeERC20FailedOperation", token):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})


def test_reentrant_fill_is_refused(
    market: Market, odd_token: Callable[[str], Any], new_order: Callable[..., Order], sign: Any, maker: Any, bob: Any
) -> None:
    token = odd_token("ReentrantToken")
    order = new_order(paymentToken=token.address, price=1_000)
    inner = new_order(nonce=1)
    token.arm(market.desk, market.desk.fill.encode_input(inner.as_tuple(), sign(inner), 1), {"from": bob})
    with reverts("ReentrancyGuardReentrantCall"):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})
    # The same inner fill outside a fill goes through, and the token works once disarmed.
    market.desk.fill(inner.as_tuple(), sign(inner), 1, {"from": bob})
    token.arm(ZERO_ADDRESS, b"", {"from": bob})
    market.desk.fill(order.as_tuple(), sign(order), 700, {"from": bob})
    assert token.balanceOf(maker) == 1_000


def test_self_fill_reverts_as_payment_shortfall(
    market: Market, new_order: Callable[..., Order], sign: Any, maker: Any
) -> None:
    """A maker filling their own order pays themselves: the payee's balance does not grow, so the desk's
    balance-difference check reports a shortfall of the whole payment (a wash trade cannot settle)."""
    order = new_order()
    with reverts("PaymentShortfall", 1_000 * USD, 0):
        market.desk.fill(order.as_tuple(), sign(order), 700, {"from": maker})
