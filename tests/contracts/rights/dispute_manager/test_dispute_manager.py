"""DisputeManager: raising with a bond, resolving (upheld with each remedy, dismissed), the bond's way in each case,
the registry's transfer lock, settings, access control, and hostile bond tokens.

Cast (see ../../conftest.py and ../conftest.py): ``alice`` owns the disputed right (``token``); ``bob`` and
``carol`` raise disputes (each holds 100 bonds of tUSD, approved); ``arbitrator`` resolves. The manager starts with
the constructor's defaults: a BOND tUSD bond, forfeited to the owner on dismissal, no transfer lock.
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import chain, web3
from dispute_helpers import (
    ARBITRATOR_ROLE,
    BOND,
    DISMISSED,
    DISPUTE_ROLE,
    EVIDENCE,
    FORCE_TRANSFER,
    FREEZE,
    NONE,
    OPEN,
    REGISTRAR_ROLE,
    REVOKE,
    RULING,
    UPHELD,
    as_dict,
    emitted,
    encode_error,
    log,
    reverts,
)
from eth_utils import keccak
from loan_helpers import PLEDGE_ROLE
from registry_helpers import (
    ACTIVE,
    DEFAULT_ADMIN_ROLE,
    FROZEN,
    ZERO_ADDRESS,
    ZERO_BYTES32,
    Registration,
    address_of,
)

ORDER = keccak(text="court order 2026/61")
OTHER_RULING = keccak(text="arbitral award 2026/32")


def ref(dispute_id: int) -> bytes:
    """bytes32(disputeId): the dispute reference the manager gives the registry's lock."""
    return dispute_id.to_bytes(32, "big")


def timestamp(tx: Any) -> int:
    return int(web3.eth.get_block(tx.block_number)["timestamp"])


def raise_dispute(disputes: Any, token_id: int, claimant: Any, evidence: bytes = EVIDENCE) -> int:
    return int(disputes.raiseDispute(token_id, evidence, {"from": claimant}).return_value)


@pytest.fixture
def locking(disputes: Any, stablecoin: Any, admin: Any) -> None:
    """Disputes raised from now on lock transfers (bond and forfeiture unchanged)."""
    disputes.setSettings(stablecoin, BOND, True, True, {"from": admin})


@pytest.fixture
def refunding(disputes: Any, stablecoin: Any, admin: Any) -> None:
    """Disputes raised from now on return the bond to the claimant on dismissal."""
    disputes.setSettings(stablecoin, BOND, False, False, {"from": admin})


@pytest.fixture
def dispute(disputes: Any, token: int, bob: Any) -> int:
    """``bob``'s dispute about ``token`` (non-locking, forfeiting); its id."""
    return raise_dispute(disputes, token, bob)


# ------------------------------------------------------------------------------------------- deployment


def test_constructor_roles_settings_and_constants(
    DisputeManager: Any,  # noqa: N803
    registry: Any,
    stablecoin: Any,
    admin: Any,
    bob: Any,
) -> None:
    contract = DisputeManager.deploy(registry, bob, stablecoin, BOND, {"from": admin})
    assert emitted(contract.tx) == [
        log(contract, "RoleGranted", role=DEFAULT_ADMIN_ROLE, account=bob, sender=admin),
        log(
            contract,
            "DisputeSettingsUpdated",
            bondToken=stablecoin,
            bondAmount=BOND,
            forfeitOnDismissal=True,
            lockTransfers=False,
        ),
    ]
    assert tuple(contract.settings()) == (stablecoin, BOND, True, False)
    assert contract.registry() == registry
    assert contract.royaltyVault() == ZERO_ADDRESS  # forfeited bonds go straight to the owner
    assert bytes(contract.ARBITRATOR_ROLE()) == ARBITRATOR_ROLE
    assert contract.hasRole(ARBITRATOR_ROLE, bob) is False  # the admin grants the role, it does not hold it
    assert contract.hasRole(DEFAULT_ADMIN_ROLE, admin) is False


def test_constructor_refuses_a_bond_without_token(
    DisputeManager: Any,  # noqa: N803
    registry: Any,
    admin: Any,
) -> None:
    with reverts("InvalidSettings", ZERO_ADDRESS, BOND):
        DisputeManager.deploy(registry, admin, ZERO_ADDRESS, BOND, {"from": admin})


def test_constructor_without_bond(DisputeManager: Any, registry: Any, admin: Any) -> None:  # noqa: N803
    contract = DisputeManager.deploy(registry, admin, ZERO_ADDRESS, 0, {"from": admin})
    assert tuple(contract.settings()) == (ZERO_ADDRESS, 0, True, False)


# ------------------------------------------------------------------------------------------- settings


def test_set_settings_by_admin(disputes: Any, stablecoin: Any, admin: Any) -> None:
    tx = disputes.setSettings(stablecoin, 2 * BOND, False, True, {"from": admin})
    assert emitted(tx) == [
        log(
            disputes,
            "DisputeSettingsUpdated",
            bondToken=stablecoin,
            bondAmount=2 * BOND,
            forfeitOnDismissal=False,
            lockTransfers=True,
        )
    ]
    assert tuple(disputes.settings()) == (stablecoin, 2 * BOND, False, True)


@pytest.mark.parametrize("caller", ["arbitrator", "registrar", "stranger", "bob"])
def test_set_settings_by_non_admin_reverts(disputes: Any, stablecoin: Any, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, DEFAULT_ADMIN_ROLE):
        disputes.setSettings(stablecoin, 0, False, True, {"from": account})


@pytest.mark.parametrize("token_name, amount", [("zero", 1), ("stablecoin", 2**96)], ids=["no token", "over 96 bits"])
def test_set_settings_refuses_invalid_bond(
    disputes: Any, stablecoin: Any, admin: Any, token_name: str, amount: int
) -> None:
    bond_token = stablecoin if token_name == "stablecoin" else ZERO_ADDRESS
    with reverts("InvalidSettings", bond_token, amount):
        disputes.setSettings(bond_token, amount, True, True, {"from": admin})


@pytest.mark.parametrize("token_name", ["zero", "stablecoin"])
def test_set_settings_refuses_transfer_lock_without_bond(
    disputes: Any, stablecoin: Any, admin: Any, token_name: str
) -> None:
    """A free locking dispute would let anybody lock any right."""
    bond_token = stablecoin if token_name == "stablecoin" else ZERO_ADDRESS
    with reverts("InvalidSettings", bond_token, 0):
        disputes.setSettings(bond_token, 0, True, True, {"from": admin})
    with reverts("InvalidSettings", bond_token, 0):
        disputes.setSettings(bond_token, 0, False, True, {"from": admin})


def test_set_settings_accepts_the_largest_bond(disputes: Any, stablecoin: Any, admin: Any) -> None:
    disputes.setSettings(stablecoin, 2**96 - 1, True, True, {"from": admin})
    assert disputes.settings()[1] == 2**96 - 1


def test_only_admin_grants_arbitrator_role(disputes: Any, admin: Any, arbitrator: Any, stranger: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", arbitrator, DEFAULT_ADMIN_ROLE):
        disputes.grantRole(ARBITRATOR_ROLE, stranger, {"from": arbitrator})
    disputes.grantRole(ARBITRATOR_ROLE, stranger, {"from": admin})
    assert disputes.hasRole(ARBITRATOR_ROLE, stranger) is True


def test_settings_changes_do_not_touch_open_disputes(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    token: int,
    admin: Any,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> None:
    """An open dispute keeps the bond, forfeiture and lock it was raised under."""
    first = raise_dispute(disputes, token, bob)
    disputes.setSettings(stablecoin, 2 * BOND, False, True, {"from": admin})
    assert registry.recordOf(token)["disputeLocked"] is False
    second = raise_dispute(disputes, token, carol)
    assert registry.recordOf(token)["disputeLocked"] is True
    assert (disputes.disputeOf(first)["bond"], disputes.disputeOf(first)["forfeitOnDismissal"]) == (BOND, True)
    assert disputes.disputeOf(first)["lockedTransfers"] is False
    assert (disputes.disputeOf(second)["bond"], disputes.disputeOf(second)["forfeitOnDismissal"]) == (2 * BOND, False)
    assert disputes.disputeOf(second)["lockedTransfers"] is True

    tx = disputes.resolve(first, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert tx.events["DisputeResolved"]["bondRecipient"] == alice  # forfeited, as when raised
    assert registry.recordOf(token)["disputeLocked"] is True  # the first dispute never locked
    tx = disputes.resolve(second, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert tx.events["DisputeResolved"]["bondRecipient"] == carol  # refunded, as when raised
    assert registry.recordOf(token)["disputeLocked"] is False


# ------------------------------------------------------------------------------------------- raise


def test_raise_records_pulls_bond_and_emits(disputes: Any, stablecoin: Any, token: int, bob: Any) -> None:
    balance = stablecoin.balanceOf(bob)
    tx = disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    assert tx.return_value == 1
    assert emitted(tx) == [
        log(
            disputes,
            "DisputeRaised",
            disputeId=1,
            tokenId=token,
            claimant=bob,
            evidenceHash=EVIDENCE,
            bondToken=stablecoin,
            bond=BOND,
            lockedTransfers=False,
            forfeitOnDismissal=True,
        ),
        log(stablecoin, "Transfer", **{"from": bob, "to": disputes, "value": BOND}),
    ]
    assert stablecoin.balanceOf(bob) == balance - BOND
    assert stablecoin.balanceOf(disputes) == BOND
    assert as_dict(disputes.disputeOf(1)) == {
        "tokenId": token,
        "claimant": address_of(bob),
        "evidenceHash": EVIDENCE,
        "bondToken": address_of(stablecoin),
        "bond": BOND,
        "raisedAt": timestamp(tx),
        "resolvedAt": 0,
        "outcome": OPEN,
        "remedy": NONE,
        "lockedTransfers": False,
        "forfeitOnDismissal": True,
        "arbitrator": ZERO_ADDRESS,
        "rulingHash": ZERO_BYTES32,
    }
    assert list(disputes.disputesOf(token)) == [1]
    assert disputes.openDisputes(token) == 1
    assert disputes.upheldDisputes(token) == 0


def test_raise_without_evidence_reverts(disputes: Any, token: int, bob: Any) -> None:
    with reverts("MissingHash"):
        disputes.raiseDispute(token, ZERO_BYTES32, {"from": bob})


def test_raise_about_unknown_right_reverts(disputes: Any, bob: Any) -> None:
    with reverts("UnknownRight", 31337):
        disputes.raiseDispute(31337, EVIDENCE, {"from": bob})


def test_raise_about_revoked_right_reverts(disputes: Any, registry: Any, registrar: Any, token: int, bob: Any) -> None:
    registry.revoke(token, ORDER, {"from": registrar})
    with reverts("UnknownRight", token):
        disputes.raiseDispute(token, EVIDENCE, {"from": bob})


def test_raise_without_allowance_reverts(disputes: Any, stablecoin: Any, token: int, bob: Any) -> None:
    stablecoin.approve(disputes, BOND - 1, {"from": bob})
    with reverts("TransferFromFailed"):
        disputes.raiseDispute(token, EVIDENCE, {"from": bob})


def test_raise_with_zero_bond_moves_no_tokens(
    disputes: Any, stablecoin: Any, token: int, admin: Any, arbitrator: Any, stranger: Any
) -> None:
    """A zero bond records no bond token, needs no allowance and pays nobody."""
    disputes.setSettings(stablecoin, 0, True, False, {"from": admin})
    tx = disputes.raiseDispute(token, EVIDENCE, {"from": stranger})
    assert emitted(tx) == [
        log(
            disputes,
            "DisputeRaised",
            disputeId=1,
            tokenId=token,
            claimant=stranger,
            evidenceHash=EVIDENCE,
            bondToken=ZERO_ADDRESS,
            bond=0,
            lockedTransfers=False,
            forfeitOnDismissal=True,
        )
    ]
    assert (disputes.disputeOf(1)["bondToken"], disputes.disputeOf(1)["bond"]) == (ZERO_ADDRESS, 0)
    tx = disputes.resolve(1, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(
            disputes,
            "DisputeResolved",
            disputeId=1,
            tokenId=token,
            arbitrator=arbitrator,
            outcome=DISMISSED,
            remedy=NONE,
            rulingHash=RULING,
            bondRecipient=ZERO_ADDRESS,
        )
    ]


def test_owner_may_dispute_own_right(disputes: Any, stablecoin: Any, token: int, alice: Any, admin: Any) -> None:
    stablecoin.mint(alice, BOND, {"from": admin})
    stablecoin.approve(disputes, BOND, {"from": alice})
    assert raise_dispute(disputes, token, alice) == 1


# ------------------------------------------------------------------------------------------- resolve: upheld


def resolved(
    disputes: Any,
    dispute_id: int,
    token_id: int,
    arbitrator: Any,
    outcome: int,
    remedy: int,
    recipient: Any,
    ruling: bytes = RULING,
) -> tuple[str, str, dict[str, Any]]:
    """The expected DisputeResolved entry."""
    return log(
        disputes,
        "DisputeResolved",
        disputeId=dispute_id,
        tokenId=token_id,
        arbitrator=arbitrator,
        outcome=outcome,
        remedy=remedy,
        rulingHash=ruling,
        bondRecipient=recipient,
    )


def test_upheld_without_remedy_refunds_and_flags(
    disputes: Any, registry: Any, stablecoin: Any, dispute: int, token: int, arbitrator: Any, alice: Any, bob: Any
) -> None:
    balance = stablecoin.balanceOf(bob)
    record = registry.recordOf(token).dict()
    tx = disputes.resolve(dispute, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(stablecoin, "Transfer", **{"from": disputes, "to": bob, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, UPHELD, NONE, bob),
    ]
    assert stablecoin.balanceOf(bob) == balance + BOND
    assert stablecoin.balanceOf(disputes) == 0
    assert registry.recordOf(token).dict() == record  # flagged here, untouched there
    stored = as_dict(disputes.disputeOf(dispute))
    assert (stored["outcome"], stored["remedy"], stored["arbitrator"], stored["rulingHash"]) == (
        UPHELD,
        NONE,
        address_of(arbitrator),
        RULING,
    )
    assert stored["resolvedAt"] == timestamp(tx)
    assert disputes.upheldDisputes(token) == 1
    assert disputes.openDisputes(token) == 0


def test_upheld_with_freeze(
    disputes: Any, registry: Any, stablecoin: Any, dispute: int, token: int, arbitrator: Any, alice: Any, bob: Any
) -> None:
    tx = disputes.resolve(dispute, True, FREEZE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(registry, "Frozen", tokenId=token, registrar=disputes, orderHash=RULING),
        log(registry, "Frozen", account=alice, tokenId=token, frozenStatus=True),  # ERC-7943's
        log(registry, "MetadataUpdate", _tokenId=token),
        log(stablecoin, "Transfer", **{"from": disputes, "to": bob, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, UPHELD, FREEZE, bob),
    ]
    assert registry.recordOf(token)["status"] == FROZEN
    assert disputes.disputeOf(dispute)["remedy"] == FREEZE
    assert disputes.upheldDisputes(token) == 1


def test_upheld_with_force_transfer(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    dispute: int,
    token: int,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> None:
    tx = disputes.resolve(dispute, True, FORCE_TRANSFER, carol, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(registry, "Transfer", **{"from": alice, "to": carol, "id": token}),
        log(
            registry,
            "ForceTransferred",
            tokenId=token,
            **{"from": alice, "to": carol},
            registrar=disputes,
            orderHash=RULING,
        ),
        log(registry, "ForcedTransfer", **{"from": alice, "to": carol}, tokenId=token),  # ERC-7943's
        log(stablecoin, "Transfer", **{"from": disputes, "to": bob, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, UPHELD, FORCE_TRANSFER, bob),
    ]
    assert registry.ownerOf(token) == carol
    assert registry.recordOf(token)["status"] == ACTIVE


def test_upheld_with_revoke(
    disputes: Any, registry: Any, stablecoin: Any, dispute: int, token: int, arbitrator: Any, alice: Any, bob: Any
) -> None:
    tx = disputes.resolve(dispute, True, REVOKE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(registry, "Transfer", **{"from": alice, "to": ZERO_ADDRESS, "id": token}),
        log(registry, "RightRevoked", tokenId=token, holder=alice, registrar=disputes, orderHash=RULING),
        log(registry, "MetadataUpdate", _tokenId=token),
        log(stablecoin, "Transfer", **{"from": disputes, "to": bob, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, UPHELD, REVOKE, bob),
    ]
    assert registry.exists(token) is False
    assert disputes.upheldDisputes(token) == 1  # the flag outlives the token


def test_freeze_of_a_frozen_right_reverts_with_the_registry_error(
    disputes: Any, registry: Any, dispute: int, token: int, registrar: Any, arbitrator: Any
) -> None:
    registry.freeze(token, ORDER, {"from": registrar})
    with reverts("FreezeStateUnchanged", token, True):
        disputes.resolve(dispute, True, FREEZE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    disputes.resolve(dispute, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})


def test_remedy_needs_the_managers_registrar_role(
    disputes: Any, registry: Any, dispute: int, admin: Any, arbitrator: Any
) -> None:
    registry.revokeRole(REGISTRAR_ROLE, disputes, {"from": admin})
    with reverts("AccessControlUnauthorizedAccount", disputes, REGISTRAR_ROLE):
        disputes.resolve(dispute, True, FREEZE, ZERO_ADDRESS, RULING, {"from": arbitrator})


def test_remedy_while_registry_paused_reverts_dismissal_does_not(
    disputes: Any, registry: Any, dispute: int, guardian: Any, arbitrator: Any
) -> None:
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        disputes.resolve(dispute, True, FREEZE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})


# ------------------------------------------------------------------------------------------- resolve: dismissed


def test_dismissed_forfeits_bond_to_owner(
    disputes: Any, stablecoin: Any, dispute: int, token: int, arbitrator: Any, alice: Any, bob: Any
) -> None:
    balance = stablecoin.balanceOf(bob)
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(stablecoin, "Transfer", **{"from": disputes, "to": alice, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, DISMISSED, NONE, alice),
    ]
    assert stablecoin.balanceOf(alice) == BOND
    assert stablecoin.balanceOf(bob) == balance
    assert disputes.disputeOf(dispute)["outcome"] == DISMISSED
    assert (disputes.openDisputes(token), disputes.upheldDisputes(token)) == (0, 0)


def test_dismissed_forfeits_bond_to_the_current_owner(
    disputes: Any, registry: Any, stablecoin: Any, dispute: int, token: int, arbitrator: Any, alice: Any, carol: Any
) -> None:
    """Without a lock the right may change hands while the dispute is open: the owner at resolution is paid."""
    registry.transferFrom(alice, carol, token, {"from": alice})
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert tx.events["DisputeResolved"]["bondRecipient"] == carol
    assert stablecoin.balanceOf(carol) == 100 * BOND + BOND


def test_dismissed_refunds_bond_when_not_forfeiting(
    disputes: Any, stablecoin: Any, refunding: None, token: int, arbitrator: Any, alice: Any, bob: Any
) -> None:
    dispute = raise_dispute(disputes, token, bob)
    balance = stablecoin.balanceOf(bob)
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(stablecoin, "Transfer", **{"from": disputes, "to": bob, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, DISMISSED, NONE, bob),
    ]
    assert stablecoin.balanceOf(bob) == balance + BOND
    assert stablecoin.balanceOf(alice) == 0


def test_dismissed_about_revoked_right_refunds_claimant(
    disputes: Any, registry: Any, stablecoin: Any, dispute: int, token: int, registrar: Any, arbitrator: Any, bob: Any
) -> None:
    """The right is gone, so there is no owner to forfeit to: the bond returns even though forfeiture is on."""
    registry.revoke(token, ORDER, {"from": registrar})
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(stablecoin, "Transfer", **{"from": disputes, "to": bob, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, DISMISSED, NONE, bob),
    ]


def test_upheld_about_revoked_right_settles_without_remedy(
    disputes: Any, registry: Any, dispute: int, token: int, registrar: Any, arbitrator: Any, bob: Any, carol: Any
) -> None:
    registry.revoke(token, ORDER, {"from": registrar})
    for remedy, recipient in ((FREEZE, ZERO_ADDRESS), (FORCE_TRANSFER, carol), (REVOKE, ZERO_ADDRESS)):
        with reverts("UnknownRight", token):
            disputes.resolve(dispute, True, remedy, recipient, RULING, {"from": arbitrator})
    tx = disputes.resolve(dispute, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert tx.events["DisputeResolved"]["bondRecipient"] == bob
    assert disputes.upheldDisputes(token) == 1


# ------------------------------------------------------------------------------------------- resolve: royalty vault
# The royalty vault here has no licence registry and no fraction vault: enough for plain rights, whose forfeited
# bonds it credits to the owner's royalty account. Fractionalized rights: tests/contracts/rights/royalty_vault.


@pytest.fixture
def royalty_vault(RoyaltyVault: Any, disputes: Any, registry: Any, admin: Any) -> Any:  # noqa: N803
    """A royalty vault deployed by ``admin`` that lists the manager as a creditor (not yet set in the manager)."""
    contract = RoyaltyVault.deploy(registry, ZERO_ADDRESS, {"from": admin})
    contract.setCreditor(disputes, True, {"from": admin})
    return contract


@pytest.fixture
def crediting(disputes: Any, royalty_vault: Any, admin: Any) -> Any:
    """The manager forfeits bonds through ``royalty_vault``; the vault."""
    disputes.setRoyaltyVault(royalty_vault, {"from": admin})
    return royalty_vault


def test_set_royalty_vault_by_admin(disputes: Any, royalty_vault: Any, admin: Any) -> None:
    assert disputes.royaltyVault() == ZERO_ADDRESS
    tx = disputes.setRoyaltyVault(royalty_vault, {"from": admin})
    assert emitted(tx) == [log(disputes, "RoyaltyVaultSet", royaltyVault=royalty_vault)]
    assert disputes.royaltyVault() == royalty_vault
    tx = disputes.setRoyaltyVault(ZERO_ADDRESS, {"from": admin})
    assert emitted(tx) == [log(disputes, "RoyaltyVaultSet", royaltyVault=ZERO_ADDRESS)]
    assert disputes.royaltyVault() == ZERO_ADDRESS


@pytest.mark.parametrize("caller", ["arbitrator", "registrar", "stranger", "alice"])
def test_set_royalty_vault_by_non_admin_reverts(disputes: Any, royalty_vault: Any, caller: str, request: Any) -> None:
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, DEFAULT_ADMIN_ROLE):
        disputes.setRoyaltyVault(royalty_vault, {"from": account})
    assert disputes.royaltyVault() == ZERO_ADDRESS


def test_set_royalty_vault_refuses_a_vault_that_cannot_credit(
    disputes: Any,
    royalty_vault: Any,
    RoyaltyVault: Any,  # noqa: N803
    IPRegistry: Any,  # noqa: N803
    registry: Any,
    admin: Any,
    stranger: Any,
) -> None:
    """An account without code, a vault over another registry, a vault that does not list the manager."""
    other_registry = IPRegistry.deploy(admin, {"from": admin})
    elsewhere = RoyaltyVault.deploy(other_registry, ZERO_ADDRESS, {"from": admin})
    elsewhere.setCreditor(disputes, True, {"from": admin})
    unlisted = RoyaltyVault.deploy(registry, ZERO_ADDRESS, {"from": admin})
    for candidate in (stranger, elsewhere, unlisted):
        with reverts("InvalidRoyaltyVault", candidate):
            disputes.setRoyaltyVault(candidate, {"from": admin})
    assert disputes.royaltyVault() == ZERO_ADDRESS


def test_dismissed_forfeits_bond_to_the_owners_royalty_account(
    disputes: Any, crediting: Any, stablecoin: Any, dispute: int, token: int, arbitrator: Any, alice: Any
) -> None:
    """The bond is credited, not pushed: the owner withdraws it from the royalty vault like a royalty."""
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(stablecoin, "Approval", owner=disputes, spender=crediting, value=BOND),
        log(
            crediting,
            "RightCredited",
            tokenId=token,
            payer=disputes,
            token=stablecoin,
            amount=BOND,
            beneficiary=alice,
            ref=ref(dispute),
        ),
        log(stablecoin, "Transfer", **{"from": disputes, "to": crediting, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, DISMISSED, NONE, alice),
    ]
    assert (stablecoin.balanceOf(alice), stablecoin.balanceOf(crediting)) == (0, BOND)
    assert stablecoin.allowance(disputes, crediting) == 0
    assert crediting.owed(alice, stablecoin) == BOND
    crediting.withdraw(stablecoin, {"from": alice})
    assert (stablecoin.balanceOf(alice), crediting.owed(alice, stablecoin)) == (BOND, 0)


def test_forfeited_bonds_add_up_in_the_royalty_account(
    disputes: Any, crediting: Any, stablecoin: Any, token: int, arbitrator: Any, alice: Any, bob: Any, carol: Any
) -> None:
    first, second = raise_dispute(disputes, token, bob), raise_dispute(disputes, token, carol)
    for dispute_id in (first, second):
        disputes.resolve(dispute_id, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert crediting.owed(alice, stablecoin) == 2 * BOND


def test_royalty_vault_leaves_refunds_alone(
    disputes: Any, crediting: Any, stablecoin: Any, refunding: None, token: int, arbitrator: Any, bob: Any
) -> None:
    """Upheld, or dismissed without forfeiture: the bond goes straight back to the claimant."""
    upheld, dismissed = raise_dispute(disputes, token, bob), raise_dispute(disputes, token, bob)
    balance = stablecoin.balanceOf(bob)
    for dispute_id, outcome in ((upheld, True), (dismissed, False)):
        tx = disputes.resolve(dispute_id, outcome, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
        assert [(address, name) for address, name, _ in emitted(tx)] == [
            (stablecoin.address, "Transfer"),
            (disputes.address, "DisputeResolved"),
        ]
        assert tx.events["DisputeResolved"]["bondRecipient"] == bob
    assert stablecoin.balanceOf(bob) == balance + 2 * BOND
    assert stablecoin.balanceOf(crediting) == 0


def test_unset_royalty_vault_restores_the_direct_transfer(
    disputes: Any, crediting: Any, stablecoin: Any, dispute: int, token: int, admin: Any, arbitrator: Any, alice: Any
) -> None:
    disputes.setRoyaltyVault(ZERO_ADDRESS, {"from": admin})
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(stablecoin, "Transfer", **{"from": disputes, "to": alice, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, DISMISSED, NONE, alice),
    ]
    assert (stablecoin.balanceOf(alice), crediting.owed(alice, stablecoin)) == (BOND, 0)


def test_forfeit_through_a_vault_that_dropped_the_manager_reverts(
    disputes: Any, crediting: Any, dispute: int, admin: Any, arbitrator: Any
) -> None:
    """A misconfiguration is not papered over: the resolution reverts until the vault's deployer lists the manager
    again or the admin unsets the vault."""
    crediting.setCreditor(disputes, False, {"from": admin})
    with reverts("NotCreditor", disputes):
        disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    disputes.resolve(dispute, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})  # a refund needs no vault


def test_forfeit_through_the_vault_unlocks_first(
    disputes: Any, crediting: Any, registry: Any, stablecoin: Any, locking: None, token: int, arbitrator: Any, bob: Any
) -> None:
    dispute = raise_dispute(disputes, token, bob)
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert [(address, name) for address, name, _ in emitted(tx)] == [
        (registry.address, "DisputeLockSet"),
        (registry.address, "MetadataUpdate"),
        (stablecoin.address, "Approval"),
        (crediting.address, "RightCredited"),
        (stablecoin.address, "Transfer"),
        (disputes.address, "DisputeResolved"),
    ]
    assert registry.recordOf(token)["disputeLocked"] is False


# ------------------------------------------------------------------------------------------- resolve: refusals


@pytest.mark.parametrize("caller", ["admin", "registrar", "stranger", "bob", "alice"])
def test_resolve_without_arbitrator_role_reverts(disputes: Any, dispute: int, caller: str, request: Any) -> None:
    """Not the admin, not a registrar of the registry, not the parties."""
    account = request.getfixturevalue(caller)
    with reverts("AccessControlUnauthorizedAccount", account, ARBITRATOR_ROLE):
        disputes.resolve(dispute, True, NONE, ZERO_ADDRESS, RULING, {"from": account})


@pytest.mark.parametrize("first", [True, False], ids=["upheld", "dismissed"])
@pytest.mark.parametrize("second", [True, False], ids=["upheld", "dismissed"])
def test_resolve_twice_reverts(disputes: Any, dispute: int, arbitrator: Any, first: bool, second: bool) -> None:
    disputes.resolve(dispute, first, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    with reverts("DisputeClosed", dispute):
        disputes.resolve(dispute, second, NONE, ZERO_ADDRESS, OTHER_RULING, {"from": arbitrator})


@pytest.mark.parametrize("dispute_id", [0, 2, 2**256 - 1])
def test_resolve_unknown_dispute_reverts(disputes: Any, dispute: int, arbitrator: Any, dispute_id: int) -> None:
    with reverts("UnknownDispute", dispute_id):
        disputes.resolve(dispute_id, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})


def test_resolve_without_ruling_reverts(disputes: Any, dispute: int, arbitrator: Any) -> None:
    with reverts("MissingHash"):
        disputes.resolve(dispute, True, NONE, ZERO_ADDRESS, ZERO_BYTES32, {"from": arbitrator})


@pytest.mark.parametrize("remedy", [4, 5, 255])
def test_resolve_with_invalid_remedy_value_reverts(disputes: Any, dispute: int, arbitrator: Any, remedy: int) -> None:
    with reverts("InvalidRemedy", remedy):
        disputes.resolve(dispute, True, remedy, ZERO_ADDRESS, RULING, {"from": arbitrator})


def test_force_transfer_without_recipient_reverts(disputes: Any, dispute: int, arbitrator: Any) -> None:
    with reverts("InvalidRemedy", FORCE_TRANSFER):
        disputes.resolve(dispute, True, FORCE_TRANSFER, ZERO_ADDRESS, RULING, {"from": arbitrator})


@pytest.mark.parametrize("remedy", [NONE, FREEZE, REVOKE])
def test_recipient_without_force_transfer_reverts(
    disputes: Any, dispute: int, arbitrator: Any, carol: Any, remedy: int
) -> None:
    with reverts("InvalidRemedy", remedy):
        disputes.resolve(dispute, True, remedy, carol, RULING, {"from": arbitrator})


@pytest.mark.parametrize("remedy", [FREEZE, FORCE_TRANSFER, REVOKE])
def test_dismissal_with_remedy_reverts(disputes: Any, dispute: int, arbitrator: Any, carol: Any, remedy: int) -> None:
    recipient = carol if remedy == FORCE_TRANSFER else ZERO_ADDRESS
    with reverts("InvalidRemedy", remedy):
        disputes.resolve(dispute, False, remedy, recipient, RULING, {"from": arbitrator})


def test_dispute_of_unknown_id_reverts(disputes: Any) -> None:
    for dispute_id in (0, 1):
        with reverts("UnknownDispute", dispute_id):
            disputes.disputeOf(dispute_id)


def test_counters_and_lists_per_right(
    disputes: Any,
    registry: Any,
    registrar: Any,
    token: int,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    new_registration: Any,
) -> None:
    other = new_registration()
    registry.register(alice, other.as_tuple(), {"from": registrar})
    ids = [
        raise_dispute(disputes, token, bob),
        raise_dispute(disputes, other.right_id, bob),
        raise_dispute(disputes, token, carol),
        raise_dispute(disputes, token, bob),
    ]
    assert ids == [1, 2, 3, 4]
    assert list(disputes.disputesOf(token)) == [1, 3, 4]
    assert list(disputes.disputesOf(other.right_id)) == [2]
    assert (disputes.openDisputes(token), disputes.openDisputes(other.right_id)) == (3, 1)
    disputes.resolve(1, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    disputes.resolve(3, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    disputes.resolve(4, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert (disputes.openDisputes(token), disputes.upheldDisputes(token)) == (0, 2)
    assert (disputes.openDisputes(other.right_id), disputes.upheldDisputes(other.right_id)) == (1, 0)


# ------------------------------------------------------------------------------------------- transfer lock


def test_without_lock_the_disputed_right_still_moves(
    disputes: Any, registry: Any, dispute: int, token: int, alice: Any, carol: Any
) -> None:
    assert registry.recordOf(token)["disputeLocked"] is False
    registry.transferFrom(alice, carol, token, {"from": alice})


def test_locking_dispute_locks_then_unlocks(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    locking: None,
    token: int,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> None:
    tx = disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    dispute = tx.return_value
    assert emitted(tx) == [
        log(
            disputes,
            "DisputeRaised",
            disputeId=dispute,
            tokenId=token,
            claimant=bob,
            evidenceHash=EVIDENCE,
            bondToken=stablecoin,
            bond=BOND,
            lockedTransfers=True,
            forfeitOnDismissal=True,
        ),
        log(registry, "DisputeLockSet", tokenId=token, locked=True, by=disputes, disputeRef=ref(dispute)),
        log(registry, "MetadataUpdate", _tokenId=token),
        log(stablecoin, "Transfer", **{"from": bob, "to": disputes, "value": BOND}),
    ]
    assert registry.recordOf(token)["disputeLocked"] is True
    assert disputes.disputeOf(dispute)["lockedTransfers"] is True
    with reverts("RightDisputed", token):
        registry.transferFrom(alice, carol, token, {"from": alice})

    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(registry, "DisputeLockSet", tokenId=token, locked=False, by=disputes, disputeRef=ref(dispute)),
        log(registry, "MetadataUpdate", _tokenId=token),
        log(stablecoin, "Transfer", **{"from": disputes, "to": alice, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, DISMISSED, NONE, alice),
    ]
    assert registry.recordOf(token)["disputeLocked"] is False
    registry.transferFrom(alice, carol, token, {"from": alice})


def test_two_locking_disputes_keep_the_lock_until_the_last_is_resolved(
    disputes: Any, registry: Any, locking: None, token: int, arbitrator: Any, alice: Any, bob: Any, carol: Any
) -> None:
    first = raise_dispute(disputes, token, bob)
    tx = disputes.raiseDispute(token, EVIDENCE, {"from": carol})
    second = tx.return_value
    assert [name for _, name, _ in emitted(tx)] == ["DisputeRaised", "Transfer"]  # already locked: no second lock
    tx = disputes.resolve(first, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert [name for _, name, _ in emitted(tx)] == ["Transfer", "DisputeResolved"]  # no unlock yet
    assert registry.recordOf(token)["disputeLocked"] is True
    with reverts("RightDisputed", token):
        registry.transferFrom(alice, bob, token, {"from": alice})
    tx = disputes.resolve(second, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert log(registry, "DisputeLockSet", tokenId=token, locked=False, by=disputes, disputeRef=ref(second)) in emitted(
        tx
    )
    assert registry.recordOf(token)["disputeLocked"] is False
    registry.transferFrom(alice, bob, token, {"from": alice})


def test_non_locking_dispute_neither_holds_nor_releases_the_lock(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    token: int,
    admin: Any,
    arbitrator: Any,
    bob: Any,
    carol: Any,
) -> None:
    """Raised before the lock was switched on, the first dispute does not count: the locking one alone decides."""
    plain = raise_dispute(disputes, token, bob)
    disputes.setSettings(stablecoin, BOND, True, True, {"from": admin})
    locking_id = raise_dispute(disputes, token, carol)
    assert registry.recordOf(token)["disputeLocked"] is True
    disputes.resolve(plain, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert registry.recordOf(token)["disputeLocked"] is True
    disputes.resolve(locking_id, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert registry.recordOf(token)["disputeLocked"] is False


def test_lock_released_while_a_non_locking_dispute_stays_open(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    locking: None,
    token: int,
    admin: Any,
    arbitrator: Any,
    bob: Any,
    carol: Any,
) -> None:
    locking_id = raise_dispute(disputes, token, bob)
    disputes.setSettings(stablecoin, BOND, True, False, {"from": admin})
    raise_dispute(disputes, token, carol)
    disputes.resolve(locking_id, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert registry.recordOf(token)["disputeLocked"] is False
    assert disputes.openDisputes(token) == 1


def test_force_transfer_remedy_passes_the_lock_and_releases_it(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    locking: None,
    token: int,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
) -> None:
    dispute = raise_dispute(disputes, token, bob)
    tx = disputes.resolve(dispute, True, FORCE_TRANSFER, carol, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(registry, "Transfer", **{"from": alice, "to": carol, "id": token}),
        log(
            registry,
            "ForceTransferred",
            tokenId=token,
            **{"from": alice, "to": carol},
            registrar=disputes,
            orderHash=RULING,
        ),
        log(registry, "ForcedTransfer", **{"from": alice, "to": carol}, tokenId=token),  # ERC-7943's
        log(registry, "DisputeLockSet", tokenId=token, locked=False, by=disputes, disputeRef=ref(dispute)),
        log(registry, "MetadataUpdate", _tokenId=token),
        log(stablecoin, "Transfer", **{"from": disputes, "to": bob, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, UPHELD, FORCE_TRANSFER, bob),
    ]
    registry.transferFrom(carol, alice, token, {"from": carol})


def test_force_transfer_remedy_keeps_the_lock_of_other_open_disputes(
    disputes: Any, registry: Any, locking: None, token: int, arbitrator: Any, bob: Any, carol: Any
) -> None:
    dispute = raise_dispute(disputes, token, bob)
    raise_dispute(disputes, token, carol)
    disputes.resolve(dispute, True, FORCE_TRANSFER, carol, RULING, {"from": arbitrator})
    assert registry.ownerOf(token) == carol
    assert registry.recordOf(token)["disputeLocked"] is True


def test_freeze_remedy_under_lock_leaves_it_frozen_and_unlocked(
    disputes: Any, registry: Any, locking: None, token: int, arbitrator: Any, bob: Any
) -> None:
    dispute = raise_dispute(disputes, token, bob)
    disputes.resolve(dispute, True, FREEZE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    record = registry.recordOf(token)
    assert (record["status"], record["disputeLocked"]) == (FROZEN, False)


def test_revoke_remedy_under_lock_needs_no_unlock(
    disputes: Any, registry: Any, stablecoin: Any, locking: None, token: int, arbitrator: Any, alice: Any, bob: Any
) -> None:
    dispute = raise_dispute(disputes, token, bob)
    tx = disputes.resolve(dispute, True, REVOKE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert [(address, name) for address, name, _ in emitted(tx)] == [
        (registry.address, "Transfer"),
        (registry.address, "RightRevoked"),
        (registry.address, "MetadataUpdate"),
        (stablecoin.address, "Transfer"),
        (disputes.address, "DisputeResolved"),
    ]


def test_unlock_while_registry_paused(
    disputes: Any, registry: Any, locking: None, token: int, guardian: Any, arbitrator: Any, bob: Any
) -> None:
    dispute = raise_dispute(disputes, token, bob)
    registry.pause({"from": guardian})
    disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert registry.recordOf(token)["disputeLocked"] is False


def test_lock_needs_the_managers_dispute_role(
    disputes: Any, registry: Any, locking: None, token: int, admin: Any, bob: Any
) -> None:
    """Without DISPUTE_ROLE the manager's setLock is held to the pledge role (the registry checks the dispute role
    first, then names PLEDGE_ROLE), and the dispute is not raised."""
    registry.revokeRole(DISPUTE_ROLE, disputes, {"from": admin})
    with reverts("AccessControlUnauthorizedAccount", disputes, PLEDGE_ROLE):
        disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    assert registry.recordOf(token)["disputeLocked"] is False


def test_right_revoked_and_registered_again_under_open_locking_disputes(
    disputes: Any,
    registry: Any,
    locking: None,
    token: int,
    registrar: Any,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    registration: Registration,
) -> None:
    """The registry's own record decides: the new token is locked by the first new dispute although an old
    locking dispute is still open, and that old dispute neither unlocks it nor fails to resolve."""
    old_first = raise_dispute(disputes, token, bob)
    old_second = raise_dispute(disputes, token, carol)
    disputes.resolve(old_first, True, REVOKE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    chain.sleep(2)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.recordOf(token)["disputeLocked"] is False

    tx = disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    new = tx.return_value
    assert log(registry, "DisputeLockSet", tokenId=token, locked=True, by=disputes, disputeRef=ref(new)) in emitted(tx)
    tx = disputes.resolve(old_second, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    # Raised against the revoked registration: refunded to carol, not forfeited to the new holder.
    assert [name for _, name, _ in emitted(tx)] == ["DisputeRegistrationChanged", "Transfer", "DisputeResolved"]
    assert tx.events["DisputeResolved"]["bondRecipient"] == carol
    assert registry.recordOf(token)["disputeLocked"] is True
    disputes.resolve(new, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert registry.recordOf(token)["disputeLocked"] is False


def test_a_superseded_claim_takes_its_dispute_lock_with_it(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    locking: None,
    claimed: int,
    registrar: Any,
    arbitrator: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
    new_registration: Any,
) -> None:
    """Audit finding F2: a locking dispute raised against a self-declared claim was a free lock on the registration
    that superseded it (the bond comes back whatever the ruling). The supersede now clears the lock, with an event;
    the old dispute still resolves, refunded, and never touches the new registration's lock."""
    dispute = raise_dispute(disputes, claimed, bob)
    assert registry.recordOf(claimed)["disputeLocked"] is True
    chain.sleep(2)
    tx = registry.register(carol, new_registration(right_id=claimed).as_tuple(), {"from": registrar})
    assert log(registry, "DisputeLockSet", tokenId=claimed, locked=False, by=registrar, disputeRef=ref(0)) in (
        emitted(tx)
    )
    assert registry.recordOf(claimed)["disputeLocked"] is False
    registry.transferFrom(carol, stranger, claimed, {"from": carol})
    registry.transferFrom(stranger, carol, claimed, {"from": stranger})

    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert [name for _, name, _ in emitted(tx)] == ["DisputeRegistrationChanged", "Transfer", "DisputeResolved"]
    assert tx.events["DisputeResolved"]["bondRecipient"] == bob
    assert disputes.openDisputes(claimed) == 0


def test_a_dispute_about_a_superseded_claim_does_not_hold_the_new_registrations_lock(
    disputes: Any,
    registry: Any,
    stablecoin: Any,
    locking: None,
    claimed: int,
    admin: Any,
    registrar: Any,
    arbitrator: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
    new_registration: Any,
) -> None:
    """A dispute raised against the new registration locks it and, dismissed, unlocks it, although the stale
    dispute about the superseded claim is still open; the stale one then resolves without touching the lock."""
    stablecoin.mint(stranger, BOND, {"from": admin})
    stablecoin.approve(disputes, BOND, {"from": stranger})
    stale = raise_dispute(disputes, claimed, bob)
    chain.sleep(2)
    registry.register(carol, new_registration(right_id=claimed).as_tuple(), {"from": registrar})
    current = raise_dispute(disputes, claimed, stranger)
    assert registry.recordOf(claimed)["disputeLocked"] is True
    tx = disputes.resolve(current, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert log(registry, "DisputeLockSet", tokenId=claimed, locked=False, by=disputes, disputeRef=ref(current)) in (
        emitted(tx)
    )
    assert tx.events["DisputeResolved"]["bondRecipient"] == carol  # forfeited to the holder it was about
    registry.transferFrom(carol, stranger, claimed, {"from": carol})

    locked_again = raise_dispute(disputes, claimed, bob)
    tx = disputes.resolve(stale, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert [name for _, name, _ in emitted(tx)] == ["DisputeRegistrationChanged", "Transfer", "DisputeResolved"]
    assert registry.recordOf(claimed)["disputeLocked"] is True  # still held by locked_again
    disputes.resolve(locked_again, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert registry.recordOf(claimed)["disputeLocked"] is False


# ------------------------------------------------------------------------------------------- hostile bond tokens


def test_fee_on_transfer_bond_token_is_refused(
    disputes: Any,
    TestFeeOnTransferToken: Any,  # noqa: N803
    token: int,
    admin: Any,
    bob: Any,
) -> None:
    fee_token = TestFeeOnTransferToken.deploy({"from": admin})
    fee_token.mint(bob, BOND, {"from": admin})
    fee_token.approve(disputes, BOND, {"from": bob})
    disputes.setSettings(fee_token, BOND, True, False, {"from": admin})
    with reverts("BondNotReceived", BOND, BOND - BOND // 100):
        disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    assert fee_token.balanceOf(bob) == BOND


@pytest.fixture
def reentrant(disputes: Any, TestReentrantToken: Any, admin: Any, bob: Any) -> Any:  # noqa: N803
    """A re-entering token as bond token, held and approved by ``bob``; it also holds the arbitrator role, so only
    the reentrancy guard stands between it and a nested resolution."""
    contract = TestReentrantToken.deploy({"from": admin})
    contract.mint(bob, 10 * BOND, {"from": admin})
    contract.approve(disputes, 10 * BOND, {"from": bob})
    disputes.setSettings(contract, BOND, True, False, {"from": admin})
    disputes.grantRole(ARBITRATOR_ROLE, contract, {"from": admin})
    return contract


def test_reentrant_raise_is_refused(disputes: Any, reentrant: Any, token: int, bob: Any) -> None:
    """While the bond is pulled, the token tries to raise another dispute: the guard refuses, the outer raise
    completes alone."""
    reentrant.arm(disputes, disputes.raiseDispute.encode_input(token, EVIDENCE), {"from": bob})
    tx = disputes.raiseDispute(token, EVIDENCE, {"from": bob})
    assert emitted(tx) == [
        log(
            disputes,
            "DisputeRaised",
            disputeId=1,
            tokenId=token,
            claimant=bob,
            evidenceHash=EVIDENCE,
            bondToken=reentrant,
            bond=BOND,
            lockedTransfers=False,
            forfeitOnDismissal=True,
        ),
        log(
            reentrant,
            "CallbackResult",
            target=disputes,
            success=False,
            returnData=encode_error("ReentrancyGuardReentrantCall"),
        ),
        log(reentrant, "Transfer", **{"from": bob, "to": disputes, "value": BOND}),
    ]
    assert list(disputes.disputesOf(token)) == [1]


def test_reentrant_resolve_is_refused(
    disputes: Any, reentrant: Any, token: int, arbitrator: Any, alice: Any, bob: Any
) -> None:
    """While the bond is paid out, the token (an arbitrator too) tries to resolve the same dispute again, the other
    way: the guard refuses, the outer ruling stands."""
    dispute = raise_dispute(disputes, token, bob)
    nested = disputes.resolve.encode_input(dispute, True, NONE, ZERO_ADDRESS, OTHER_RULING)
    reentrant.arm(disputes, nested, {"from": bob})
    tx = disputes.resolve(dispute, False, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert emitted(tx) == [
        log(
            reentrant,
            "CallbackResult",
            target=disputes,
            success=False,
            returnData=encode_error("ReentrancyGuardReentrantCall"),
        ),
        log(reentrant, "Transfer", **{"from": disputes, "to": alice, "value": BOND}),
        resolved(disputes, dispute, token, arbitrator, DISMISSED, NONE, alice),
    ]
    stored = disputes.disputeOf(dispute)
    assert (stored["outcome"], bytes(stored["rulingHash"])) == (DISMISSED, RULING)
    assert disputes.upheldDisputes(token) == 0


def test_reentrant_token_works_when_not_armed(
    disputes: Any, reentrant: Any, token: int, arbitrator: Any, bob: Any
) -> None:
    """The control: the refusals above come from the re-entry, not from the token."""
    dispute = raise_dispute(disputes, token, bob)
    disputes.resolve(dispute, True, NONE, ZERO_ADDRESS, RULING, {"from": arbitrator})
    assert reentrant.balanceOf(bob) == 10 * BOND
