"""Gas of the buyout exit (FractionVault: start, tender, withdraw, settle, cancel, claim, redeem for cash) beside the
plain token moves each one contains, measured in the same run.

Called by ``gas.py`` in the same run and on the same node as the other figures. A buyout moves tokens that a plain
OpenZeppelin ERC-20 or ERC-721 would move too: the deposit in (an ERC-20 transfer), tendered shares into escrow and
back (ERC-20 transfers), the right to the bidder (an ERC-721 transfer) with the escrow burnt, payments out (ERC-20
transfers). Each row's baseline is the sum of the OpenZeppelin references (``_bench.token_references``) for the
moves it contains, with the same balance transitions (fresh or existing recipient); the rest is the buyout's own
bookkeeping (one packed buyout record, a tender per holder, the history link, the balance-checked deposit). A burn
is counted as a transfer to an existing recipient (an OpenZeppelin burn costs a little less). The shares are
unrestricted, so compliance adds nothing here (its cost is the restricted transfer rows').
"""

from __future__ import annotations

from typing import Any

from _bench import Bench, Row, token_of, token_references
from ipledger._artifacts import load_artifact

SUPPLY = 1_000_000 * 10**18
PRICE = 500_000  # tUSD base units per whole share: 0.5 tUSD
WINDOW = 86_400
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def _deploy(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


def _close_window(bench: Bench) -> None:
    bench.w3.provider.make_request("evm_increaseTime", [WINDOW + 1])  # type: ignore[arg-type]
    bench.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def measure_buyout(bench: Bench, baselines: dict[str, Any]) -> list[Row]:
    """Every buyout operation, each beside the OpenZeppelin token moves it contains."""
    accounts = bench.accounts
    erc20 = token_references(bench, baselines, "ERC20")
    erc721 = token_references(bench, baselines, "ERC721")
    fresh20, existing20 = erc20["OZ fresh"][0], erc20["OZ existing"][0]
    fresh721 = erc721["OZ fresh"][0]

    registry = _deploy(bench, "IPRegistry", accounts[0])
    compliance = _deploy(bench, "ComplianceRegistry", accounts[0])
    vault = _deploy(bench, "FractionVault", registry.address, compliance.address, ZERO_ADDRESS)
    usd = _deploy(bench, "TestStablecoin")
    share_abi = load_artifact("ShareToken").abi
    # Holders 1 (the issuer) and 2; bidders 5 and 6.
    for bidder in (5, 6):
        bench.gas(usd.functions.mint(accounts[bidder], 10**40))
        bench.gas(usd.functions.approve(vault.address, 2**256 - 1), bidder)

    def fractionalized(threshold: int | None = None) -> tuple[int, int]:
        registration = bench.registration(expiry=0)
        token_id = token_of(registration)
        bench.gas(registry.functions.register(accounts[1], registration))
        bench.gas(registry.functions.approve(vault.address, token_id), 1)
        args: tuple[Any, ...] = (token_id, "Buyout shares", "BUY", 18, SUPPLY, False)
        if threshold is not None:
            args = (*args, threshold)
        gas = bench.gas(vault.functions.fractionalize(*args), 1)
        shares = bench.w3.eth.contract(address=vault.functions.shareTokenOf(token_id).call(), abi=share_abi)
        bench.gas(shares.functions.transfer(accounts[2], SUPPLY // 4), 1)
        for holder in (1, 2):
            bench.gas(shares.functions.approve(vault.address, 2**256 - 1), holder)
        return token_id, gas

    def row(operation: str, gas: int, moves: str | None = None, baseline_gas: int | None = None) -> Row:
        return Row(operation, gas, baseline=moves, baseline_gas=baseline_gas)

    rows: list[Row] = []
    # Fractionalization with a threshold, beside the same fractionalization without one.
    _, plain = fractionalized()
    token_id, with_threshold = fractionalized(7_500)
    rows.append(
        row("fractionalize with a buyout threshold", with_threshold, "fractionalize (no threshold), same run", plain)
    )

    # A successful buyout: the first tender of each holder and a second one, a withdrawal, settlement, claims and
    # a redemption for cash.
    start = bench.gas(vault.functions.startBuyout(token_id, usd.address, PRICE, WINDOW), 5)
    rows.append(row("buyout start (deposit in, vault's first tUSD)", start, "OZ ERC-20 transfer (fresh)", fresh20))
    buyout = vault.functions.latestBuyoutOf(token_id).call()
    tender = bench.gas(vault.functions.tender(buyout, SUPPLY // 2), 1)
    rows.append(row("buyout tender (first, escrow fresh)", tender, "OZ ERC-20 transfer (fresh)", fresh20))
    tender = bench.gas(vault.functions.tender(buyout, SUPPLY // 8), 2)
    rows.append(row("buyout tender (another holder)", tender, "OZ ERC-20 transfer (existing)", existing20))
    tender = bench.gas(vault.functions.tender(buyout, SUPPLY // 8), 1)
    rows.append(row("buyout tender (again, same holder)", tender, "OZ ERC-20 transfer (existing)", existing20))
    withdrawn = bench.gas(vault.functions.withdrawTender(buyout), 2)
    rows.append(row("buyout withdrawTender", withdrawn, "OZ ERC-20 transfer (existing)", existing20))
    bench.gas(vault.functions.tender(buyout, SUPPLY // 8), 2)
    _close_window(bench)
    settled = bench.gas(vault.functions.settleBuyout(buyout), 3)
    rows.append(
        row(
            "buyout settle (success: escrow burnt, right to the bidder)",
            settled,
            "OZ ERC-721 transfer (fresh) + OZ ERC-20 transfer (existing)",
            fresh721 + existing20,
        )
    )
    claimed = bench.gas(vault.functions.claimBuyout(buyout), 1)
    rows.append(row("buyout claim (success: tendered shares' price)", claimed, "OZ ERC-20 transfer (fresh)", fresh20))
    redeemed = bench.gas(vault.functions.redeemForCash(buyout, SUPPLY // 8), 2)
    rows.append(
        row(
            "buyout redeemForCash (burn untendered shares, paid)",
            redeemed,
            "OZ ERC-20 transfer (existing) + OZ ERC-20 transfer (fresh)",
            existing20 + fresh20,
        )
    )

    # A failed buyout: too little tendered; the tenderer and the bidder take their assets back.
    token_id, _ = fractionalized()
    bench.gas(vault.functions.startBuyout(token_id, usd.address, PRICE, WINDOW), 6)
    buyout = vault.functions.latestBuyoutOf(token_id).call()
    bench.gas(vault.functions.tender(buyout, SUPPLY // 8), 2)
    _close_window(bench)
    rows.append(row("buyout settle (failure: below the threshold)", bench.gas(vault.functions.settleBuyout(buyout), 3)))
    claimed = bench.gas(vault.functions.claimBuyout(buyout), 2)
    rows.append(row("buyout claim (failure: shares back)", claimed, "OZ ERC-20 transfer (existing)", existing20))
    claimed = bench.gas(vault.functions.claimBuyout(buyout), 6)
    rows.append(row("buyout claim (failure: deposit back)", claimed, "OZ ERC-20 transfer (existing)", existing20))

    # A cancelled buyout.
    bench.gas(vault.functions.startBuyout(token_id, usd.address, PRICE, WINDOW), 5)
    buyout = vault.functions.latestBuyoutOf(token_id).call()
    cancelled = bench.gas(vault.functions.cancelBuyout(buyout), 5)
    rows.append(row("buyout cancel (deposit back)", cancelled, "OZ ERC-20 transfer (existing)", existing20))
    return rows


#: The gas rows of each buyout function (gas.py's COVERAGE).
BUYOUT_COVERAGE = {
    "FractionVault.fractionalize(uint256,string,string,uint8,uint256,bool,uint16)": [
        "fractionalize with a buyout threshold"
    ],
    "FractionVault.startBuyout(uint256,address,uint256,uint256)": ["buyout start (deposit in, vault's first tUSD)"],
    "FractionVault.tender(uint256,uint256)": [
        "buyout tender (first, escrow fresh)",
        "buyout tender (another holder)",
        "buyout tender (again, same holder)",
    ],
    "FractionVault.withdrawTender(uint256)": ["buyout withdrawTender"],
    "FractionVault.settleBuyout(uint256)": [
        "buyout settle (success: escrow burnt, right to the bidder)",
        "buyout settle (failure: below the threshold)",
    ],
    "FractionVault.cancelBuyout(uint256)": ["buyout cancel (deposit back)"],
    "FractionVault.claimBuyout(uint256)": [
        "buyout claim (success: tendered shares' price)",
        "buyout claim (failure: shares back)",
        "buyout claim (failure: deposit back)",
    ],
    "FractionVault.redeemForCash(uint256,uint256)": ["buyout redeemForCash (burn untendered shares, paid)"],
}
