"""``ledger.payments``: the local chain's test currencies of this market (tUSD, tHKD, tCNH), recorded with the
local deployment, minted, and used to price an order at the settlement desk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ipledger import InvalidInputError, IPMetadata, Ledger, read_local_deployment

Patent = tuple[IPMetadata, list[Path]]
HKD = 10**6


def test_the_local_chain_has_three_test_currencies(ledger: Ledger) -> None:
    currencies = ledger.payments.test_currencies()
    assert sorted(currencies) == ["tCNH", "tHKD", "tUSD"]
    assert currencies["tUSD"] == ledger.deployment.stablecoin
    for symbol, name in (("tHKD", "Test HKD"), ("tCNH", "Test CNH")):
        info = ledger.payments.token_info(currencies[symbol])
        assert (info.symbol, info.name, info.decimals) == (symbol, name, 6)
        assert ledger.deployment.currencies[symbol] == currencies[symbol]


def test_each_test_currency_is_minted_on_its_own(ledger: Ledger) -> None:
    currencies = ledger.payments.test_currencies()
    before = {symbol: ledger.payments.balance(address, "dev7") for symbol, address in currencies.items()}
    ledger.payments.mint_test_stablecoin("dev7", 250 * HKD, currency="tHKD")
    after = {symbol: ledger.payments.balance(address, "dev7") for symbol, address in currencies.items()}
    assert after == {**before, "tHKD": before["tHKD"] + 250 * HKD}
    with pytest.raises(InvalidInputError, match="field 'currency': 'tEUR' is not a test currency here"):
        ledger.payments.mint_test_stablecoin("dev7", 1, currency="tEUR")


def test_an_order_priced_in_hong_kong_dollars_settles(ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev1").token_id
    hkd = ledger.payments.test_currencies()["tHKD"]
    ledger.payments.mint_test_stablecoin("dev2", 800_000 * HKD, currency="tHKD")
    order = ledger.use("dev1").market.create_order(
        "sell", token, price=780_000 * HKD, payment_token=hkd, whole_right=True
    )
    seller_before = ledger.payments.balance(hkd, "dev1")
    ledger.use("dev2").market.fill_order(order)
    assert ledger.get(token).owner == ledger.address_of("dev2")
    assert ledger.payments.balance(hkd, "dev1") == seller_before + 780_000 * HKD


@pytest.mark.anvil
def test_the_local_record_keeps_the_currencies_and_an_older_record_gets_them(home: Path) -> None:
    first = Ledger.local()
    recorded = read_local_deployment(home)
    assert recorded is not None and recorded.currencies == first.deployment.currencies
    assert Ledger.local().deployment.currencies == first.deployment.currencies  # attached, not deployed again
    path = home / "local" / "deployment.json"
    older = json.loads(path.read_text("utf-8"))
    del older["currencies"]
    path.write_text(json.dumps(older), "utf-8")
    upgraded = Ledger.local()
    assert upgraded.contracts.registry_address == first.contracts.registry_address
    assert set(upgraded.deployment.currencies) == {"tHKD", "tCNH"}
    again = read_local_deployment(home)
    assert again is not None and again.currencies == upgraded.deployment.currencies
