"""Deploying the ipledger contracts beside a registry: the share contracts, the licence, royalty, attestation and
dispute modules, the roles they need, and the links between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eth_utils.address import to_checksum_address

from ipledger.chain._chain import TEST_CURRENCIES
from ipledger.chain._roles import DISPUTE_ROLE, ROLES, VERIFIER_ROLE
from ipledger.node._node import LOCAL_CHAIN_ID

from ._artifacts import load_artifact

if TYPE_CHECKING:
    from ipledger.chain._accounts import Signer
    from ipledger.chain._chain import Chain

__all__ = ["LOCAL_DISPUTE_BOND", "deploy_contract", "deploy_missing", "link_bonds_to_royalties"]

#: The dispute bond on a local chain: 100 tUSD (6 decimals).
LOCAL_DISPUTE_BOND = 100 * 10**6


def deploy_missing(chain: Chain, signer: Signer, admin: str) -> None:
    """Deploys whichever contracts are not attached beside the attached registry and, when the signer is the
    registry's admin, grants the modules their registry roles (otherwise the admin must: see docs/licensing.md).
    When it deploys the dispute manager or the royalty vault, it also routes forfeited bonds through the royalty
    vault if the signer may (see :meth:`_link_bonds_to_royalties`).
    """
    registry = chain.registry_address
    had_both = chain.optional("disputes") is not None and chain.optional("royalties") is not None
    if chain.optional("stablecoin") is None and chain.chain_id == LOCAL_CHAIN_ID:
        chain.attach_stablecoin(deploy_contract(chain, signer, "TestStablecoin"))
    if chain.chain_id == LOCAL_CHAIN_ID:
        for symbol, name in TEST_CURRENCIES.items():
            if symbol not in chain.test_currencies:
                chain.attach_test_currency(
                    deploy_contract(chain, signer, "TestCurrency", name, symbol, label=f"TestCurrency {symbol}")
                )
    if chain.optional("vault") is None:
        compliance = deploy_contract(chain, signer, "ComplianceRegistry", admin)
        licenses = deploy_contract(chain, signer, "LicenseRegistry", registry)
        royalties = deploy_contract(chain, signer, "RoyaltyVault", registry, licenses)
        vault = deploy_contract(chain, signer, "FractionVault", registry, compliance, royalties)
        royalty_vault = chain.w3.eth.contract(
            address=to_checksum_address(royalties), abi=load_artifact("RoyaltyVault").abi
        )
        chain.deployment_transactions["RoyaltyVault.setFractionVault"] = chain.sender.send(
            signer, royalty_vault.functions.setFractionVault(vault), action="link the royalty vault"
        )[0]
        chain.attach_vault(vault)
    if chain.optional("desk") is None:
        chain.attach_desk(deploy_contract(chain, signer, "SettlementDesk"))
    grants: list[tuple[bytes, str]] = []
    if chain.optional("attestations") is None:
        attestations = deploy_contract(chain, signer, "AttestationRegistry", registry, admin)
        chain.attach_attestations(attestations)
        grants.append((VERIFIER_ROLE, attestations))
    if chain.optional("disputes") is None:
        stablecoin = chain.optional("stablecoin")
        bond_token = stablecoin.address if stablecoin is not None else "0x" + "00" * 20
        bond = LOCAL_DISPUTE_BOND if stablecoin is not None else 0
        disputes = deploy_contract(chain, signer, "DisputeManager", registry, admin, bond_token, bond)
        chain.attach_disputes(disputes)
        grants += [(role, disputes) for role in (ROLES["registrar"], DISPUTE_ROLE)]
        if admin == signer.address:
            # The admin arbitrates until it appoints arbitrators (grant_role "arbitrator").
            chain.deployment_transactions["DisputeManager.grantRole arbitrator"] = chain.sender.send(
                signer, chain.disputes.functions.grantRole(ROLES["arbitrator"], admin), action="appoint arbitrator"
            )[0]
    if chain.read(chain.registry.functions.hasRole(b"\x00" * 32, signer.address), "read role"):
        for role, account in grants:
            chain.deployment_transactions[f"grantRole {role.hex()[:8]} {account}"] = chain.sender.send(
                signer, chain.registry.functions.grantRole(role, account), action="grant a module its role"
            )[0]
    if not had_both:
        link_bonds_to_royalties(chain, signer)


def link_bonds_to_royalties(chain: Chain, signer: Signer) -> None:
    """Routes the dispute manager's forfeited bonds through the royalty vault, so that they reach the owner's
    royalty account or a fractionalized right's share holders (not the share vault, which could not move them):
    the royalty vault's deployer lists the manager as a creditor, then the manager's admin names the vault. The
    signer does what it may; until both are done, forfeited bonds go straight to the owner (an admin other than
    the signer calls ``setRoyaltyVault`` itself: see docs/licensing.md, "Bond flows")."""
    disputes, royalties = chain.optional("disputes"), chain.optional("royalties")
    if disputes is None or royalties is None:
        return
    manager = str(disputes.address)
    current = str(chain.read(disputes.functions.royaltyVault(), "read the dispute manager's royalty vault"))
    if current == str(royalties.address):
        return
    listed = bool(chain.read(royalties.functions.isCreditor(manager), "read the royalty vault's creditors"))
    deployer = str(chain.read(royalties.functions.deployer(), "read the royalty vault's deployer"))
    if not listed and deployer.lower() == signer.address.lower():
        chain.deployment_transactions["RoyaltyVault.setCreditor DisputeManager"] = chain.sender.send(
            signer, royalties.functions.setCreditor(manager, True), action="list the dispute manager as creditor"
        )[0]
        listed = True
    if listed and chain.read(disputes.functions.hasRole(b"\x00" * 32, signer.address), "read role"):
        chain.deployment_transactions["DisputeManager.setRoyaltyVault"] = chain.sender.send(
            signer, disputes.functions.setRoyaltyVault(royalties.address), action="route forfeited bonds"
        )[0]


def deploy_contract(chain: Chain, signer: Signer, name: str, *arguments: Any, label: str | None = None) -> str:
    """Deploys the shipped contract ``name`` and records its transaction under ``label`` (default: ``name``)."""
    artifact = load_artifact(name)
    factory = chain.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
    result, receipt = chain.sender.send(signer, factory.constructor(*arguments), action=f"deploy {label or name}")
    chain.deployment_transactions[label or name] = result
    return str(receipt["contractAddress"])
