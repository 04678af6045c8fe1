"""The named reason behind a wrapped revert: ``Chain.inner_revert`` (a mined transaction) and
``Chain.inner_call_revert`` (a call not sent) walk the call trace down to the share token's own error, where a
contract in between (a Uniswap V2 pair, deployed from the npm build) answered with its own string.

dev1 pools 100 restricted shares with 1,000 tUSD in a pair registered as a venue; dev4, unknown to the compliance
registry, pays tUSD in and asks the pair for shares: the pair's share transfer to dev4 fails with
``NotEligible(dev4)``, which the pair reports as ``UniswapV2: TRANSFER_FAILED``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from ipledger import ComplianceError, Ledger, NotFoundError
from ipledger.chain._traces import revert_path
from share_support import ONE, USD
from web3.contract import Contract

REPO_ROOT = Path(__file__).resolve().parents[3]
UNISWAP_CORE = REPO_ROOT / "node_modules" / "@uniswap" / "v2-core" / "build"
POOL_SHARES, POOL_USD = 100 * ONE, 1_000 * USD
TRACER_NEEDED = "the call tracer's nested frames (debug_traceTransaction / debug_traceCall with callTracer)"

pytestmark = pytest.mark.skipif(not UNISWAP_CORE.is_dir(), reason="node_modules/@uniswap/v2-core is not installed")


@dataclass(frozen=True)
class Pool:
    pair: Contract
    shares: Contract
    usd: Contract
    trader: str  # dev4, unknown to the compliance registry

    def swap_for_shares(self, usd_in: int, shares_out: int) -> dict[str, Any]:
        """The call that pays ``usd_in`` tUSD in (sent beforehand) and asks for ``shares_out`` shares."""
        shares_first = self.pair.functions.token0().call() == self.shares.address
        outs = (shares_out, 0) if shares_first else (0, shares_out)
        data = self.pair.encode_abi("swap", [*outs, self.trader, b""])
        return {"from": self.trader, "to": self.pair.address, "data": data, "gas": 500_000}


def _uniswap(name: str) -> dict[str, Any]:
    build = json.loads((UNISWAP_CORE / f"{name}.json").read_text("utf-8"))
    return {"abi": build["abi"], "bytecode": "0x" + build["bytecode"].removeprefix("0x")}


def _mined(ledger: Ledger, transaction: dict[str, Any]) -> str:
    """Sends ``transaction`` from an unlocked dev account with its own gas limit (no estimate: a revert is mined)."""
    w3 = ledger.chain.w3
    tx_hash = w3.eth.send_transaction(transaction)  # type: ignore[arg-type]
    w3.eth.wait_for_transaction_receipt(tx_hash)
    return HexBytes(tx_hash).to_0x_hex()


@pytest.fixture
def pool(ledger: Ledger, investors: dict[str, str], fractionalized: int) -> Iterator[Pool]:
    w3 = ledger.chain.w3
    dev1, trader = ledger.address_of("dev1"), ledger.address_of("dev4")
    shares = ledger.chain.share_contract(ledger.shares.token(fractionalized))
    usd = ledger.contracts.stablecoin
    factory_build = _uniswap("UniswapV2Factory")
    factory = w3.eth.contract(abi=factory_build["abi"], bytecode=factory_build["bytecode"])
    receipt = w3.eth.wait_for_transaction_receipt(factory.constructor(dev1).transact({"from": dev1}))
    factory = w3.eth.contract(address=receipt["contractAddress"], abi=factory_build["abi"])
    w3.eth.wait_for_transaction_receipt(
        factory.functions.createPair(shares.address, usd.address).transact({"from": dev1})
    )
    pair = w3.eth.contract(
        address=factory.functions.getPair(shares.address, usd.address).call(), abi=_uniswap("UniswapV2Pair")["abi"]
    )
    ledger.compliance.register_venue(pair.address, "Uniswap V2 pool of the battery patent shares")
    ledger.payments.mint_test_stablecoin("dev1", POOL_USD)
    ledger.payments.mint_test_stablecoin("dev4", POOL_USD)
    for call in (
        shares.functions.transfer(pair.address, POOL_SHARES),
        usd.functions.transfer(pair.address, POOL_USD),
        pair.functions.mint(dev1),
    ):
        w3.eth.wait_for_transaction_receipt(call.transact({"from": dev1}))
    yield Pool(pair, shares, usd, trader)


@pytest.mark.anvil(reason=TRACER_NEEDED)
def test_a_mined_swap_refused_by_the_share_token_names_the_reason(ledger: Ledger, pool: Pool) -> None:
    _mined(ledger, {"from": pool.trader, "to": pool.usd.address, "data": _transfer_data(pool, 10 * USD)})
    tx_hash = _mined(ledger, pool.swap_for_shares(10 * USD, ONE // 2))
    assert ledger.chain.w3.eth.get_transaction_receipt(tx_hash)["status"] == 0

    error = ledger.chain.inner_revert(tx_hash)

    assert isinstance(error, ComplianceError)
    assert error.error_name == "NotEligible"
    assert error.error_args == {"account": pool.trader}
    assert error.tx_hash == tx_hash
    assert error.block == ledger.chain.w3.eth.get_transaction_receipt(tx_hash)["blockNumber"]
    assert str(error).startswith(f"inner call to {ledger.chain.compliance.address} reverted: NotEligible(account=")
    # What the sender saw: the pair's string, decoded by the same decoder.
    outer = revert_path(ledger.chain.rpc.call("debug_traceTransaction", [tx_hash, {"tracer": "callTracer"}]))[0]
    assert ledger.chain.decoder.decode(outer.output).error_args == {"message": "UniswapV2: TRANSFER_FAILED"}


@pytest.mark.anvil(reason=TRACER_NEEDED)
def test_a_call_not_sent_names_the_reason_too(ledger: Ledger, pool: Pool) -> None:
    _mined(ledger, {"from": pool.trader, "to": pool.usd.address, "data": _transfer_data(pool, 10 * USD)})
    error = ledger.chain.inner_call_revert(pool.swap_for_shares(10 * USD, ONE // 2))
    assert isinstance(error, ComplianceError)
    assert (error.error_name, error.error_args) == ("NotEligible", {"account": pool.trader})
    assert error.tx_hash is None


@pytest.mark.anvil(reason=TRACER_NEEDED)
def test_no_named_reason_gives_none(ledger: Ledger, pool: Pool) -> None:
    # The whole reserve asked for: the pair refuses with its own string alone (UniswapV2: INSUFFICIENT_LIQUIDITY),
    # before it moves any token.
    tx_hash = _mined(ledger, pool.swap_for_shares(0, POOL_SHARES))
    assert ledger.chain.w3.eth.get_transaction_receipt(tx_hash)["status"] == 0
    assert ledger.chain.inner_revert(tx_hash) is None
    # A transaction that succeeded has no reason at all.
    sync = {"from": pool.trader, "to": pool.pair.address, "data": pool.pair.encode_abi("sync", []), "gas": 100_000}
    assert ledger.chain.inner_revert(_mined(ledger, sync)) is None


def test_an_unknown_transaction_is_not_found(ledger: Ledger) -> None:
    with pytest.raises(NotFoundError):
        ledger.chain.inner_revert("0x" + "ab" * 32)


def _transfer_data(pool: Pool, amount: int) -> str:
    return str(pool.usd.encode_abi("transfer", [pool.pair.address, amount]))


# ------------------------------------------------------------------------------------------- the walk itself

A0, B1, B2, C1, C2, C3 = (to_checksum_address("0x" + byte * 20) for byte in ("a0", "b1", "b2", "c1", "c2", "c3"))


def _frame(to: str, *, output: str | None = None, error: str | None = None, calls: list[Any] | None = None) -> Any:
    frame: dict[str, Any] = {"to": to, "calls": calls or []}
    if error is not None:
        frame["error"] = error
        frame["output"] = output
    return frame


def test_the_path_follows_the_last_failing_call() -> None:
    caught = _frame(C1, output="0x01", error="execution reverted")
    cause = _frame(C3, output="0x03", error="execution reverted")
    trace = _frame(
        A0,
        output="0x00",
        error="execution reverted",
        calls=[caught, _frame(C2), _frame(B1, output="0x02", error="execution reverted", calls=[cause])],
    )
    assert [(frame.to, frame.output, frame.depth) for frame in revert_path(trace)] == [
        (A0, "0x00", 0),
        (B1, "0x02", 1),
        (C3, "0x03", 2),
    ]


def test_a_failure_that_was_caught_is_not_on_the_path() -> None:
    trace = _frame(
        A0,
        output="0x00",
        error="execution reverted",
        calls=[_frame(B1, output="0x01", error="execution reverted"), _frame(B2)],
    )
    assert [frame.to for frame in revert_path(trace)] == [A0]


def test_a_trace_that_succeeded_has_no_path() -> None:
    assert revert_path(_frame(A0, calls=[_frame(B1, output="0x01", error="execution reverted")])) == []
