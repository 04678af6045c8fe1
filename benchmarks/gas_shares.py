"""Gas of the shares contracts (vault, share token, compliance, settlement desk) beside a plain OZ ERC-20.

Called by ``gas.py`` in the same run and on the same node as the registry figures. Every share transfer is
measured with the same balance transitions as its baseline: the sender keeps a balance, and the recipient is
either fresh (zero before) or existing.
"""

from __future__ import annotations

import time
from typing import Any

from _bench import EVIDENCE, Bench, Row, compared, reference_rows, token_of, token_references
from eth_account.messages import encode_typed_data
from ipledger import dev_account
from ipledger._artifacts import load_artifact
from ipledger._orders import ORDER_TYPES

SUPPLY = 1_000_000 * 10**18
UNIT = 10**18
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"


def _deploy(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


def _signed_order(bench: Bench, desk: Any, maker_index: int, fields: dict[str, Any]) -> tuple[tuple[Any, ...], bytes]:
    message = {"maker": bench.accounts[maker_index], **fields}
    signable = encode_typed_data(
        domain_data={
            "name": "IPLedger Settlement",
            "version": "1",
            "chainId": bench.w3.eth.chain_id,
            "verifyingContract": desk.address,
        },
        message_types=ORDER_TYPES,
        message_data=message,
    )
    signature = dev_account(maker_index).account.sign_message(signable).signature
    order = tuple(message[field["name"]] for field in ORDER_TYPES["Order"])
    return order, bytes(signature)


def measure_shares(bench: Bench, baselines: dict[str, Any]) -> list[Row]:
    """Every user-facing shares operation, beside OZ ERC-20 transfers with the same balance transitions."""
    accounts = bench.accounts
    refs = token_references(bench, baselines, "ERC20")

    registry = _deploy(bench, "IPRegistry", accounts[0])
    compliance = _deploy(bench, "ComplianceRegistry", accounts[0])
    vault = _deploy(bench, "FractionVault", registry.address, compliance.address, ZERO_ADDRESS)
    desk = _deploy(bench, "SettlementDesk")
    stablecoin = _deploy(bench, "TestStablecoin")
    share_abi = load_artifact("ShareToken").abi
    rows = reference_rows(
        refs, "ERC20", {"fresh": "transfer (fresh recipient)", "existing": "transfer (existing recipient)"}
    )

    def transfer(operation: str, call: Any, recipient: str, sender: int = 1) -> Row:
        """A share transfer beside OZ and Solady ERC-20 transfers to the same kind of recipient, and its floor."""
        gas = bench.gas(call, sender)
        return compared(bench, operation, gas, refs, recipient, f"ERC-20 transfer {recipient} recipient")

    def right(serial: int, holder: int) -> int:
        registration = bench.registration(expiry=0)
        token_id = token_of(registration)
        bench.gas(registry.functions.register(accounts[holder], registration))
        bench.gas(registry.functions.approve(vault.address, token_id), holder)
        return token_id

    expires = int(time.time()) + 365 * 86_400
    rows.append(
        Row(
            "compliance: verifyInvestor",
            bench.gas(compliance.functions.verifyInvestor(accounts[1], b"HK", expires, EVIDENCE)),
        )
    )
    for index in (2, 3, 4, 6):
        bench.gas(compliance.functions.verifyInvestor(accounts[index], b"SG", expires, EVIDENCE))
    rows.append(Row("compliance: registerVenue", bench.gas(compliance.functions.registerVenue(accounts[5], EVIDENCE))))
    rows.append(
        Row(
            "compliance: setIssuerOfficer",
            bench.gas(compliance.functions.setIssuerOfficer(accounts[1], accounts[8], True)),
        )
    )

    restricted_id = right(1, 1)
    rows.append(
        Row(
            "fractionalize (restricted, clone + mint)",
            bench.gas(vault.functions.fractionalize(restricted_id, "Battery shares", "BATT", 18, SUPPLY, True), 1),
        )
    )
    restricted = bench.w3.eth.contract(address=vault.functions.shareTokenOf(restricted_id).call(), abi=share_abi)
    rows.append(
        transfer(
            "share transfer restricted (fresh recipient)",
            restricted.functions.transfer(accounts[2], UNIT),
            "fresh",
        )
    )
    rows.append(
        transfer(
            "share transfer restricted (existing recipient)",
            restricted.functions.transfer(accounts[2], UNIT),
            "existing",
        )
    )
    rows.append(
        transfer(
            "share transfer restricted to venue wallet (fresh)",
            restricted.functions.transfer(accounts[5], UNIT),
            "fresh",
        )
    )

    # The same transfers with every per-token rule on: categories, a country allow-list, a lock-up (passed), a
    # maximum balance and a holder cap.
    ruled_id = right(5, 1)
    bench.gas(vault.functions.fractionalize(ruled_id, "Ruled shares", "RULE", 18, SUPPLY, True), 1)
    ruled = bench.w3.eth.contract(address=vault.functions.shareTokenOf(ruled_id).call(), abi=share_abi)
    rows.append(
        Row(
            "compliance: setInvestorCategories",
            bench.gas(compliance.functions.setInvestorCategories(accounts[2], 1, expires, EVIDENCE)),
        )
    )
    bench.gas(compliance.functions.setInvestorCategories(accounts[1], 1, expires, EVIDENCE))
    rows.append(
        Row(
            "share setTransferRules (all on, holder list of 1)",
            bench.gas(ruled.functions.setTransferRules(1, 1, 100, SUPPLY, [accounts[1]])),
        )
    )
    rows.append(
        Row(
            "compliance: setTokenOfficer (by the issuer's officer)",
            bench.gas(compliance.functions.setTokenOfficer(ruled.address, accounts[9], True), 8),
        )
    )
    rows.append(
        Row(
            "share setCountryRule (allow 3 countries)",
            bench.gas(ruled.functions.setCountryRule(1, [b"HK", b"SG", b"CN"])),
        )
    )
    rows.append(
        transfer(
            "share transfer restricted, every rule on (fresh recipient)",
            ruled.functions.transfer(accounts[2], UNIT),
            "fresh",
        )
    )
    rows.append(
        transfer(
            "share transfer restricted, every rule on (existing recipient)",
            ruled.functions.transfer(accounts[2], UNIT),
            "existing",
        )
    )
    rows.append(Row("share setFrozenTokens (ERC-7943)", bench.gas(ruled.functions.setFrozenTokens(accounts[2], UNIT))))
    rows.append(
        Row(
            "share forcedTransfer (ERC-7943)",
            bench.gas(ruled.functions.forcedTransfer(accounts[2], accounts[1], UNIT)),
        )
    )
    rows.append(
        Row("share setRoyaltyBeneficiary", bench.gas(ruled.functions.setRoyaltyBeneficiary(accounts[5], accounts[0])))
    )

    open_id = right(2, 1)
    bench.gas(vault.functions.fractionalize(open_id, "Open shares", "OPEN", 18, SUPPLY, False), 1)
    unrestricted = bench.w3.eth.contract(address=vault.functions.shareTokenOf(open_id).call(), abi=share_abi)
    rows.append(
        transfer(
            "share transfer unrestricted (fresh recipient)",
            unrestricted.functions.transfer(accounts[7], UNIT),
            "fresh",
        )
    )
    rows.append(
        transfer(
            "share transfer unrestricted (existing recipient)",
            unrestricted.functions.transfer(accounts[7], UNIT),
            "existing",
        )
    )
    rows.append(Row("share approve", bench.gas(restricted.functions.approve(accounts[3], 10 * UNIT), 1)))
    rows.append(
        Row(
            "share transferFrom restricted (existing recipient)",
            bench.gas(restricted.functions.transferFrom(accounts[1], accounts[2], UNIT), 3),
        )
    )

    rows.append(
        Row("compliance: freeze (partial)", bench.gas(restricted.functions.freeze(accounts[2], UNIT, EVIDENCE)))
    )
    rows.append(
        transfer(
            "share transfer restricted while a holder is frozen",
            restricted.functions.transfer(accounts[2], UNIT),
            "existing",
        )
    )
    rows.append(Row("compliance: unfreeze", bench.gas(restricted.functions.unfreeze(accounts[2], EVIDENCE))))
    rows.append(
        Row(
            "compliance: forcedTransfer",
            bench.gas(restricted.functions.forcedTransfer(accounts[2], accounts[3], UNIT, EVIDENCE)),
        )
    )
    rows.append(
        Row(
            "compliance: recover (lost wallet)",
            bench.gas(restricted.functions.recover(accounts[3], accounts[4], EVIDENCE)),
        )
    )

    bench.gas(stablecoin.functions.mint(accounts[6], 10**12))
    bench.gas(stablecoin.functions.approve(desk.address, 10**12), 6)
    bench.gas(restricted.functions.approve(desk.address, 1000 * UNIT), 1)
    order, signature = _signed_order(
        bench,
        desk,
        1,
        {
            "makerSells": True,
            "assetKind": 0,
            "asset": restricted.address,
            "assetId": 0,
            "amount": 100 * UNIT,
            "paymentToken": stablecoin.address,
            "price": 250_000 * 10**6,
            "expiry": expires,
            "nonce": 1,
            "taker": "0x0000000000000000000000000000000000000000",
        },
    )
    rows.append(
        Row(
            "order fill: shares for tUSD (partial, fresh order)",
            bench.gas(desk.functions.fill(order, signature, 40 * UNIT), 6),
        )
    )
    rows.append(
        Row(
            "order fill: shares for tUSD (second partial)",
            bench.gas(desk.functions.fill(order, signature, 60 * UNIT), 6),
        )
    )
    second, second_signature = _signed_order(
        bench, desk, 1, {**dict(zip([f["name"] for f in ORDER_TYPES["Order"]][1:], order[1:], strict=True)), "nonce": 2}
    )
    rows.append(Row("order cancel", bench.gas(desk.functions.cancel(second), 1)))
    rows.append(Row("order cancelBelow", bench.gas(desk.functions.cancelBelow(3), 1)))
    del second_signature

    whole_id = right(3, 1)
    bench.gas(registry.functions.approve(desk.address, whole_id), 1)
    whole, whole_signature = _signed_order(
        bench,
        desk,
        1,
        {
            "makerSells": True,
            "assetKind": 1,
            "asset": registry.address,
            "assetId": whole_id,
            "amount": 1,
            "paymentToken": stablecoin.address,
            "price": 500_000 * 10**6,
            "expiry": expires,
            "nonce": 10,
            "taker": "0x0000000000000000000000000000000000000000",
        },
    )
    rows.append(
        Row("order fill: whole right (ERC-721) for tUSD", bench.gas(desk.functions.fill(whole, whole_signature, 1), 6))
    )

    redeem_id = right(4, 6)
    bench.gas(vault.functions.fractionalize(redeem_id, "Redeem shares", "RDM", 18, SUPPLY, True), 6)
    rows.append(Row("redeem (burn 100%, release the right)", bench.gas(vault.functions.redeem(redeem_id), 6)))
    return rows


#: ERC-3643 T-REX 4.1.6 transfer figures measured on the same anvil (../shared/GAS.md, 2026-12-06): plain, and with
#: its CountryRestrict module.
T_REX = {"existing": 214_437, "fresh": 231_537}
T_REX_COUNTRY = {"existing": 242_893, "fresh": 259_993}


def share_targets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """The shares issues' gas targets, evaluated on this run's figures."""
    by_name = {row.operation: row for row in rows}
    checks = []
    for recipient in ("existing", "fresh"):
        plain = by_name[f"share transfer restricted ({recipient} recipient)"].gas
        ruled = by_name[f"share transfer restricted, every rule on ({recipient} recipient)"].gas
        checks.append(
            (
                f"restricted transfer, per-token rules off ({recipient}) <= 0.30x T-REX",
                plain <= 0.30 * T_REX[recipient],
                f"{plain:,} / {T_REX[recipient]:,} = {plain / T_REX[recipient]:.3f}x",
            )
        )
        checks.append(
            (
                f"restricted transfer, every rule on ({recipient}) <= 0.40x T-REX with CountryRestrict",
                ruled <= 0.40 * T_REX_COUNTRY[recipient],
                f"{ruled:,} / {T_REX_COUNTRY[recipient]:,} = {ruled / T_REX_COUNTRY[recipient]:.3f}x",
            )
        )
    for recipient in ("existing recipient", "fresh recipient"):
        row = by_name[f"share transfer restricted ({recipient})"]
        ratio = row.ratio_to_oz or 0.0
        checks.append(
            (
                f"restricted share transfer ({recipient}) <= 1.5x OZ ERC20 transfer",
                ratio <= 1.5,
                f"{row.gas:,} / {row.oz:,} = {ratio:.3f}x",
            )
        )
    return checks
