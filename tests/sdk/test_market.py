"""Signed orders settled by the desk: hashing, pro-rata fills, replay, expiry, cancellation, takers, whole rights."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ipledger import (
    ComplianceError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    OrderError,
    SignedOrder,
    order_hash,
)
from ipledger.chain._transactions import revert_data
from share_support import ONE, USD, advance_time
from web3.exceptions import ContractLogicError

#: End-to-end flows: also run on anvil with a block a second (make test-nodes).
pytestmark = pytest.mark.flow

Patent = tuple[IPMetadata, list[Path]]


@pytest.fixture(scope="module")
def funded(ledger: Ledger, investors: dict[str, str]) -> None:
    """dev1, dev2 and dev3 hold tUSD."""
    for name in ("dev1", "dev2", "dev3"):
        ledger.payments.mint_test_stablecoin(name, 1_000_000 * USD)


@pytest.fixture
def sell_order(ledger: Ledger, fractionalized: int, funded: None) -> SignedOrder:
    """dev1 sells 100 shares for 250 tUSD."""
    return ledger.use("dev1").market.create_order("sell", fractionalized, 100 * ONE, price=250 * USD)


def _payment(ledger: Ledger, name: str) -> int:
    return ledger.payments.balance(None, name)


def test_the_sdk_order_hash_is_the_desk_hash(ledger: Ledger, sell_order: SignedOrder) -> None:
    on_chain = ledger.contracts.desk.functions.hashOrder(sell_order.order.as_tuple()).call()
    assert "0x" + bytes(on_chain).hex() == sell_order.order_hash
    assert (
        order_hash(sell_order.order, chain_id=ledger.chain_id, desk=ledger.contracts.desk.address)
        == sell_order.order_hash
    )
    other_desk = order_hash(sell_order.order, chain_id=ledger.chain_id, desk=ledger.contracts.registry_address)
    assert other_desk != sell_order.order_hash


def test_a_signed_order_survives_json(sell_order: SignedOrder) -> None:
    text = sell_order.model_dump_json()
    assert f'"amount":"{100 * ONE}"' in text  # uint256 values are strings in JSON
    assert SignedOrder.model_validate_json(text) == sell_order


def test_partial_fills_pay_pro_rata_and_the_order_cannot_be_overfilled_or_replayed(
    ledger: Ledger, fractionalized: int, sell_order: SignedOrder
) -> None:
    buyer = ledger.use("dev2")
    seller_before, buyer_before = _payment(ledger, "dev1"), _payment(ledger, "dev2")
    first = buyer.market.fill_order(sell_order, 30 * ONE)
    assert (first.amount, first.payment) == (30 * ONE, 75 * USD)
    assert ledger.market.order_status(sell_order).state == "partially_filled"
    with pytest.raises(OrderError) as overfill:
        buyer.market.fill_order(sell_order, 71 * ONE)
    assert overfill.value.error_name == "FillExceedsRemaining"
    assert overfill.value.error_args["remaining"] == 70 * ONE
    rest = buyer.market.fill_order(sell_order)  # all that remains
    assert (rest.amount, rest.payment) == (70 * ONE, 175 * USD)
    assert _payment(ledger, "dev1") - seller_before == 250 * USD
    assert buyer_before - _payment(ledger, "dev2") == 250 * USD
    assert ledger.shares.balance(fractionalized, "dev2") == 100 * ONE
    status = ledger.market.order_status(sell_order)
    assert (status.state, status.filled, status.remaining) == ("filled", 100 * ONE, 0)
    with pytest.raises(OrderError, match="FillExceedsRemaining"):
        buyer.market.fill_order(sell_order)  # no replay


def test_pro_rata_rounds_in_the_makers_favour(ledger: Ledger, fractionalized: int, funded: None) -> None:
    seller = ledger.use("dev1").market.create_order("sell", fractionalized, 3, price=10, taker="dev2")
    assert ledger.use("dev2").market.fill_order(seller, 1).payment == 4  # the buyer pays 3.33 rounded up
    buyer_order = ledger.use("dev2").market.create_order("buy", fractionalized, 3, price=10)
    assert ledger.use("dev1").market.fill_order(buyer_order, 1).payment == 3  # the maker pays 3.33 rounded down


def test_the_taker_approves_exactly_what_it_delivers(ledger: Ledger, sell_order: SignedOrder) -> None:
    taker = ledger.use("dev3")
    stablecoin = ledger.contracts.stablecoin
    desk = ledger.contracts.desk.address
    fill = taker.market.fill_order(sell_order, 10 * ONE)
    assert fill.approval is not None
    assert stablecoin.functions.allowance(ledger.address_of("dev3"), desk).call() == 0  # exactly consumed
    stablecoin_approve = stablecoin.functions.approve(desk, 10**30).build_transaction(
        {
            "from": ledger.address_of("dev3"),
            "nonce": ledger.chain.w3.eth.get_transaction_count(ledger.address_of("dev3")),
        }
    )
    signed = taker.signer.account.sign_transaction(stablecoin_approve)
    ledger.chain.w3.eth.wait_for_transaction_receipt(ledger.chain.w3.eth.send_raw_transaction(signed.raw_transaction))
    assert taker.market.fill_order(sell_order, 10 * ONE).approval is None  # the allowance sufficed


@pytest.mark.anvil
def test_an_expired_order_cannot_be_filled(ledger: Ledger, fractionalized: int, funded: None) -> None:
    order = ledger.use("dev1").market.create_order(
        "sell", fractionalized, ONE, price=USD, expires_in=dt.timedelta(minutes=5)
    )
    advance_time(ledger, 600)
    assert ledger.market.order_status(order).state == "expired"
    with pytest.raises(OrderError) as caught:
        ledger.use("dev2").market.fill_order(order)
    assert caught.value.error_name == "OrderExpired"
    assert caught.value.error_args["expiry"] == order.order.expiry


def test_a_cancelled_order_cannot_be_filled(ledger: Ledger, sell_order: SignedOrder) -> None:
    with pytest.raises(OrderError, match="NotOrderMaker"):
        ledger.use("dev2").market.cancel_order(sell_order)
    ledger.use("dev1").market.cancel_order(sell_order)
    assert ledger.market.order_status(sell_order).state == "cancelled"
    with pytest.raises(OrderError, match="OrderCancelled"):
        ledger.use("dev2").market.fill_order(sell_order)


def test_cancel_below_voids_every_earlier_order(ledger: Ledger, fractionalized: int, funded: None) -> None:
    maker = ledger.use("dev1")
    older = maker.market.create_order("sell", fractionalized, ONE, price=USD)
    old = maker.market.create_order("buy", fractionalized, ONE, price=USD)
    maker.market.cancel_orders_below()
    newer = maker.market.create_order("sell", fractionalized, ONE, price=USD)
    assert ledger.market.order_status(older).cancelled and ledger.market.order_status(old).cancelled
    for order in (older, old):
        with pytest.raises(OrderError, match="OrderCancelled"):
            ledger.use("dev2").market.fill_order(order)
    assert ledger.use("dev2").market.fill_order(newer).amount == ONE


def test_an_order_reserved_to_a_taker(ledger: Ledger, fractionalized: int, funded: None) -> None:
    order = ledger.use("dev1").market.create_order("sell", fractionalized, ONE, price=USD, taker="dev3")
    with pytest.raises(OrderError) as caught:
        ledger.use("dev2").market.fill_order(order)
    assert caught.value.error_name == "NotOrderTaker"
    assert caught.value.error_args["taker"] == ledger.address_of("dev3")
    assert ledger.use("dev3").market.fill_order(order).amount == ONE


def test_a_buy_order_is_filled_by_a_seller(ledger: Ledger, fractionalized: int, funded: None) -> None:
    bid = ledger.use("dev2").market.create_order("buy", fractionalized, 40 * ONE, price=100 * USD)
    before = _payment(ledger, "dev1")
    ledger.use("dev1").market.fill_order(bid)
    assert ledger.shares.balance(fractionalized, "dev2") == 40 * ONE
    assert _payment(ledger, "dev1") - before == 100 * USD


def test_the_desk_delivers_only_to_eligible_buyers(ledger: Ledger, fractionalized: int, funded: None) -> None:
    ledger.payments.mint_test_stablecoin("dev6", 100 * USD)
    order = ledger.use("dev1").market.create_order("sell", fractionalized, ONE, price=USD)
    with pytest.raises(ComplianceError) as caught:
        ledger.use("dev6").market.fill_order(order)
    assert caught.value.error_name == "NotEligible" and caught.value.account == ledger.address_of("dev6")


def test_a_whole_right_changes_hands_for_payment(ledger: Ledger, patent: Patent, funded: None) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    order = ledger.use("dev1").market.create_order("sell", token, price=2_000_000 * USD // 4, whole_right=True)
    assert order.order.asset == ledger.contracts.registry_address and order.order.amount == 1
    before = _payment(ledger, "dev1")
    fill = ledger.use("dev2").market.fill_order(order)
    assert fill.amount == 1 and fill.payment == 500_000 * USD
    assert ledger.get(token).owner == ledger.address_of("dev2")
    assert _payment(ledger, "dev1") - before == 500_000 * USD
    assert [event.kind for event in ledger.history(token).events] == ["registered", "transfer"]
    bid = ledger.use("dev3").market.create_order("buy", token, price=600_000 * USD, whole_right=True)
    ledger.use("dev2").market.fill_order(bid)
    assert ledger.get(token).owner == ledger.address_of("dev3")


def test_tampered_or_forged_orders_are_refused_before_sending(ledger: Ledger, sell_order: SignedOrder) -> None:
    cheaper = sell_order.model_copy(update={"order": sell_order.order.model_copy(update={"price": 1})})
    with pytest.raises(InvalidInputError, match="altered"):
        ledger.use("dev2").market.fill_order(cheaper)
    forged_order = cheaper.order  # the cheaper order with a hash of its own, under the maker's old signature
    resigned = SignedOrder(
        order=forged_order,
        signature=sell_order.signature,
        order_hash=ledger.market.order_hash(forged_order),
        token_id=sell_order.token_id,
        chain_id=sell_order.chain_id,
        desk=sell_order.desk,
    )
    head = ledger.chain.w3.eth.block_number
    with pytest.raises(OrderError, match="InvalidSignature"):
        ledger.use("dev2").market.fill_order(resigned)
    assert ledger.chain.w3.eth.block_number == head
    garbage = sell_order.model_copy(update={"signature": "0x" + "ff" * 65})
    with pytest.raises(OrderError, match="InvalidSignature"):
        ledger.use("dev2").market.fill_order(garbage)
    elsewhere = sell_order.model_copy(update={"chain_id": 1})
    with pytest.raises(InvalidInputError, match="chain 1"):
        ledger.use("dev2").market.fill_order(elsewhere)


def _desk_refusal(ledger: Ledger, signed: SignedOrder, amount: int, taker: str) -> str:
    """The error the desk itself reverts with (an eth_call straight to the contract, no SDK pre-check)."""
    call = ledger.contracts.desk.functions.fill(signed.order.as_tuple(), bytes.fromhex(signed.signature[2:]), amount)
    try:
        call.call({"from": ledger.address_of(taker)})
    except ContractLogicError as exc:
        return ledger.chain.decoder.decode(revert_data(exc)).error_name
    return "accepted"


@pytest.mark.anvil
def test_the_desk_itself_refuses_replays_overfills_expiry_cancellation_and_other_takers(
    ledger: Ledger, fractionalized: int, funded: None
) -> None:
    maker = ledger.use("dev1")
    filled = maker.market.create_order("sell", fractionalized, ONE, price=USD)
    assert _desk_refusal(ledger, filled, 2 * ONE, "dev2") == "FillExceedsRemaining"
    ledger.use("dev2").market.fill_order(filled)
    assert _desk_refusal(ledger, filled, ONE, "dev2") == "FillExceedsRemaining"
    reserved = maker.market.create_order("sell", fractionalized, ONE, price=USD, taker="dev3")
    assert _desk_refusal(ledger, reserved, ONE, "dev2") == "NotOrderTaker"
    # The named taker's payment is approved here: the test must not rely on an approval another test left behind.
    tusd = ledger.contracts.stablecoin
    ledger.use("dev3").chain.send(tusd.functions.approve(ledger.contracts.desk.address, USD), "approve the desk")
    assert _desk_refusal(ledger, reserved, ONE, "dev3") == "accepted"
    cancelled = maker.market.create_order("sell", fractionalized, ONE, price=USD)
    maker.market.cancel_order(cancelled)
    assert _desk_refusal(ledger, cancelled, ONE, "dev2") == "OrderCancelled"
    expiring = maker.market.create_order("sell", fractionalized, ONE, price=USD, expires_in=dt.timedelta(seconds=30))
    advance_time(ledger, 60)
    assert _desk_refusal(ledger, expiring, ONE, "dev2") == "OrderExpired"
    assert _desk_refusal(ledger, reserved, 0, "dev3") == "InvalidFillAmount"
