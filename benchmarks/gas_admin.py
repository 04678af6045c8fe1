"""Gas of the functions the other benchmarks call only as set-up, or not at all: role administration, settings,
the ERC-721 operator approval, a share permit, custody sync.

Called by ``gas.py`` in the same run and on the same node, so that every external non-view function of the
shipped contracts has a figure (``gas.py`` checks this against the ABIs). Cheap, rarely called; no baselines.
Account 0 deploys and administers everything.
"""

from __future__ import annotations

from typing import Any

from _bench import EVIDENCE, Bench, Row, token_of
from eth_abi import encode
from ipledger import dev_account
from ipledger._artifacts import load_artifact
from web3 import Web3

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
SUPPLY = 1_000_000 * 10**18
ROLE = Web3.keccak(text="BENCH_ROLE")
PERMIT_TYPEHASH = Web3.keccak(text="Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)")


def _deploy(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


def _role_rows(bench: Bench, label: str, contract: Any) -> list[Row]:
    """grantRole, revokeRole and renounceRole of an OpenZeppelin AccessControl contract (a fresh grant)."""
    fn = contract.functions
    rows = [Row(f"{label} grantRole (fresh member)", bench.gas(fn.grantRole(ROLE, bench.accounts[8])))]
    rows.append(Row(f"{label} revokeRole", bench.gas(fn.revokeRole(ROLE, bench.accounts[8]))))
    bench.gas(fn.grantRole(ROLE, bench.accounts[8]))
    rows.append(Row(f"{label} renounceRole", bench.gas(fn.renounceRole(ROLE, bench.accounts[8]), 8)))
    return rows


def _permit(bench: Bench, shares: Any, owner: int, spender: int, value: int) -> Any:
    """A signed EIP-2612 permit call over the share token's own domain separator."""
    owner_address = bench.accounts[owner]
    nonce = shares.functions.nonces(owner_address).call()
    deadline = 2**40
    struct_hash = Web3.keccak(
        encode(
            ["bytes32", "address", "address", "uint256", "uint256", "uint256"],
            [PERMIT_TYPEHASH, owner_address, bench.accounts[spender], value, nonce, deadline],
        )
    )
    digest = Web3.keccak(b"\x19\x01" + shares.functions.DOMAIN_SEPARATOR().call() + struct_hash)
    signed = dev_account(owner).account.unsafe_sign_hash(digest)
    return shares.functions.permit(
        owner_address,
        bench.accounts[spender],
        value,
        deadline,
        signed.v,
        signed.r.to_bytes(32, "big"),
        signed.s.to_bytes(32, "big"),
    )


def measure_admin(bench: Bench) -> list[Row]:
    """Roles and settings of every contract, and the remaining user calls of the registry and the shares."""
    accounts = bench.accounts
    registry = _deploy(bench, "IPRegistry", accounts[0])
    compliance = _deploy(bench, "ComplianceRegistry", accounts[0])
    attestations = _deploy(bench, "AttestationRegistry", registry.address, accounts[0])
    stablecoin = _deploy(bench, "TestStablecoin")
    disputes = _deploy(bench, "DisputeManager", registry.address, accounts[0], stablecoin.address, 10**6)
    licenses = _deploy(bench, "LicenseRegistry", registry.address)
    royalty_vault = _deploy(bench, "RoyaltyVault", registry.address, licenses.address)
    vault = _deploy(bench, "FractionVault", registry.address, compliance.address, royalty_vault.address)
    fn = registry.functions

    rows: list[Row] = []
    for label, contract in (
        ("IPRegistry", registry),
        ("ComplianceRegistry", compliance),
        ("AttestationRegistry", attestations),
        ("DisputeManager", disputes),
    ):
        rows += _role_rows(bench, label, contract)

    # ------------------------------------------------------------------ registry
    rows.append(Row("setApprovalForAll (grant)", bench.gas(fn.setApprovalForAll(accounts[3], True), 1)))
    rows.append(Row("setBaseURI (41 bytes)", bench.gas(fn.setBaseURI("https://gateway.ipledger.example/rights/"))))
    rows.append(Row("setDefaultRoyalty", bench.gas(fn.setDefaultRoyalty(250))))
    held = []
    for _ in range(2):
        registration = bench.registration()
        bench.gas(fn.register(accounts[1], registration))
        held.append(token_of(registration))
    bench.gas(fn.register(accounts[2], bench.registration()))
    safe_with_data = fn.safeTransferFrom(accounts[1], accounts[2], held[0], b"\x01" * 32)
    rows.append(Row("safeTransferFrom with 32 bytes of data to EOA (existing recipient)", bench.gas(safe_with_data, 1)))

    # ------------------------------------------------------------------ compliance
    bench.gas(compliance.functions.verifyInvestor(accounts[4], b"SG", 2**39, EVIDENCE))
    rows.append(
        Row("compliance: revokeIdentity", bench.gas(compliance.functions.revokeIdentity(accounts[4], EVIDENCE)))
    )
    rows.append(
        Row("compliance: setCountryBlocked (block)", bench.gas(compliance.functions.setCountryBlocked(b"KP", True)))
    )

    # ------------------------------------------------------------------ royalty vault and dispute settings
    rows.append(Row("royalty setFractionVault", bench.gas(royalty_vault.functions.setFractionVault(vault.address))))
    rows.append(
        Row("royalty setCreditor (allow)", bench.gas(royalty_vault.functions.setCreditor(disputes.address, True)))
    )
    rows.append(Row("dispute setRoyaltyVault", bench.gas(disputes.functions.setRoyaltyVault(royalty_vault.address))))
    rows.append(
        Row(
            "dispute setSettings (change bond and flags)",
            bench.gas(disputes.functions.setSettings(stablecoin.address, 2 * 10**6, False, True)),
        )
    )

    # ------------------------------------------------------------------ shares: permit, restricted mode, custody
    registration = bench.registration(expiry=0)
    token_id = token_of(registration)
    bench.gas(fn.register(accounts[1], registration))
    bench.gas(fn.approve(vault.address, token_id), 1)
    bench.gas(vault.functions.fractionalize(token_id, "Admin shares", "ADM", 18, SUPPLY, False), 1)
    shares = bench.w3.eth.contract(
        address=vault.functions.shareTokenOf(token_id).call(), abi=load_artifact("ShareToken").abi
    )
    rows.append(Row("share permit (fresh allowance, first nonce)", bench.gas(_permit(bench, shares, 1, 3, 10**18), 4)))
    rows.append(Row("share setRestricted (on)", bench.gas(shares.functions.setRestricted(True))))
    bench.gas(fn.forceTransfer(token_id, accounts[2], EVIDENCE))
    rows.append(
        Row(
            "syncCustody (after a forced transfer out of the vault)",
            bench.gas(vault.functions.syncCustody(token_id), 5),
        )
    )
    return rows
