"""Gas of royalties (RoyaltyVault payments and withdrawals, share-token distribution and claims) and what royalties
cost a share transfer, beside a plain OZ ERC-20 transfer.

``measure_royalties`` follows ``gas_shares.measure_shares``: one fresh anvil, the shipped artifacts, rows with the
same balance transitions as their baselines. Every share transfer here is restricted (both parties verified
investors) and goes to an existing recipient, like the shares issue's target row. Run it alone with
``python benchmarks/gas_royalties.py`` (prints the table; writes nothing).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from _bench import EVIDENCE, Bench, Row, compared, reference_rows, token_of, token_references
from ipledger._artifacts import load_artifact
from web3 import Web3

SUPPLY = 1_000_000 * 10**18
UNIT = 10**18
USD = 10**6
FUNDS = 10**30
CURRENCIES = 4
TERMS = Web3.keccak(text="royalty benchmark licence")
REPORT = Web3.keccak(text="royalty benchmark sales report")


def _deploy(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


def measure_royalties(bench: Bench, baselines: dict[str, Any]) -> list[Row]:
    """Royalty payments, withdrawal, distribution and claims; share transfers before and after royalties began."""
    accounts = bench.accounts
    admin, issuer, holder, licensee = 0, 1, 2, 5
    refs = token_references(bench, baselines, "ERC20")
    rows = reference_rows(
        refs, "ERC20", {"fresh": "transfer (fresh recipient)", "existing": "transfer (existing recipient)"}
    )

    registry = _deploy(bench, "IPRegistry", accounts[admin])
    compliance = _deploy(bench, "ComplianceRegistry", accounts[admin])
    licenses = _deploy(bench, "LicenseRegistry", registry.address)
    royalty_vault = _deploy(bench, "RoyaltyVault", registry.address, licenses.address)
    vault = _deploy(bench, "FractionVault", registry.address, compliance.address, royalty_vault.address)
    bench.gas(royalty_vault.functions.setFractionVault(vault.address))
    currencies = [_deploy(bench, "TestStablecoin") for _ in range(CURRENCIES)]
    usd = currencies[0]
    for currency in currencies:
        bench.gas(currency.functions.mint(accounts[licensee], FUNDS))
        bench.gas(currency.functions.approve(royalty_vault.address, FUNDS), licensee)
    expires = int(time.time()) + 365 * 86_400
    for index in (issuer, holder):
        bench.gas(compliance.functions.verifyInvestor(accounts[index], b"SG", expires, EVIDENCE))

    def right(serial: int, currencies_: list[Any]) -> tuple[int, list[int]]:
        """A right of the issuer with one licence per currency; its token id and the licence ids."""
        registration = bench.registration(expiry=0)
        token_id = token_of(registration)
        bench.gas(registry.functions.register(accounts[issuer], registration))
        start = bench.w3.eth.get_block("latest")["timestamp"] - 1
        licence_ids = []
        for currency in currencies_:
            terms = (accounts[licensee], TERMS, 0, [], b"\x00" * 32, start, 0, False, 500, currency.address)
            licence_ids.append(licenses.functions.grant(token_id, terms).call({"from": accounts[issuer]}))
            bench.gas(licenses.functions.grant(token_id, terms), issuer)
        return token_id, licence_ids

    def pay(licence_id: int, amount: int) -> int:
        return bench.gas(royalty_vault.functions.pay(licence_id, amount, REPORT), licensee)

    _, (plain,) = right(1, [usd])
    rows.append(Row("royalty pay to the owner (first payment)", pay(plain, 1_000 * USD)))
    rows.append(Row("royalty pay to the owner (later payment)", pay(plain, 1_000 * USD)))
    rows.append(Row("royalty withdraw (owner)", bench.gas(royalty_vault.functions.withdraw(usd.address), issuer)))

    fractional, licences = right(2, currencies)
    bench.gas(registry.functions.approve(vault.address, fractional), issuer)
    bench.gas(vault.functions.fractionalize(fractional, "Royalty shares", "ROY", 18, SUPPLY, True), issuer)
    share_abi = load_artifact("ShareToken").abi
    shares = bench.w3.eth.contract(address=vault.functions.shareTokenOf(fractional).call(), abi=share_abi)

    def share_transfer(label: str) -> Row:
        gas = bench.gas(shares.functions.transfer(accounts[holder], UNIT), issuer)
        return compared(bench, label, gas, refs, "existing", "ERC-20 transfer existing recipient")

    bench.gas(shares.functions.transfer(accounts[holder], UNIT), issuer)  # the holder exists from now on
    rows.append(share_transfer("share transfer restricted, never received royalties (existing recipient)"))

    rows.append(Row("royalty pay to share holders (first distribution)", pay(licences[0], 1_000 * USD)))
    rows.append(Row("royalty pay to share holders (later distribution)", pay(licences[0], 1_000 * USD)))
    rows.append(share_transfer("share transfer restricted, royalties in 1 currency (first booking of both)"))
    rows.append(share_transfer("share transfer restricted, royalties in 1 currency (existing recipient)"))
    rows.append(Row("claimRoyalty (first claim)", bench.gas(shares.functions.claimRoyalty(usd.address), holder)))
    pay(licences[0], 1_000 * USD)
    rows.append(Row("claimRoyalty (later claim)", bench.gas(shares.functions.claimRoyalty(usd.address), holder)))
    bench.gas(shares.functions.setRoyaltyBeneficiary(accounts[issuer], accounts[licensee]), issuer)
    pay(licences[0], 1_000 * USD)
    rows.append(
        Row(
            "claimRoyaltyFor (to the named beneficiary, by anyone)",
            bench.gas(shares.functions.claimRoyaltyFor(accounts[issuer], usd.address), holder),
        )
    )
    rows.append(Row("distributeRoyalty alone (later distribution)", _distribute_alone(bench, royalty_vault, shares)))

    # creditRight by a listed creditor (the dispute manager in a deployment; account 6 here), in usd.
    creditor = 6
    bench.gas(royalty_vault.functions.setCreditor(accounts[creditor], True))
    bench.gas(usd.functions.mint(accounts[creditor], FUNDS))
    bench.gas(usd.functions.approve(royalty_vault.address, FUNDS), creditor)

    def credit(token_id: int) -> int:
        return bench.gas(royalty_vault.functions.creditRight(token_id, usd.address, 500 * USD, REPORT), creditor)

    owned, _ = right(3, [])
    rows.append(Row("royalty creditRight to the owner (first credit)", credit(owned)))
    rows.append(Row("royalty creditRight to the owner (later credit)", credit(owned)))
    rows.append(Row("royalty creditRight to share holders (later distribution)", credit(fractional)))

    for licence_id in licences[1:]:
        pay(licence_id, 1_000 * USD)
    share_transfer("first transfer after the new currencies")
    rows.append(share_transfer(f"share transfer restricted, royalties in {CURRENCIES} currencies (existing recipient)"))
    return rows


def _distribute_alone(bench: Bench, royalty_vault: Any, shares: Any) -> int:
    """``distributeRoyalty`` sent by the royalty vault itself (anvil impersonation), so the row is the share
    token's bookkeeping without the payment token's transfer (the money is already there in production)."""
    sender = royalty_vault.address
    bench.w3.provider.make_request("anvil_impersonateAccount", [sender])
    bench.w3.provider.make_request("anvil_setBalance", [sender, hex(10**18)])
    try:
        currency = shares.functions.royaltyCurrencies().call()[0]
        tx = shares.functions.distributeRoyalty(currency, 1).transact({"from": sender, "gas": 500_000})
        receipt = bench.w3.eth.wait_for_transaction_receipt(tx)
        if receipt["status"] != 1:
            raise RuntimeError("benchmark transaction reverted: distributeRoyalty")
        return int(receipt["gasUsed"])
    finally:
        bench.w3.provider.make_request("anvil_stopImpersonatingAccount", [sender])


def royalty_targets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """The shares issue's target must survive royalties for share tokens that never received any; the ratio after
    royalties began is reported for the record."""
    by_name = {row.operation: row for row in rows}
    before = by_name["share transfer restricted, never received royalties (existing recipient)"]
    after = by_name["share transfer restricted, royalties in 1 currency (existing recipient)"]
    return [
        (
            "restricted share transfer, never received royalties (existing recipient) <= 1.5x OZ ERC20 transfer",
            (before.ratio_to_oz or 0) <= 1.5,
            f"{before.ratio_to_oz:.3f}x",
        ),
        (
            "restricted share transfer after royalties began, 1 currency (for the record)",
            True,
            f"{after.ratio_to_oz:.3f}x",
        ),
    ]


def main() -> int:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "scripts"))
    from compile import compile_directory
    from gas import render_markdown
    from ipledger import start_node, stop_node

    node = start_node()
    try:
        rows = measure_royalties(Bench(node.rpc_url), compile_directory(root / "benchmarks" / "contracts"))
    finally:
        stop_node(node.pid)
    checks = royalty_targets(rows)
    print(render_markdown(rows, checks))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
