"""Gas of the attestation and dispute modules, and of the registry hooks they use (confirmClaim, setLock,
revoke).

Called by ``gas.py`` in the same run and on the same node as the registry figures. Every figure is whole-transaction
gas from the receipt. Bonds are 500 tUSD; the claimant's tUSD balance and allowance already exist, and the manager
already holds bonds of other disputes (an unmeasured first dispute pays for its fresh balance slot).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from _bench import EVIDENCE, Bench, Row, token_of
from eth_account.messages import encode_typed_data
from ipledger import dev_account
from ipledger._artifacts import load_artifact
from web3 import Web3

BOND = 500 * 10**6
RULING = b"\x0d" * 32
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
TITLE_VERIFIED = Web3.keccak(text="TITLE_VERIFIED")
VALUATION = Web3.keccak(text="VALUATION")
VERIFIER_ROLE = Web3.keccak(text="VERIFIER_ROLE")
DISPUTE_ROLE = Web3.keccak(text="DISPUTE_ROLE")
REGISTRAR_ROLE = Web3.keccak(text="REGISTRAR_ROLE")
ATTESTOR_ROLE = Web3.keccak(text="ATTESTOR_ROLE")
ARBITRATOR_ROLE = Web3.keccak(text="ARBITRATOR_ROLE")
NONE, FREEZE, FORCE_TRANSFER, REVOKE = range(4)

ATTESTATION_TYPES = {
    "Attestation": [
        {"name": "tokenId", "type": "uint256"},
        {"name": "holder", "type": "address"},
        {"name": "registeredAt", "type": "uint32"},
        {"name": "claimType", "type": "bytes32"},
        {"name": "evidenceHash", "type": "bytes32"},
        {"name": "expiry", "type": "uint64"},
        {"name": "attestor", "type": "address"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
}


def _deploy(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


def _signed_attestation(bench: Bench, attestations: Any, signer: int, fields: dict[str, Any]) -> tuple[Any, bytes]:
    message = {**fields, "attestor": bench.accounts[signer]}
    signable = encode_typed_data(
        domain_data={
            "name": "IPLedger Attestations",
            "version": "1",
            "chainId": bench.w3.eth.chain_id,
            "verifyingContract": attestations.address,
        },
        message_types=ATTESTATION_TYPES,
        message_data=message,
    )
    signature = dev_account(signer).account.sign_message(signable).signature
    return tuple(message[field["name"]] for field in ATTESTATION_TYPES["Attestation"]), bytes(signature)


def measure_disputes(bench: Bench) -> list[Row]:
    """Attest, attestBySig, revoke an attestation, raise and resolve disputes, and the registry hooks.

    Accounts: 0 deploys and administers everything (registrar of the registry); 1 is an attestor, 2 an attestor
    who is also a registrar; 3 owns the rights; 4 raises disputes; 5 arbitrates; 6 holds VERIFIER_ROLE and
    DISPUTE_ROLE directly, to measure the registry hooks alone; 7 self-declares rights.
    """
    accounts = bench.accounts
    registry = _deploy(bench, "IPRegistry", accounts[0])
    attestations = _deploy(bench, "AttestationRegistry", registry.address, accounts[0])
    stablecoin = _deploy(bench, "TestStablecoin")
    disputes = _deploy(bench, "DisputeManager", registry.address, accounts[0], stablecoin.address, BOND)
    fn = registry.functions
    for role, account in (
        (VERIFIER_ROLE, attestations.address),
        (REGISTRAR_ROLE, disputes.address),
        (DISPUTE_ROLE, disputes.address),
        (REGISTRAR_ROLE, accounts[2]),
        (VERIFIER_ROLE, accounts[6]),
        (DISPUTE_ROLE, accounts[6]),
    ):
        bench.gas(fn.grantRole(role, account))
    bench.gas(attestations.functions.grantRole(ATTESTOR_ROLE, accounts[1]))
    bench.gas(attestations.functions.grantRole(ATTESTOR_ROLE, accounts[2]))
    bench.gas(disputes.functions.grantRole(ARBITRATOR_ROLE, accounts[5]))
    bench.gas(stablecoin.functions.mint(accounts[4], 100 * BOND))
    bench.gas(stablecoin.functions.approve(disputes.address, 100 * BOND), 4)

    def right() -> int:
        registration = bench.registration()
        bench.gas(fn.register(accounts[3], registration))
        return token_of(registration)

    def claim() -> int:
        registration = bench.registration()
        salt = b"\x07" * 32
        bench.gas(fn.commit(fn.commitmentFor(accounts[7], registration, salt).call()), 7)
        bench.gas(fn.reveal(registration, salt), 7)
        return token_of(registration)

    def bound(token_id: int) -> tuple[str, int]:
        """(holder, registeredAt) of the right's record: what an attestation about it names."""
        record = fn.recordOf(token_id).call()
        return record[0], int(record[3])

    rows: list[Row] = []
    attest = attestations.functions

    # ------------------------------------------------------------------ attestations
    first = right()
    rows.append(
        Row("attest (first about the right)", bench.gas(attest.attest(first, *bound(first), VALUATION, EVIDENCE, 0), 1))
    )
    rows.append(
        Row(
            "attest (another about the right)",
            bench.gas(attest.attest(first, *bound(first), TITLE_VERIFIED, EVIDENCE, 0), 1),
        )
    )
    signed_token = right()
    holder, registered_at = bound(signed_token)
    signed, signature = _signed_attestation(
        bench,
        attestations,
        1,
        {
            "tokenId": signed_token,
            "holder": holder,
            "registeredAt": registered_at,
            "claimType": VALUATION,
            "evidenceHash": EVIDENCE,
            "expiry": 0,
            "nonce": 0,
            "deadline": 2**40,
        },
    )
    rows.append(
        Row("attestBySig (first about the right, first nonce)", bench.gas(attest.attestBySig(signed, signature), 4))
    )
    claimed = claim()
    rows.append(
        Row(
            "attest TITLE_VERIFIED by a registrar (confirms a self-declared right)",
            bench.gas(attest.attest(claimed, *bound(claimed), TITLE_VERIFIED, EVIDENCE, 0), 2),
        )
    )
    rows.append(Row("revoke attestation", bench.gas(attest.revoke(1, EVIDENCE), 1)))
    rows.append(Row("cancelNonce (attestation signatures)", bench.gas(attest.cancelNonce(), 1)))

    # ------------------------------------------------------------------ registry hooks, called directly
    rows.append(Row("registry confirmClaim", bench.gas(fn.confirmClaim(claim(), EVIDENCE), 6)))
    hooked = right()
    rows.append(Row("registry setLock (dispute lock)", bench.gas(fn.setLock(hooked, True, ZERO_ADDRESS, EVIDENCE), 6)))
    rows.append(
        Row("registry setLock (dispute unlock)", bench.gas(fn.setLock(hooked, False, ZERO_ADDRESS, EVIDENCE), 6))
    )
    rows.append(Row("registry revoke", bench.gas(fn.revoke(hooked, EVIDENCE))))

    # ------------------------------------------------------------------ disputes
    manage = disputes.functions

    def raise_dispute(token_id: int) -> tuple[int, int]:
        gas = bench.gas(manage.raiseDispute(token_id, EVIDENCE), 4)
        return gas, int(manage.disputesOf(token_id).call()[-1])

    # Unmeasured: the manager's first bond makes its bond-token balance non-zero, as it stays in steady state.
    raise_dispute(right())
    disputed = right()
    gas, upheld_none = raise_dispute(disputed)
    rows.append(Row("raise dispute (bond, first dispute about the right)", gas))
    gas, dismissed = raise_dispute(disputed)
    rows.append(Row("raise dispute (bond, second open dispute about the right)", gas))
    rows.append(
        Row(
            "resolve upheld, remedy None (bond refunded)",
            bench.gas(manage.resolve(upheld_none, True, NONE, ZERO_ADDRESS, RULING), 5),
        )
    )
    rows.append(
        Row(
            "resolve dismissed (bond forfeited to the owner, a fresh tUSD holder)",
            bench.gas(manage.resolve(dismissed, False, NONE, ZERO_ADDRESS, RULING), 5),
        )
    )
    for label, remedy, recipient in (
        ("resolve upheld, remedy Freeze", FREEZE, ZERO_ADDRESS),
        ("resolve upheld, remedy ForceTransfer", FORCE_TRANSFER, accounts[8]),
        ("resolve upheld, remedy Revoke", REVOKE, ZERO_ADDRESS),
    ):
        _, dispute_id = raise_dispute(right())
        rows.append(Row(label, bench.gas(manage.resolve(dispute_id, True, remedy, recipient, RULING), 5)))

    bench.gas(manage.setSettings(stablecoin.address, BOND, False, True))
    gas, locking = raise_dispute(right())
    rows.append(Row("raise dispute (bond, locks the right)", gas))
    rows.append(
        Row(
            "resolve dismissed (bond refunded, unlocks the right)",
            bench.gas(manage.resolve(locking, False, NONE, ZERO_ADDRESS, RULING), 5),
        )
    )
    bench.gas(manage.setSettings(ZERO_ADDRESS, 0, True, False))
    gas, unbonded = raise_dispute(right())
    rows.append(Row("raise dispute (no bond)", gas))
    rows.append(
        Row("resolve dismissed (no bond)", bench.gas(manage.resolve(unbonded, False, NONE, ZERO_ADDRESS, RULING), 5))
    )
    bench.gas(manage.setSettings(stablecoin.address, BOND, True, False))
    rows += _forfeits_through_the_royalty_vault(bench, registry, disputes, right, raise_dispute)
    return rows


def _forfeits_through_the_royalty_vault(
    bench: Bench,
    registry: Any,
    disputes: Any,
    right: Callable[[], int],
    raise_dispute: Callable[[int], tuple[int, int]],
) -> list[Row]:
    """Forfeited bonds through the royalty vault (the SDK's deployment): credited to the owner's royalty account,
    or distributed by a fractionalized right's share token. The royalty vault already holds tUSD of another owner,
    as it does in steady state; account 3's royalty account is fresh, and each share token receives its first
    tUSD."""
    accounts = bench.accounts
    licenses = _deploy(bench, "LicenseRegistry", registry.address)
    royalty_vault = _deploy(bench, "RoyaltyVault", registry.address, licenses.address)
    compliance = _deploy(bench, "ComplianceRegistry", accounts[0])
    vault = _deploy(bench, "FractionVault", registry.address, compliance.address, royalty_vault.address)
    bench.gas(royalty_vault.functions.setFractionVault(vault.address))
    bench.gas(royalty_vault.functions.setCreditor(disputes.address, True))
    bench.gas(disputes.functions.setRoyaltyVault(royalty_vault.address))
    manage = disputes.functions

    def dismiss(token_id: int) -> int:
        _, dispute_id = raise_dispute(token_id)
        return bench.gas(manage.resolve(dispute_id, False, NONE, ZERO_ADDRESS, RULING), 5)

    def fractionalized() -> int:
        token_id = right()
        bench.gas(registry.functions.approve(vault.address, token_id), 3)
        bench.gas(vault.functions.fractionalize(token_id, "Bond shares", "BND", 18, 1_000 * 10**18, False), 3)
        return token_id

    # Unmeasured: another owner's credit makes the royalty vault's tUSD balance non-zero.
    registration = bench.registration()
    bench.gas(registry.functions.register(accounts[8], registration))
    dismiss(token_of(registration))
    rows = [
        Row("resolve dismissed (bond credited to the owner in the royalty vault, first credit)", dismiss(right())),
        Row(
            "resolve dismissed (bond distributed to share holders, share token's first distribution)",
            dismiss(fractionalized()),
        ),
    ]
    shares = fractionalized()
    dismiss(shares)
    rows.append(Row("resolve dismissed (bond distributed to share holders, later distribution)", dismiss(shares)))
    return rows
