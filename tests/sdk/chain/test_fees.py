"""The one fee policy: EIP-1559 fees on a chain whose blocks have a base fee, a legacy gas price on one whose blocks
have none, and a replacement that raises the price by more than the 10% nodes require, of either kind."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from eth_account import Account
from ipledger import JsonRpcError
from ipledger.chain._fees import DynamicFees, LegacyFees, current_fees, fees_for_block, fees_of

GWEI = 10**9
#: The latest block as anvil 1.7.1 ``--hardfork berlin`` answers ``eth_getBlockByNumber("latest", false)`` (recorded;
#: logsBloom and the three roots left out): no ``baseFeePerGas``. Its node answered eth_gasPrice 0x6fc23ac0.
PRE_LONDON_BLOCK: dict[str, Any] = {
    "hash": "0x4a67ded65bb62c1f06c3419158d2d0376ad1dc4e919c58920c1f9b2720a04d4c",
    "parentHash": "0x" + "00" * 32,
    "sha3Uncles": "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
    "miner": "0x" + "00" * 20,
    "difficulty": "0x0",
    "number": "0x0",
    "gasLimit": "0x1c9c380",
    "gasUsed": "0x0",
    "timestamp": "0x6b163a53",
    "extraData": "0x",
    "mixHash": "0x" + "00" * 32,
    "nonce": "0x0000000000000000",
    "totalDifficulty": "0x0",
    "size": "0x1ff",
    "uncles": [],
    "transactions": [],
}
#: The same block on a London chain: a base fee of 1 gwei.
LONDON_BLOCK = {**PRE_LONDON_BLOCK, "number": "0x10", "baseFeePerGas": hex(GWEI)}


class RecordedRpc:
    """Answers the policy's requests from recorded values; an answer that is an exception is the node's error."""

    endpoint = "http://recorded"

    def __init__(self, answers: dict[str, Any]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def _answer(self, method: str) -> Any:
        self.asked.append(method)
        return self.answers[method]

    def batch_settled(self, requests: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        return [self._answer(method) for method, _ in requests]

    def call(self, method: str, params: Sequence[Any]) -> Any:
        answer = self._answer(method)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _unknown_method(method: str) -> JsonRpcError:
    return JsonRpcError(method, -32601, f"the method {method} does not exist/is not available")


def test_a_block_with_a_base_fee_gets_eip1559_fees_with_room_for_the_base_fee_to_double() -> None:
    fees = fees_for_block(LONDON_BLOCK, priority=2 * GWEI, gas_price=None)
    assert fees == DynamicFees(max_priority_fee_per_gas=2 * GWEI, max_fee_per_gas=4 * GWEI)
    assert fees.fields() == {"type": 2, "maxPriorityFeePerGas": 2 * GWEI, "maxFeePerGas": 4 * GWEI}


def test_a_block_without_a_base_fee_gets_a_legacy_gas_price() -> None:
    fees = fees_for_block(PRE_LONDON_BLOCK, priority=None, gas_price=3 * GWEI)
    assert fees == LegacyFees(gas_price=3 * GWEI)
    assert fees.fields() == {"gasPrice": 3 * GWEI}


def test_current_fees_on_a_chain_without_base_fee_ask_the_gas_price_and_ignore_a_missing_tip_method() -> None:
    recorded = RecordedRpc(
        {
            "eth_getBlockByNumber": PRE_LONDON_BLOCK,
            "eth_maxPriorityFeePerGas": _unknown_method("eth_maxPriorityFeePerGas"),
            "eth_gasPrice": hex(5 * GWEI),
        }
    )
    assert current_fees(recorded) == LegacyFees(5 * GWEI)  # type: ignore[arg-type]
    assert recorded.asked == ["eth_getBlockByNumber", "eth_maxPriorityFeePerGas", "eth_gasPrice"]


def test_current_fees_on_a_london_chain_are_one_batch() -> None:
    recorded = RecordedRpc({"eth_getBlockByNumber": LONDON_BLOCK, "eth_maxPriorityFeePerGas": hex(GWEI)})
    assert current_fees(recorded) == DynamicFees(GWEI, 3 * GWEI)  # type: ignore[arg-type]
    assert recorded.asked == ["eth_getBlockByNumber", "eth_maxPriorityFeePerGas"]


def test_current_fees_on_a_london_chain_refuse_when_the_node_gives_no_tip() -> None:
    refusal = _unknown_method("eth_maxPriorityFeePerGas")
    recorded = RecordedRpc({"eth_getBlockByNumber": LONDON_BLOCK, "eth_maxPriorityFeePerGas": refusal})
    with pytest.raises(JsonRpcError) as caught:
        current_fees(recorded)  # type: ignore[arg-type]
    assert caught.value is refusal


@pytest.mark.parametrize("price", [0, 1, 7, GWEI, 123_456_789_012])
def test_a_legacy_replacement_raises_the_gas_price_by_more_than_ten_percent(price: int) -> None:
    bumped = LegacyFees(price).bumped(LegacyFees(0))
    assert bumped.gas_price > price and bumped.gas_price * 10 >= price * 11
    assert bumped.fields().keys() == {"gasPrice"}


@pytest.mark.parametrize("tip, cap", [(0, 0), (1, 3), (GWEI, 3 * GWEI), (10**11, 5 * 10**11)])
def test_an_eip1559_replacement_raises_both_fees_by_more_than_ten_percent(tip: int, cap: int) -> None:
    bumped = DynamicFees(tip, cap).bumped(DynamicFees(0, 0))
    assert bumped.max_priority_fee_per_gas > tip and bumped.max_priority_fee_per_gas * 10 >= tip * 11
    assert bumped.max_fee_per_gas > cap and bumped.max_fee_per_gas * 10 >= cap * 11


def test_a_replacement_rises_to_the_current_price_when_that_is_higher() -> None:
    assert LegacyFees(GWEI).bumped(LegacyFees(5 * GWEI)) == LegacyFees(5 * GWEI)
    assert DynamicFees(GWEI, 3 * GWEI).bumped(DynamicFees(2 * GWEI, 9 * GWEI)) == DynamicFees(2 * GWEI, 9 * GWEI)
    # A replacement keeps its kind; the other kind's price is its floor (a legacy gas price is both tip and cap).
    assert LegacyFees(GWEI).bumped(DynamicFees(GWEI, 4 * GWEI)) == LegacyFees(4 * GWEI)
    assert DynamicFees(GWEI, 3 * GWEI).bumped(LegacyFees(6 * GWEI)) == DynamicFees(6 * GWEI, 6 * GWEI)


def test_fees_are_read_back_from_the_transaction_they_were_put_in() -> None:
    for fees in (LegacyFees(7 * GWEI), DynamicFees(GWEI, 3 * GWEI)):
        assert fees_of({"nonce": 0, "gas": 21_000, **fees.fields()}) == fees


def test_the_fields_sign_as_a_legacy_or_a_type_2_transaction() -> None:
    account = Account.create()
    base = {"chainId": 31337, "nonce": 0, "to": account.address, "value": 0, "gas": 21_000, "data": "0x"}
    legacy = bytes(account.sign_transaction({**base, **LegacyFees(GWEI).fields()}).raw_transaction)
    dynamic = bytes(account.sign_transaction({**base, **DynamicFees(GWEI, 3 * GWEI).fields()}).raw_transaction)
    assert legacy[0] >= 0xC0  # an RLP list: a legacy transaction has no type byte
    assert dynamic[0] == 0x02
