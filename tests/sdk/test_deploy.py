"""The full deployment: addresses, deployment.json, attaching by address, and errors decoded from every ABI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from eth_abi.abi import encode
from eth_utils.crypto import keccak
from ipledger import (
    ComplianceError,
    ContractRevertError,
    FrozenSharesError,
    IncompleteOwnershipError,
    InvalidSignatureError,
    Ledger,
    LoanError,
    LoanStateError,
    NotFractionalizedError,
    NotYetEnforceableError,
    OrderError,
    PaymentShortfallError,
    RegistryError,
    RightDisputedError,
    RightPledgedError,
    TokenFrozenError,
    UnauthorizedError,
    UnknownRecordError,
    read_local_deployment,
)
from ipledger._artifacts import SHIPPED_CONTRACTS, load_artifact
from ipledger.chain._reverts import RevertDecoder
from web3 import Web3


def test_deploy_records_every_contract(ledger: Ledger) -> None:
    deployment = ledger.deployment
    addresses = deployment.addresses()
    assert None not in addresses.values() and len(set(addresses.values())) == 10
    assert deployment.registry == ledger.contracts.registry_address
    assert ledger.contracts.vault.functions.registry().call() == deployment.registry
    assert ledger.contracts.vault.functions.compliance().call() == deployment.compliance
    assert ledger.contracts.vault.functions.royaltyVault().call() == deployment.royalties
    assert ledger.contracts.royalties.functions.fractionVault().call() == deployment.vault
    assert ledger.contracts.royalties.functions.licenses().call() == deployment.licenses
    assert set(SHIPPED_CONTRACTS) - {"ShareToken", "TestCurrency"} <= set(deployment.transactions)
    assert {"TestCurrency tHKD", "TestCurrency tCNH"} <= set(deployment.transactions)
    assert ledger.contracts.compliance.functions.isOfficer(ledger.signer.address).call()
    registry = ledger.contracts.registry.functions
    assert registry.hasRole(Web3.keccak(text="VERIFIER_ROLE"), deployment.attestations).call()
    for role in ("DISPUTE_ROLE", "REGISTRAR_ROLE"):
        assert registry.hasRole(Web3.keccak(text=role), deployment.disputes).call()
    assert ledger.contracts.has_role("arbitrator", ledger.signer.address)
    # Forfeited dispute bonds go through the royalty vault (to the owner's account, or the share holders).
    assert ledger.contracts.royalties.functions.deployer().call() == ledger.signer.address
    assert ledger.contracts.royalties.functions.isCreditor(deployment.disputes).call()
    assert ledger.contracts.disputes.functions.royaltyVault().call() == deployment.royalties
    assert {"RoyaltyVault.setCreditor DisputeManager", "DisputeManager.setRoyaltyVault"} <= set(deployment.transactions)
    # The loan desk pledges rights (the registry's pledge role) and holds restricted shares (a venue wallet).
    assert registry.hasRole(Web3.keccak(text="PLEDGE_ROLE"), deployment.loans).call()
    assert ledger.contracts.loans.functions.fractionVault().call() == deployment.vault
    assert ledger.contracts.compliance.functions.identityOf(deployment.loans).call()[0] == 2


def test_connect_finds_the_compliance_registry_through_the_vault(ledger: Ledger) -> None:
    deployment = ledger.deployment
    other = Ledger.connect(
        ledger.chain.rpc_url, registry=deployment.registry, vault=deployment.vault, desk=deployment.desk, account="dev1"
    )
    assert other.deployment.compliance == deployment.compliance
    assert other.deployment.stablecoin is None


def test_share_features_name_the_missing_option(ledger: Ledger) -> None:
    bare = Ledger.connect(ledger.chain.rpc_url, registry=ledger.contracts.registry_address, account="dev1")
    with pytest.raises(RegistryError, match=r"vault=ADDRESS.*--vault"):
        bare.shares.token(1)
    with pytest.raises(RegistryError, match=r"desk=ADDRESS.*--desk"):
        bare.market.cancel_orders_below(5)
    with pytest.raises(RegistryError, match="--payment-token"):
        bare.payments.balance(None, "dev1")


def test_attaching_the_wrong_contracts_is_refused(ledger: Ledger) -> None:
    deployment = ledger.deployment
    with pytest.raises(RegistryError, match="not the FractionVault"):
        Ledger.connect(ledger.chain.rpc_url, registry=deployment.registry, vault=deployment.desk)
    with pytest.raises(RegistryError, match="not the SettlementDesk"):
        Ledger.connect(ledger.chain.rpc_url, registry=deployment.registry, desk=deployment.vault)
    other = Ledger.connect(ledger.chain.rpc_url, account="dev0")
    other_registry = other.deploy()  # a second suite on the same chain
    with pytest.raises(RegistryError, match="serves the registry"):
        Ledger.connect(ledger.chain.rpc_url, registry=other_registry, vault=deployment.vault)


@pytest.mark.anvil
def test_the_local_deployment_file_holds_every_address(home: Path) -> None:
    first = Ledger.local()
    recorded = json.loads((home / "local" / "deployment.json").read_text("utf-8"))
    assert recorded == {**first.deployment.addresses(), "currencies": first.deployment.currencies, "chain_id": 31337}
    assert set(recorded["currencies"]) == {"tHKD", "tCNH"}
    again = Ledger.local()
    assert again.deployment.addresses() == first.deployment.addresses()


@pytest.mark.anvil
def test_an_old_deployment_file_gets_the_share_contracts_deployed_beside_its_registry(home: Path) -> None:
    first = Ledger.local()
    path = home / "local" / "deployment.json"
    path.write_text(json.dumps({"registry": first.contracts.registry_address, "chain_id": 31337}), "utf-8")
    upgraded = Ledger.local()
    assert upgraded.contracts.registry_address == first.contracts.registry_address
    assert upgraded.deployment.vault not in (None, first.deployment.vault)
    assert upgraded.contracts.vault.functions.registry().call() == first.contracts.registry_address
    recorded = read_local_deployment(home)
    assert recorded is not None and recorded.vault == upgraded.deployment.vault and recorded.desk is not None


def _dummy(kind: str) -> Any:
    if kind == "address":
        return "0x" + "11" * 20
    if kind == "bool":
        return True
    if kind == "string":
        return "text"
    if kind.startswith("bytes"):
        return b"\x41" * int(kind[5:] or 1)
    return 7


ALL_ERRORS = sorted(
    {
        (entry["name"], tuple(param["type"] for param in entry["inputs"]))
        for name in SHIPPED_CONTRACTS
        for entry in load_artifact(name).abi
        if entry["type"] == "error"
    }
)


@pytest.mark.parametrize(("name", "types"), ALL_ERRORS, ids=[f"{name}{len(types)}" for name, types in ALL_ERRORS])
def test_every_error_of_every_shipped_contract_decodes_by_name(name: str, types: tuple[str, ...]) -> None:
    data = keccak(text=f"{name}({','.join(types)})")[:4] + encode(list(types), [_dummy(kind) for kind in types])
    error = RevertDecoder.for_shipped_contracts().decode(data)
    assert error.error_name == name
    assert len(error.error_args) == len(types)


@pytest.mark.parametrize(
    ("signature", "values", "expected"),
    [
        ("NotEligible(address)", ["0x" + "22" * 20], ComplianceError),
        ("VerificationExpired(address,uint40)", ["0x" + "22" * 20, 5], ComplianceError),
        ("CountryBlocked(address,bytes2)", ["0x" + "22" * 20, b"DE"], ComplianceError),
        ("HolderFrozen(address)", ["0x" + "22" * 20], FrozenSharesError),
        ("ERC7943InsufficientUnfrozenBalance(address,uint256,uint256)", ["0x" + "22" * 20, 2, 1], FrozenSharesError),
        ("CategoryNotAllowed(address,uint16,uint16)", ["0x" + "22" * 20, 8, 3], ComplianceError),
        ("CategoriesExpired(address,uint40)", ["0x" + "22" * 20, 5], ComplianceError),
        ("NotInvestor(address)", ["0x" + "22" * 20], ComplianceError),
        ("LockedUp(uint40)", [5], ComplianceError),
        ("MaxBalanceExceeded(address,uint256,uint256)", ["0x" + "22" * 20, 2, 1], ComplianceError),
        ("MaxHoldersReached(address,uint32)", ["0x" + "22" * 20, 3], ComplianceError),
        ("CountryNotAllowed(address,bytes2)", ["0x" + "22" * 20, b"US"], ComplianceError),
        ("ERC7943CannotTransfer(address,address,uint256)", ["0x" + "22" * 20, "0x" + "33" * 20, 1], ComplianceError),
        ("NotScopeAdmin(address,address)", ["0x" + "22" * 20, "0x" + "33" * 20], UnauthorizedError),
        ("NotHolderOrOfficer(address,address)", ["0x" + "22" * 20, "0x" + "33" * 20], UnauthorizedError),
        ("NoRoyaltyBeneficiary(address)", ["0x" + "22" * 20], UnauthorizedError),
        ("BeneficiaryOfInvestor(address)", ["0x" + "22" * 20], UnauthorizedError),
        ("IncompleteOwnership(address,uint256,uint256)", ["0x" + "22" * 20, 1, 2], IncompleteOwnershipError),
        ("NotFractionalized(uint256)", [9], NotFractionalizedError),
        ("OrderExpired(bytes32,uint256)", [b"\x01" * 32, 3], OrderError),
        ("FillExceedsRemaining(bytes32,uint256,uint256)", [b"\x01" * 32, 1, 2], OrderError),
        ("PaymentShortfall(uint256,uint256)", [2, 1], PaymentShortfallError),
        ("InvalidSignature(bytes32)", [b"\x01" * 32], InvalidSignatureError),
        # LoanDesk, and the registry's and licence registry's refusals of a pledged right
        ("WrongState(uint256,uint8)", [3, 3], LoanStateError),
        ("AuctionRunning(uint256,uint256)", [3, 9], LoanStateError),
        ("NotYetEnforceable(uint256,uint256)", [3, 9], NotYetEnforceableError),
        ("TermsExpired(bytes32,uint256)", [b"\x01" * 32, 3], LoanError),
        ("TermsNotAvailable(bytes32)", [b"\x01" * 32], LoanError),
        ("NotLender(uint256,address)", [3, "0x" + "22" * 20], UnauthorizedError),
        ("NotCollateralHolder(address,uint256)", ["0x" + "22" * 20, 9], UnauthorizedError),
        ("CollateralFrozen(uint256)", [9], TokenFrozenError),
        ("CollateralDisputed(uint256)", [9], RightDisputedError),
        ("BuyerNotEligible(address)", ["0x" + "22" * 20], ComplianceError),
        ("UnknownLoan(uint256)", [3], UnknownRecordError),
        ("RightPledged(uint256)", [9], RightPledgedError),
        ("PledgedRightExclusive(uint256)", [9], RightPledgedError),
    ],
)
def test_share_errors_raise_their_named_exceptions(signature: str, values: list[Any], expected: type) -> None:
    types = signature[signature.index("(") + 1 : -1].split(",")
    data = keccak(text=signature)[:4] + encode(types, values)
    error = RevertDecoder.for_shipped_contracts().decode(data)
    assert type(error) is expected and isinstance(error, ContractRevertError)
