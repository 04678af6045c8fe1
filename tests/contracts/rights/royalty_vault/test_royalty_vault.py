"""RoyaltyVault: payments on licences credited to the right's owner at the moment of payment, withdrawals, the link
to the fraction vault, and the checks on what a payment token really moved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, address_of, events_of, mine_at, now, reverts_with_data
from royalty_helpers import DAY, REPORT, USD, reverted_frames
from share_helpers import deploy_test_contract, reverts

DEED = keccak(text="assignment deed 2025-11")
ORDER = keccak(text="court order 2025/17")
REASON = keccak(text="licence breach")
# Solady SafeTransferLib's errors (raised from assembly, so in no ABI) and OZ's reentrancy guard error.
TRANSFER_FROM_FAILED = keccak(text="TransferFromFailed()")[:4]
TRANSFER_FAILED = keccak(text="TransferFailed()")[:4]
REENTRANT_CALL = keccak(text="ReentrancyGuardReentrantCall()")[:4]


@pytest.fixture
def right(new_right: Callable[[Any], int], alice: Any) -> int:
    return new_right(alice)


@pytest.fixture
def license_id(grant: Callable[..., int], alice: Any, right: int) -> int:
    """A licence of ``right`` to ``licensee``, royalties in ``usd``."""
    return grant(alice, right)


# ------------------------------------------------------------------------------------------- deployment


def test_royalty_vault_deployment_links_every_contract(
    royalty_vault: Any,
    vault: Any,
    registry: Any,
    licenses: Any,
    ShareToken: Any,  # noqa: N803
) -> None:
    assert royalty_vault.registry() == registry
    assert royalty_vault.licenses() == licenses
    assert royalty_vault.fractionVault() == vault
    assert vault.royaltyVault() == royalty_vault
    assert ShareToken.at(vault.shareImplementation()).royaltyVault() == royalty_vault


@pytest.fixture
def fresh_pair(RoyaltyVault: Any, FractionVault: Any, registry: Any, licenses: Any, compliance: Any, admin: Any) -> Any:  # noqa: N803
    """A royalty vault whose fraction vault is not set yet, and a fraction vault naming it."""
    royalties = RoyaltyVault.deploy(registry, licenses, {"from": admin})
    return royalties, FractionVault.deploy(registry, compliance, royalties, {"from": admin})


def test_set_fraction_vault_once_by_the_deployer(fresh_pair: Any, admin: Any, stranger: Any) -> None:
    royalties, fractions = fresh_pair
    assert royalties.fractionVault() == ZERO_ADDRESS
    with reverts("NotDeployer", stranger):
        royalties.setFractionVault(fractions, {"from": stranger})
    tx = royalties.setFractionVault(fractions, {"from": admin})
    assert events_of(tx) == [("FractionVaultSet", {"fractionVault": fractions})]
    assert royalties.fractionVault() == fractions
    with reverts("FractionVaultAlreadySet"):
        royalties.setFractionVault(fractions, {"from": admin})


def test_set_fraction_vault_refuses_a_vault_of_another_deployment(
    fresh_pair: Any,
    vault: Any,
    IPRegistry: Any,  # noqa: N803
    FractionVault: Any,  # noqa: N803
    compliance: Any,
    admin: Any,
    stranger: Any,
) -> None:
    royalties, _ = fresh_pair
    other_registry = IPRegistry.deploy(admin, {"from": admin})
    over_other_registry = FractionVault.deploy(other_registry, compliance, royalties, {"from": admin})
    for candidate in (ZERO_ADDRESS, stranger, vault, over_other_registry):
        with reverts("InvalidFractionVault", candidate):
            royalties.setFractionVault(candidate, {"from": admin})
    assert royalties.fractionVault() == ZERO_ADDRESS


# ------------------------------------------------------------------------------------------- owner payments


def test_royalty_paid_to_the_owner_is_withdrawn_by_the_owner(
    royalty_vault: Any, pay: Callable[..., Any], license_id: int, right: int, alice: Any, licensee: Any, usd: Any
) -> None:
    tx = pay(license_id, 1_250 * USD)
    assert events_of(tx) == [
        (
            "RoyaltyPaid",
            {
                "licenseId": license_id,
                "tokenId": right,
                "payer": licensee,
                "token": usd,
                "amount": 1_250 * USD,
                "beneficiary": alice,
                "reportHash": REPORT,
            },
        ),
        ("Transfer", {"from": licensee, "to": royalty_vault, "value": 1_250 * USD}),
    ]
    assert royalty_vault.owed(alice, usd) == 1_250 * USD
    assert usd.balanceOf(royalty_vault) == 1_250 * USD

    tx = royalty_vault.withdraw(usd, {"from": alice})
    assert tx.return_value == 1_250 * USD
    assert events_of(tx) == [
        ("RoyaltyWithdrawn", {"account": alice, "token": usd, "amount": 1_250 * USD}),
        ("Transfer", {"from": royalty_vault, "to": alice, "value": 1_250 * USD}),
    ]
    assert (royalty_vault.owed(alice, usd), usd.balanceOf(alice), usd.balanceOf(royalty_vault)) == (0, 1_250 * USD, 0)
    with reverts("NothingOwed", alice, usd):
        royalty_vault.withdraw(usd, {"from": alice})


def test_payments_add_up_per_owner_and_token(
    royalty_vault: Any,
    pay: Callable[..., Any],
    grant: Callable[..., int],
    new_right: Callable[[Any], int],
    license_id: int,
    TestStablecoin: Any,  # noqa: N803
    alice: Any,
    bob: Any,
    usd: Any,
    admin: Any,
) -> None:
    eur = TestStablecoin.deploy({"from": admin})
    in_eur = grant(alice, new_right(alice), payment_token=eur)
    bobs = grant(bob, new_right(bob))
    pay(license_id, 100)
    pay(license_id, 20)
    pay(in_eur, 7, token=eur)
    pay(bobs, 5)
    assert (royalty_vault.owed(alice, usd), royalty_vault.owed(alice, eur), royalty_vault.owed(bob, usd)) == (120, 7, 5)
    royalty_vault.withdraw(usd, {"from": alice})
    assert (royalty_vault.owed(alice, usd), royalty_vault.owed(alice, eur), royalty_vault.owed(bob, usd)) == (0, 7, 5)
    assert usd.balanceOf(royalty_vault) == 5


def test_anyone_may_pay_on_a_licence(
    royalty_vault: Any, pay: Callable[..., Any], license_id: int, alice: Any, stranger: Any, usd: Any
) -> None:
    tx = pay(license_id, 42, payer=stranger)
    assert tx.events["RoyaltyPaid"]["payer"] == stranger
    assert royalty_vault.owed(alice, usd) == 42


def test_late_payments_on_ended_or_revoked_licences_are_accepted(
    royalty_vault: Any,
    pay: Callable[..., Any],
    grant: Callable[..., int],
    licenses: Any,
    right: int,
    license_id: int,
    alice: Any,
    usd: Any,
) -> None:
    ending = grant(alice, right, end=now() + DAY)
    licenses.revoke(license_id, REASON, {"from": alice})
    mine_at(now() + 2 * DAY)
    pay(license_id, 30)
    pay(ending, 12)
    assert royalty_vault.owed(alice, usd) == 42


def test_zero_payment_reverts(royalty_vault: Any, license_id: int, licensee: Any) -> None:
    with reverts("ZeroAmount"):
        royalty_vault.pay(license_id, 0, REPORT, {"from": licensee})


def test_licence_without_payment_token_reverts(
    royalty_vault: Any, grant: Callable[..., int], right: int, alice: Any, licensee: Any
) -> None:
    free = grant(alice, right, payment_token=ZERO_ADDRESS)
    with reverts("NoPaymentToken", free):
        royalty_vault.pay(free, 1, REPORT, {"from": licensee})


def test_unknown_licence_reverts(royalty_vault: Any, license_id: int, licensee: Any) -> None:
    with reverts("UnknownLicense", license_id + 1):
        royalty_vault.pay(license_id + 1, 1, REPORT, {"from": licensee})


def test_revoked_right_cannot_be_paid(
    royalty_vault: Any, pay: Callable[..., Any], registry: Any, registrar: Any, license_id: int, right: int
) -> None:
    registry.revoke(right, ORDER, {"from": registrar})
    with reverts("UnknownRight", right):
        pay(license_id, 10)


def test_assignee_gets_only_later_royalties(
    royalty_vault: Any,
    pay: Callable[..., Any],
    registry: Any,
    license_id: int,
    right: int,
    alice: Any,
    bob: Any,
    usd: Any,
) -> None:
    pay(license_id, 100)
    registry.assign(right, bob, DEED, {"from": alice})
    tx = pay(license_id, 50)
    assert tx.events["RoyaltyPaid"]["beneficiary"] == bob
    assert (royalty_vault.owed(alice, usd), royalty_vault.owed(bob, usd)) == (100, 50)
    royalty_vault.withdraw(usd, {"from": alice})
    royalty_vault.withdraw(usd, {"from": bob})
    assert (usd.balanceOf(alice), usd.balanceOf(bob)) == (100, 50)


# ------------------------------------------------------------------------------------------- creditors


@pytest.fixture
def creditor(royalty_vault: Any, usd: Any, admin: Any, carol: Any) -> Any:
    """``carol``, listed as a creditor by the deployer, holding 10,000 USD approved for the royalty vault."""
    royalty_vault.setCreditor(carol, True, {"from": admin})
    usd.mint(carol, 10_000 * USD, {"from": carol})
    usd.approve(royalty_vault, 10_000 * USD, {"from": carol})
    return carol


def test_only_the_deployer_sets_creditors(royalty_vault: Any, admin: Any, stranger: Any, carol: Any) -> None:
    assert royalty_vault.deployer() == admin
    assert royalty_vault.isCreditor(carol) is False
    for caller in (stranger, carol):
        with reverts("NotDeployer", caller):
            royalty_vault.setCreditor(carol, True, {"from": caller})
    tx = royalty_vault.setCreditor(carol, True, {"from": admin})
    assert events_of(tx) == [("CreditorSet", {"creditor": carol, "allowed": True})]
    assert royalty_vault.isCreditor(carol) is True
    tx = royalty_vault.setCreditor(carol, False, {"from": admin})
    assert events_of(tx) == [("CreditorSet", {"creditor": carol, "allowed": False})]
    assert royalty_vault.isCreditor(carol) is False


def test_credit_right_by_a_non_creditor_reverts(
    royalty_vault: Any, fractionalize: Callable[..., Any], right: int, usd: Any, alice: Any, admin: Any, stranger: Any
) -> None:
    """Not even the deployer or the owner: a stranger could otherwise fill a share token's currency slots."""
    shares = fractionalize(alice, right)
    for caller in (stranger, admin, alice):
        usd.mint(caller, 1, {"from": caller})
        usd.approve(royalty_vault, 1, {"from": caller})
        with reverts("NotCreditor", caller):
            royalty_vault.creditRight(right, usd, 1, DEED, {"from": caller})
    assert shares.royaltyCurrencies() == []


def test_credit_right_credits_the_owner(royalty_vault: Any, creditor: Any, right: int, alice: Any, usd: Any) -> None:
    tx = royalty_vault.creditRight(right, usd, 500 * USD, DEED, {"from": creditor})
    assert tx.return_value == alice
    assert events_of(tx) == [
        (
            "RightCredited",
            {
                "tokenId": right,
                "payer": creditor,
                "token": usd,
                "amount": 500 * USD,
                "beneficiary": alice,
                "ref": DEED,
            },
        ),
        ("Transfer", {"from": creditor, "to": royalty_vault, "value": 500 * USD}),
    ]
    assert royalty_vault.owed(alice, usd) == 500 * USD
    royalty_vault.withdraw(usd, {"from": alice})
    assert usd.balanceOf(alice) == 500 * USD


def test_credit_right_and_royalties_share_the_owners_account(
    royalty_vault: Any, creditor: Any, pay: Callable[..., Any], license_id: int, right: int, alice: Any, usd: Any
) -> None:
    pay(license_id, 100)
    royalty_vault.creditRight(right, usd, 20, DEED, {"from": creditor})
    assert royalty_vault.owed(alice, usd) == 120


def test_credit_right_refusals(
    royalty_vault: Any,
    creditor: Any,
    registry: Any,
    registrar: Any,
    right: int,
    admin: Any,
    usd: Any,
) -> None:
    with reverts("ZeroAmount"):
        royalty_vault.creditRight(right, usd, 0, DEED, {"from": creditor})
    fee_token = deploy_test_contract("FeeOnTransferToken", admin)
    fee_token.mint(creditor, 1_000, {"from": creditor})
    fee_token.approve(royalty_vault, 1_000, {"from": creditor})
    with reverts("PaymentNotReceived", 1_000, 990):
        royalty_vault.creditRight(right, fee_token, 1_000, DEED, {"from": creditor})
    with reverts_with_data(TRANSFER_FROM_FAILED):
        royalty_vault.creditRight(right, usd, 20_000 * USD, DEED, {"from": creditor})  # beyond the allowance
    registry.revoke(right, ORDER, {"from": registrar})
    with reverts("UnknownRight", right):
        royalty_vault.creditRight(right, usd, 1, DEED, {"from": creditor})
    royalty_vault.setCreditor(creditor, False, {"from": admin})
    with reverts("NotCreditor", creditor):
        royalty_vault.creditRight(right, usd, 1, DEED, {"from": creditor})
    assert usd.balanceOf(royalty_vault) == 0


def test_reentrant_credit_is_refused(royalty_vault: Any, creditor: Any, right: int, alice: Any, admin: Any) -> None:
    """The token re-enters ``creditRight`` from its transferFrom: the guard refuses."""
    token = deploy_test_contract("ReentrantToken", admin)
    token.mint(creditor, 1_000, {"from": creditor})
    token.approve(royalty_vault, 1_000, {"from": creditor})
    token.arm(royalty_vault, royalty_vault.creditRight.encode_input(right, token, 1, DEED), {"from": alice})
    with reverts_with_data(TRANSFER_FROM_FAILED) as capture:
        royalty_vault.creditRight(right, token, 1_000, DEED, {"from": creditor})
    assert (address_of(royalty_vault), REENTRANT_CALL) in reverted_frames(capture.exception.txid)
    assert royalty_vault.owed(alice, token) == 0


# ------------------------------------------------------------------------------------------- odd payment tokens


@pytest.fixture
def odd_license(grant: Callable[..., int], right: int, alice: Any, admin: Any) -> Callable[[str], tuple[Any, int]]:
    """A test-only token from share_helpers and a licence of ``right`` paid in it."""

    def make(name: str) -> tuple[Any, int]:
        token = deploy_test_contract(name, admin)
        return token, grant(alice, right, payment_token=token)

    return make


def test_fee_on_transfer_payment_reverts(
    royalty_vault: Any, pay: Callable[..., Any], odd_license: Any, alice: Any, licensee: Any
) -> None:
    token, license_id = odd_license("FeeOnTransferToken")
    with reverts("PaymentNotReceived", 1_000, 990):
        pay(license_id, 1_000, token=token)
    assert (royalty_vault.owed(alice, token), token.balanceOf(licensee)) == (0, 1_000)


def test_lying_payment_token_reverts(royalty_vault: Any, pay: Callable[..., Any], odd_license: Any, alice: Any) -> None:
    token, license_id = odd_license("LyingToken")
    with reverts("PaymentNotReceived", 1_000, 0):
        pay(license_id, 1_000, token=token)
    assert royalty_vault.owed(alice, token) == 0


def test_payment_token_returning_false_reverts(pay: Callable[..., Any], odd_license: Any) -> None:
    token, license_id = odd_license("FalseToken")
    with reverts_with_data(TRANSFER_FROM_FAILED):
        pay(license_id, 1_000, token=token)


def test_payment_without_allowance_reverts(royalty_vault: Any, license_id: int, usd: Any, licensee: Any) -> None:
    usd.mint(licensee, 1_000, {"from": licensee})
    with reverts_with_data(TRANSFER_FROM_FAILED):
        royalty_vault.pay(license_id, 1_000, REPORT, {"from": licensee})


def test_reentrant_payment_is_refused(
    royalty_vault: Any, pay: Callable[..., Any], odd_license: Any, alice: Any
) -> None:
    """The token re-enters ``pay`` from its transferFrom: the guard refuses, SafeTransferLib reports the failure."""
    token, license_id = odd_license("ReentrantToken")
    token.arm(royalty_vault, royalty_vault.pay.encode_input(license_id, 1, REPORT), {"from": alice})
    with reverts_with_data(TRANSFER_FROM_FAILED) as capture:
        pay(license_id, 1_000, token=token)
    assert (address_of(royalty_vault), REENTRANT_CALL) in reverted_frames(capture.exception.txid)
    assert royalty_vault.owed(alice, token) == 0


def test_reentrant_withdrawal_is_refused(
    royalty_vault: Any, pay: Callable[..., Any], odd_license: Any, alice: Any
) -> None:
    """The token re-enters ``withdraw`` from its transfer: the guard refuses, SafeTransferLib reports the failure."""
    token, license_id = odd_license("ReentrantTransferToken")
    pay(license_id, 1_000, token=token)
    token.arm(royalty_vault, royalty_vault.withdraw.encode_input(token), {"from": alice})
    with reverts_with_data(TRANSFER_FAILED) as capture:
        royalty_vault.withdraw(token, {"from": alice})
    assert (address_of(royalty_vault), REENTRANT_CALL) in reverted_frames(capture.exception.txid)
    assert (royalty_vault.owed(alice, token), token.balanceOf(alice)) == (1_000, 0)
